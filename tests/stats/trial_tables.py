"""A small seeded generator of a whole trial's flat tables (the `mesems.exports.tables` contract)
for the analysis tests and the benchmark, until the simulator (`mesems simulate`) writes them.

It is deliberately simple: the shapes and codes are right; the clinical realism is the simulator's job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

SEQUENCES = ("MSC-placebo", "placebo-MSC")
VISIT_WEEKS = (0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48)
MRI_WEEKS = (0, 4, 12, 24, 28, 36, 48)
EDSS_WEEKS = (0, 12, 24, 36, 48)
SITES = ("SE-KAR", "IT-01", "IT-02", "ES-01", "GB-01", "DK-01")
EDSS_STEPS = np.array([0.0, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5, 9.0, 9.5, 10.0])
AE_TERMS = (
    ("Infections and infestations", "Nasopharyngitis"),
    ("Infections and infestations", "Urinary tract infection"),
    ("Nervous system disorders", "Headache"),
    ("Nervous system disorders", "Paraesthesia"),
    ("General disorders and administration site conditions", "Fatigue"),
    ("General disorders and administration site conditions", "Pyrexia"),
    ("Gastrointestinal disorders", "Nausea"),
    ("Musculoskeletal and connective tissue disorders", "Back pain"),
    ("Injury, poisoning and procedural complications", "Infusion related reaction"),
    ("Psychiatric disorders", "Depression"),
)
START = dt.date(2013, 3, 1)


@dataclass(frozen=True)
class TrialScenario:
    participants: int = 144
    gel_mean: float = 1.3
    gel_rate_ratio: float = 0.8
    gel_theta: float = 0.7
    gel_sd: float = 0.9
    relapse_rate: float = 0.6
    dropout: float = 0.08
    missed_visit: float = 0.04


def _dates(days: np.ndarray) -> list[str]:
    return [(START + dt.timedelta(days=int(d))).isoformat() for d in days]


def write_trial_tables(directory: Path, rng: np.random.Generator, scenario: TrialScenario = TrialScenario()) -> Path:
    """Write screening, participants, visits, gel, mri, edss, relapses, adverse_events, infusions,
    disposition and deviations CSVs into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    n = scenario.participants
    pid = np.array([f"P-{i + 1:05d}" for i in range(n)])
    sequence = rng.permutation(np.arange(n) % 2)
    site = rng.choice(len(SITES), n)
    rand_day = rng.integers(0, 5 * 365, n)

    screened = int(n * 1.4) + 3
    eligible = np.full(screened, "eligible", dtype=object)
    not_randomised = rng.choice(screened, screened - n, replace=False)
    status = rng.choice(["not_eligible", "declined", "withdrawn"], not_randomised.size, p=[0.7, 0.2, 0.1])
    eligible[not_randomised[status == "not_eligible"]] = "not_eligible"
    consented = np.ones(screened, dtype=bool)
    consented[not_randomised[status == "declined"]] = False
    withdrawn = np.zeros(screened, dtype=bool)
    withdrawn[not_randomised[status == "withdrawn"]] = True
    randomised_rows = np.setdiff1d(np.arange(screened), not_randomised)
    screening_pid = np.full(screened, None, dtype=object)
    screening_pid[randomised_rows] = pid
    failed = np.where(eligible == "not_eligible", rng.choice(["INC-4", "INC-3", "EXC-8", "EXC-5;EXC-7"], screened), None)
    pl.DataFrame({
        "screening_id": [f"S-{i + 1:05d}" for i in range(screened)],
        "site_id": [SITES[s] for s in rng.choice(len(SITES), screened)],
        "screened_date": _dates(rng.integers(0, 5 * 365, screened)),
        "protocol_version": rng.choice(["v1", "final"], screened).tolist(),
        "eligible": eligible.tolist(), "failed_criteria": failed.tolist(),
        "consented": consented, "withdrawn_before_randomisation": withdrawn,
        "participant_id": screening_pid.tolist(),
    }).write_csv(directory / "screening.csv")

    drop = rng.random(n) < scenario.dropout
    last_week = np.where(drop, rng.choice(VISIT_WEEKS[1:-1], n), 48)
    disposition_status = np.where(drop, rng.choice(["withdrawn", "lost_to_follow_up"], n, p=[0.7, 0.3]), "completed")
    pl.DataFrame({
        "participant_id": pid, "status": disposition_status, "last_visit_week": last_week,
        "end_date": _dates(rand_day + 7 * last_week),
        "reason": np.where(drop, rng.choice(["adverse event", "participant decision", "moved away"], n), None).tolist(),
    }).write_csv(directory / "disposition.csv")

    course = rng.choice(["RR", "SP", "PP"], n, p=[0.65, 0.23, 0.12])
    baseline_edss = EDSS_STEPS[rng.integers(4, 13, n)]
    frailty = rng.normal(0.0, scenario.gel_sd, n)

    weeks = np.tile(np.array(VISIT_WEEKS), n)
    who = np.repeat(np.arange(n), len(VISIT_WEEKS))
    reached = weeks <= last_week[who]
    done = reached & ((rng.random(weeks.size) > scenario.missed_visit) | (weeks == 0) | (weeks == 24))
    jitter = np.where((weeks == 0) | (weeks == 24), 0, rng.integers(-5, 6, weeks.size))
    jitter[rng.random(weeks.size) < 0.02] = 10
    planned = rand_day[who] + 7 * weeks
    visits = pl.DataFrame({
        "participant_id": pid[who], "visit_id": [f"W{w:02d}" for w in weeks], "week": weeks,
        "period": np.where(weeks < 24, 1, 2), "planned_date": _dates(planned),
        "actual_date": [d if ok else None for d, ok in zip(_dates(planned + jitter), done, strict=True)],
        "status": np.where(done, "done", "missed"), "out_of_window": done & (np.abs(jitter) > 7),
    }).filter(pl.Series(reached))
    visits.write_csv(directory / "visits.csv")

    mri_rows = np.isin(weeks, MRI_WEEKS) & done
    period = np.where(weeks == 0, 0, np.where(weeks <= 24, 1, 2))
    msc = ((sequence[who] == 0) & (period == 1)) | ((sequence[who] == 1) & (period == 2))
    mean = scenario.gel_mean * np.exp(frailty[who]) * np.where(msc, scenario.gel_rate_ratio, 1.0)
    gel = rng.negative_binomial(scenario.gel_theta, scenario.gel_theta / (scenario.gel_theta + mean))
    seq_label = np.array(SEQUENCES)[sequence[who]]
    pl.DataFrame({"participant_id": pid[who], "sequence": seq_label, "week": weeks, "gel": gel}).filter(
        pl.Series(mri_rows)).write_csv(directory / "gel.csv")
    t2_weeks = np.isin(weeks, (0, 24, 48))
    t2_volume = np.exp(rng.normal(2.0, 0.6, n))[who] * (1 + 0.01 * weeks / 24 * np.where(msc, 0.5, 1.0))
    pl.DataFrame({
        "participant_id": pid[who], "week": weeks, "scan_date": _dates(planned + jitter), "gel": gel,
        "new_t2": np.where(np.isin(weeks, (24, 48)), rng.poisson(np.where(msc, 0.8, 1.2) * np.exp(frailty[who] / 2)),
                           None).tolist(),
        "t2_volume_ml": np.where(t2_weeks, np.round(t2_volume, 2), None).tolist(),
        "black_holes": np.where(t2_weeks, rng.poisson(3.0, weeks.size), None).tolist(),
    }).filter(pl.Series(mri_rows)).write_csv(directory / "mri.csv")
    baseline_gel = gel[weeks == 0]
    pl.DataFrame({
        "participant_id": pid, "site_id": [SITES[s] for s in site],
        "randomisation_number": [f"R-{i + 1:05d}" for i in range(n)], "randomisation_date": _dates(rand_day),
        "sequence": np.array(SEQUENCES)[sequence], "ms_course": course, "sex": rng.choice(["F", "M"], n, p=[0.6, 0.4]),
        "age": rng.integers(18, 51, n), "disease_duration_years": np.round(rng.uniform(2, 15, n), 1),
        "baseline_edss": baseline_edss,
        "baseline_gel": np.where(done[weeks == 0], baseline_gel, None).tolist(),
        "relapses_prior_12m": rng.poisson(1.0, n), "weight_kg": np.round(rng.normal(72, 12, n), 1),
    }).write_csv(directory / "participants.csv")

    edss_rows = np.isin(weeks, EDSS_WEEKS) & done
    steps = np.cumsum(rng.choice([-1, 0, 0, 0, 1, 2], weeks.size).reshape(n, len(VISIT_WEEKS)) * np.isin(
        np.array(VISIT_WEEKS), EDSS_WEEKS[1:]), axis=1).ravel()
    index = np.clip(np.searchsorted(EDSS_STEPS, baseline_edss[who]) + steps, 0, len(EDSS_STEPS) - 1)
    pl.DataFrame({"participant_id": pid[who], "week": weeks, "assessment_date": _dates(planned + jitter),
                  "edss": EDSS_STEPS[index]}).filter(pl.Series(edss_rows)).write_csv(directory / "edss.csv")

    years = last_week * 7 / 365.25
    counts = rng.poisson(scenario.relapse_rate * years)
    rel_who = np.repeat(np.arange(n), counts)
    onset_week = rng.uniform(0, last_week[rel_who])
    pl.DataFrame({
        "participant_id": pid[rel_who], "onset_date": _dates(rand_day[rel_who] + np.floor(onset_week * 7)),
        "period": np.where(onset_week < 24, 1, 2), "confirmed": rng.random(rel_who.size) < 0.8,
    }).unique(subset=["participant_id", "onset_date"]).write_csv(directory / "relapses.csv")

    ae_counts = rng.poisson(2.5 * np.minimum(last_week, 48) / 48)
    ae_who = np.repeat(np.arange(n), ae_counts)
    ae_week = rng.uniform(0, last_week[ae_who])
    term = rng.choice(len(AE_TERMS), ae_who.size)
    grade = rng.choice([1, 2, 3, 4, 5], ae_who.size, p=[0.55, 0.3, 0.11, 0.035, 0.005])
    pl.DataFrame({
        "participant_id": pid[ae_who], "ae_id": [f"AE-{i + 1:06d}" for i in range(ae_who.size)],
        "term": [AE_TERMS[t][1].lower() for t in term], "soc": [AE_TERMS[t][0] for t in term],
        "pt": [AE_TERMS[t][1] for t in term], "grade": grade, "serious": grade >= 4,
        "related": rng.random(ae_who.size) < 0.2, "expected": rng.random(ae_who.size) < 0.7,
        "infusion_reaction": np.array([AE_TERMS[t][1] == "Infusion related reaction" for t in term], dtype=bool),
        "start_date": _dates(rand_day[ae_who] + np.floor(ae_week * 7)),
        "stop_date": _dates(rand_day[ae_who] + np.floor(ae_week * 7) + 10),
        "period": np.where(ae_week < 24, 1, 2),
        "outcome": np.where(grade == 5, "fatal", "recovered"),
    }).write_csv(directory / "adverse_events.csv")

    inf_who = np.concatenate([np.arange(n), np.nonzero(last_week >= 24)[0]])
    inf_period = np.concatenate([np.ones(n, dtype=int), np.full(int(np.sum(last_week >= 24)), 2)])
    product_msc = ((sequence[inf_who] == 0) & (inf_period == 1)) | ((sequence[inf_who] == 1) & (inf_period == 2))
    pl.DataFrame({
        "participant_id": pid[inf_who], "week": 24 * (inf_period - 1), "period": inf_period,
        "infusion_date": _dates(rand_day[inf_who] + 168 * (inf_period - 1)),
        "product_code": [f"PC-{i:06d}" for i in range(inf_who.size)],
        "product": np.where(product_msc, "MSC", "PLACEBO"), "cells_per_kg": np.where(product_msc, 1.5e6, 0.0),
    }).write_csv(directory / "infusions.csv")

    dev_who = np.nonzero(rng.random(n) < 0.3)[0]
    pl.DataFrame({
        "participant_id": pid[dev_who], "deviation_id": [f"D-{i + 1:05d}" for i in range(dev_who.size)],
        "category": rng.choice(["visit_window", "eligibility", "dosing", "procedure", "consent", "other"], dev_who.size),
        "description": "simulated deviation", "found_date": _dates(rand_day[dev_who] + 30),
        "visit_id": None,
    }).write_csv(directory / "deviations.csv")
    return directory
