"""A valid, plausible trial table set for the export tests and the benchmark, until the simulator
(`mesems simulate --out DIR`) lands. Not a model of MS: only shapes, keys and code lists matter here.

Everything is drawn from the passed `numpy.random.Generator`, vectorised, so 10,000 participants
take seconds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from mesems.clinical.edss import EDSS_STEPS
from mesems.exports.tables import TABLES
from mesems.exports.tableset import POLARS_TYPES, TrialTables, record_keys, text_of
from mesems.protocol import Protocol

AE_TERMS = [
    ("headache", "Nervous system disorders", "Headache"),
    ("fever after infusion", "General disorders and administration site conditions", "Pyrexia"),
    ("urinary infection", "Infections and infestations", "Urinary tract infection"),
    ("common cold", "Infections and infestations", "Nasopharyngitis"),
    ("tiredness", "General disorders and administration site conditions", "Fatigue"),
    ("back pain", "Musculoskeletal and connective tissue disorders", "Back pain"),
    ("nausea", "Gastrointestinal disorders", "Nausea"),
    ("pain at marrow harvest site", "Injury, poisoning and procedural complications", "Procedural pain"),
]
DRUGS = [("methylprednisolone", "corticosteroid", "relapse"), ("paracetamol", None, "headache"),
         ("vitamin D", None, "supplement"), ("baclofen", None, "spasticity"), ("nitrofurantoin", None, "urinary infection")]
CONDITIONS = ["hypertension", "migraine", "depression", "asthma", "hypothyroidism"]


def generate(protocol: Protocol, participants: int, rng: np.random.Generator) -> dict[str, pl.DataFrame]:
    """Typed frames for every table of the contract."""
    base = _participants(protocol, participants, rng)
    visits = _visits(protocol, base, rng)
    relapses, unscheduled = _relapses(base, rng)
    frames = {
        "participants": base.select(TABLES["participants"].column_names),
        "visits": pl.concat([visits, unscheduled]).sort("participant_id", "planned_date", nulls_last=True),
        "relapses": relapses,
    }
    done = visits.filter(pl.col("status") == "done").join(base.select("participant_id", "sequence"), on="participant_id")
    assessed = {v.week: set(v.assessments) for v in protocol.schedule.visits}
    frames["mri"], frames["gel"] = _mri(done, assessed, rng)
    frames["edss"] = _edss(done, unscheduled, base, assessed, rng)
    frames["infusions"] = _infusions(done, assessed, rng)
    frames["adverse_events"] = _adverse_events(base, rng)
    frames["disposition"] = _disposition(base, visits)
    frames["deviations"] = _deviations(visits)
    frames["vital_signs"] = _vitals(done, unscheduled, rng)
    frames["labs"] = _labs(done, assessed, rng)
    frames["concomitant_medications"] = _conmeds(base, rng)
    frames["medical_history"] = _history(base, rng)
    frames["screening"] = _screening(protocol, base, rng)
    frames["audit_trail"] = _audit(frames, base, rng)
    return {name: _conform(name, frame) for name, frame in frames.items()}


def generate_tables(protocol: Protocol, participants: int, seed: int) -> TrialTables:
    return TrialTables.from_frames(generate(protocol, participants, np.random.default_rng(seed)), protocol)


def write_csv_dir(frames: dict[str, pl.DataFrame], directory: Path) -> Path:
    """The CSV layout `mesems simulate --out DIR` writes."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        columns = {c.name: c for c in TABLES[name].columns}
        frame.select([text_of(columns[c]).alias(c) for c in frame.columns]).write_csv(directory / f"{name}.csv")
    return directory


def _conform(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select([pl.col(c.name).cast(POLARS_TYPES[c.dtype]) for c in TABLES[name].columns])


def _pick(rng: np.random.Generator, values: list, n: int, p: list[float] | None = None) -> list:
    return [values[i] for i in rng.choice(len(values), size=n, p=p)]


def _participants(protocol: Protocol, n: int, rng: np.random.Generator) -> pl.DataFrame:
    sites = [s.id for s in protocol.sites]
    site = _pick(rng, sites, n)
    counters: dict[str, int] = {}
    ids = []
    for s in site:
        counters[s] = counters.get(s, 0) + 1
        ids.append(f"{s}-{counters[s]:04d}")
    start = protocol.identity.start_date or dt.date(2013, 2, 1)
    offsets = np.sort(rng.integers(30, 30 + 4 * 365, size=n))
    arms = [a.id for a in protocol.arms]
    blocks = np.concatenate([rng.permutation([0, 0, 1, 1]) for _ in range(n // 4 + 1)])[:n]
    return pl.DataFrame({
        "participant_id": ids,
        "site_id": site,
        "randomisation_number": [f"R-{i + 1:05d}" for i in range(n)],
        "randomisation_date": [start + dt.timedelta(days=int(d)) for d in offsets],
        "sequence": [arms[b] for b in blocks],
        "ms_course": _pick(rng, ["RR", "SP", "PP"], n, [94 / 144, 33 / 144, 17 / 144]),
        "sex": _pick(rng, ["F", "M"], n, [0.6, 0.4]),
        "age": rng.integers(18, 51, size=n),
        "disease_duration_years": np.round(rng.uniform(2, 15, size=n), 1),
        "baseline_edss": _pick(rng, [s for s in EDSS_STEPS if 2.5 <= s <= 6.5], n),
        "baseline_gel": rng.negative_binomial(0.6, 0.6 / (0.6 + 1.2), size=n),
        "relapses_prior_12m": rng.poisson(1.0, size=n),
        "weight_kg": np.round(rng.normal(72, 12, size=n).clip(45, 130), 1),
        "withdrawn_after": np.where(rng.random(n) < 0.1, rng.integers(1, 13, size=n), 99),
    })


def _visits(protocol: Protocol, base: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    schedule = pl.DataFrame({
        "visit_id": [v.id for v in protocol.schedule.visits],
        "week": [v.week for v in protocol.schedule.visits],
        "index": list(range(len(protocol.schedule.visits))),
    })
    grid = base.select("participant_id", "randomisation_date", "withdrawn_after").join(schedule, how="cross")
    n = grid.height
    jitter = np.where(grid["week"].to_numpy() % 24 == 0, 0, rng.integers(-5, 6, size=n))
    late = rng.random(n) < 0.02
    jitter = np.where(late & (jitter != 0), 10, jitter)
    missed = (grid["index"].to_numpy() > grid["withdrawn_after"].to_numpy()) | ((rng.random(n) < 0.02) & (grid["index"].to_numpy() > 0))
    return grid.with_columns(
        planned_date=pl.col("randomisation_date") + pl.duration(days=pl.col("week") * 7),
        jitter=pl.Series(jitter),
        missed=pl.Series(missed),
    ).select(
        "participant_id",
        "visit_id",
        "week",
        period=pl.when(pl.col("week") < 24).then(1).otherwise(2),
        planned_date="planned_date",
        actual_date=pl.when(pl.col("missed")).then(None).otherwise(pl.col("planned_date") + pl.duration(days=pl.col("jitter"))),
        status=pl.when(pl.col("missed")).then(pl.lit("missed")).otherwise(pl.lit("done")),
        out_of_window=~pl.col("missed") & (pl.col("jitter").abs() > 7),
    )


def _relapses(base: pl.DataFrame, rng: np.random.Generator) -> tuple[pl.DataFrame, pl.DataFrame]:
    counts = rng.poisson(0.35, size=base.height)
    rows = base.select("participant_id", "randomisation_date").with_columns(n=pl.Series(counts)).filter(pl.col("n") > 0)
    rows = rows.select(pl.all().repeat_by("n").explode()).drop("n")
    days = rng.integers(3, 330, size=rows.height)
    relapses = rows.with_columns(onset_date=pl.col("randomisation_date") + pl.duration(days=pl.Series(days))).unique(
        ["participant_id", "onset_date"], maintain_order=True
    )
    relapses = relapses.with_columns(
        period=pl.when(pl.col("onset_date") < pl.col("randomisation_date") + pl.duration(days=168)).then(1).otherwise(2),
        confirmed=pl.Series(rng.random(relapses.height) < 0.7),
    )
    unscheduled = relapses.with_columns(
        visit_id=pl.lit("U") + pl.col("onset_date").rank("ordinal").over("participant_id").cast(pl.String).str.zfill(2),
        week=pl.lit(None, dtype=pl.Int64),
        planned_date=pl.lit(None, dtype=pl.Date),
        actual_date=pl.col("onset_date") + pl.duration(days=3),
        status=pl.lit("done"),
        out_of_window=pl.lit(False),
    ).select("participant_id", "visit_id", "week", "period", "planned_date", "actual_date", "status", "out_of_window")
    return relapses.select(TABLES["relapses"].column_names), unscheduled


def _mri(done: pl.DataFrame, assessed: dict[int, set[str]], rng: np.random.Generator) -> tuple[pl.DataFrame, pl.DataFrame]:
    gel_weeks = [w for w, a in assessed.items() if "mri_gel" in a]
    t2_weeks = [w for w, a in assessed.items() if "mri_t2" in a]
    scans = done.filter(pl.col("week").is_in(gel_weeks))
    n = scans.height
    gel = rng.negative_binomial(0.6, 0.6 / (0.6 + 1.0), size=n)
    t2 = pl.col("week").is_in(t2_weeks)
    mri = scans.with_columns(gel=pl.Series(gel)).select(
        "participant_id",
        "week",
        scan_date="actual_date",
        gel="gel",
        new_t2=pl.when(t2 & (pl.col("week") > 0)).then(pl.Series(rng.poisson(1.5, size=n))).otherwise(None),
        t2_volume_ml=pl.when(t2).then(pl.Series(np.round(rng.gamma(4, 3, size=n), 2))).otherwise(None),
        black_holes=pl.when(t2).then(pl.Series(rng.poisson(3, size=n))).otherwise(None),
    )
    return mri, scans.with_columns(gel=pl.Series(gel)).select("participant_id", "sequence", "week", "gel")


def _edss(done: pl.DataFrame, unscheduled: pl.DataFrame, base: pl.DataFrame, assessed: dict[int, set[str]], rng: np.random.Generator) -> pl.DataFrame:
    weeks = [w for w, a in assessed.items() if "edss" in a]
    rows = pl.concat([
        done.filter(pl.col("week").is_in(weeks)).select("participant_id", "week", "actual_date"),
        unscheduled.select("participant_id", "week", "actual_date"),
    ]).join(base.select("participant_id", "baseline_edss"), on="participant_id")
    n = rows.height
    step = rng.choice([-1, 0, 0, 0, 1, 2], size=n) * 0.5
    edss = np.clip(rows["baseline_edss"].to_numpy() + step, 1.0, 9.5)
    edss = np.where(edss == 0.5, 1.0, edss)
    frame = rows.with_columns(edss=pl.Series(edss)).select("participant_id", "week", assessment_date="actual_date", edss="edss")
    tops = {"fs_pyramidal": 6, "fs_cerebellar": 5, "fs_brainstem": 5, "fs_sensory": 6, "fs_bowel_bladder": 6, "fs_visual": 6, "fs_cerebral": 5, "fs_other": 1}
    fs = {name: np.minimum(rng.binomial(top, np.clip(edss / 12, 0, 1)), top) for name, top in tops.items()}
    return frame.with_columns(**{k: pl.Series(v) for k, v in fs.items()}).unique(["participant_id", "assessment_date"], maintain_order=True)


def _infusions(done: pl.DataFrame, assessed: dict[int, set[str]], rng: np.random.Generator) -> pl.DataFrame:
    weeks = [w for w, a in assessed.items() if "infusion" in a]
    rows = done.filter(pl.col("week").is_in(weeks))
    msc_first = pl.col("sequence") == "MSC-placebo"
    is_msc = (msc_first & (pl.col("week") == min(weeks))) | (~msc_first & (pl.col("week") != min(weeks)))
    return rows.with_columns(dose=pl.Series(np.round(rng.uniform(1.0e6, 2.0e6, size=rows.height), -3))).select(
        "participant_id",
        "week",
        "period",
        infusion_date="actual_date",
        product_code=pl.concat_str([pl.lit("P-"), pl.col("participant_id"), pl.lit("-"), pl.col("week").cast(pl.String)]),
        product=pl.when(is_msc).then(pl.lit("MSC")).otherwise(pl.lit("PLACEBO")),
        cells_per_kg=pl.when(is_msc).then(pl.col("dose")).otherwise(0.0),
    )


def _adverse_events(base: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    counts = rng.poisson(2.5, size=base.height)
    rows = base.select("participant_id", "randomisation_date").with_columns(n=pl.Series(counts))
    rows = rows.select(pl.all().repeat_by("n").explode()).drop_nulls("participant_id").drop("n")
    n = rows.height
    which = rng.integers(0, len(AE_TERMS), size=n)
    start_day = rng.integers(0, 336, size=n)
    duration = rng.integers(1, 30, size=n)
    grade = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.55, 0.3, 0.12, 0.025, 0.005])
    outcome = np.where(grade == 5, "fatal", rng.choice(["recovered", "recovering", "not_recovered", "unknown"], size=n, p=[0.8, 0.1, 0.07, 0.03]))
    ongoing = np.isin(outcome, ["not_recovered", "unknown", "recovering"])
    return rows.with_columns(
        ae_id=pl.lit("AE-") + pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(6),
        term=pl.Series([AE_TERMS[i][0] for i in which]),
        soc=pl.Series([AE_TERMS[i][1] for i in which]),
        pt=pl.Series([AE_TERMS[i][2] for i in which]),
        grade=pl.Series(grade),
        serious=pl.Series(grade >= 3) & pl.Series(rng.random(n) < 0.5),
        related=pl.Series(rng.random(n) < 0.2),
        expected=pl.Series(rng.random(n) < 0.6),
        infusion_reaction=pl.Series(np.isin(start_day, [0, 1, 168, 169])),
        start_date=pl.col("randomisation_date") + pl.duration(days=pl.Series(start_day)),
        stop=pl.Series(duration),
        ongoing=pl.Series(ongoing),
        period=pl.Series(np.where(start_day < 168, 1, 2)),
        outcome=pl.Series(outcome),
    ).with_columns(
        stop_date=pl.when(pl.col("ongoing")).then(None).otherwise(pl.col("start_date") + pl.duration(days=pl.col("stop"))),
    ).select(TABLES["adverse_events"].column_names)


def _disposition(base: pl.DataFrame, visits: pl.DataFrame) -> pl.DataFrame:
    last = visits.filter(pl.col("status") == "done").group_by("participant_id", maintain_order=True).agg(
        last_visit_week=pl.col("week").max(), end_date=pl.col("actual_date").max()
    )
    return base.select("participant_id", "withdrawn_after").join(last, on="participant_id").select(
        "participant_id",
        status=pl.when(pl.col("withdrawn_after") < 99).then(pl.lit("withdrawn")).otherwise(pl.lit("completed")),
        last_visit_week="last_visit_week",
        end_date="end_date",
        reason=pl.when(pl.col("withdrawn_after") < 99).then(pl.lit("participant's decision")).otherwise(None),
    )


def _deviations(visits: pl.DataFrame) -> pl.DataFrame:
    late = visits.filter(pl.col("out_of_window"))
    return late.select(
        "participant_id",
        deviation_id=pl.lit("DV-") + pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(5),
        category=pl.lit("visit_window"),
        description=pl.concat_str([pl.lit("visit "), pl.col("visit_id"), pl.lit(" done on "), pl.col("actual_date").dt.strftime("%Y-%m-%d"), pl.lit(", outside its window")]),
        found_date="actual_date",
        visit_id="visit_id",
    )


def _vitals(done: pl.DataFrame, unscheduled: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    rows = pl.concat([done.select("participant_id", "week", "actual_date"), unscheduled.select("participant_id", "week", "actual_date")])
    rows = rows.unique(["participant_id", "actual_date"], maintain_order=True)
    n = rows.height
    return rows.select(
        "participant_id",
        "week",
        assessment_date="actual_date",
        systolic_bp=pl.Series(rng.normal(122, 12, size=n).round().astype(int)),
        diastolic_bp=pl.Series(rng.normal(78, 8, size=n).round().astype(int)),
        pulse=pl.Series(rng.normal(70, 9, size=n).round().astype(int)),
        temperature_c=pl.Series(np.round(rng.normal(36.7, 0.3, size=n), 1)),
        weight_kg=pl.when(pl.col("week").is_in([0, 24])).then(pl.Series(np.round(rng.normal(72, 12, size=n).clip(45, 130), 1))).otherwise(None),
    )


def _labs(done: pl.DataFrame, assessed: dict[int, set[str]], rng: np.random.Generator) -> pl.DataFrame:
    rows = done.filter(pl.col("week").is_in([w for w, a in assessed.items() if "labs" in a]))
    n = rows.height
    return rows.select(
        "participant_id",
        "week",
        sample_date="actual_date",
        wbc=pl.Series(np.round(rng.normal(6.5, 1.5, size=n).clip(2, 15), 1)),
        creatinine=pl.Series(np.round(rng.normal(75, 12, size=n), 0)),
        egfr=pl.Series(np.round(rng.normal(95, 12, size=n).clip(55, 140), 0)),
    )


def _conmeds(base: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    rows = base.select("participant_id", "randomisation_date").with_columns(n=pl.Series(rng.poisson(1.2, size=base.height)))
    rows = rows.select(pl.all().repeat_by("n").explode()).drop_nulls("participant_id").drop("n")
    n = rows.height
    which = rng.integers(0, len(DRUGS), size=n)
    ongoing = rng.random(n) < 0.3
    start = rng.integers(-300, 300, size=n)
    return rows.with_columns(
        cm_id=pl.lit("CM-") + pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(6),
        drug=pl.Series([DRUGS[i][0] for i in which]),
        drug_class=pl.Series([DRUGS[i][1] for i in which], dtype=pl.String),
        indication=pl.Series([DRUGS[i][2] for i in which]),
        start_date=pl.col("randomisation_date") + pl.duration(days=pl.Series(start)),
        ongoing=pl.Series(ongoing),
    ).with_columns(
        stop_date=pl.when(pl.col("ongoing")).then(None).otherwise(pl.col("start_date") + pl.duration(days=5)),
    ).select(TABLES["concomitant_medications"].column_names)


def _history(base: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    rows = base.select("participant_id", "randomisation_date").with_columns(n=pl.Series(rng.poisson(0.6, size=base.height)))
    rows = rows.select(pl.all().repeat_by("n").explode()).drop_nulls("participant_id").drop("n")
    n = rows.height
    return rows.with_columns(
        mh_id=pl.lit("MH-") + pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(6),
        term=pl.Series(_pick(rng, CONDITIONS, n), dtype=pl.String),
        start_date=pl.col("randomisation_date") - pl.duration(days=pl.Series(rng.integers(200, 4000, size=n))),
        ongoing=pl.Series(rng.random(n) < 0.6),
    ).select(TABLES["medical_history"].column_names)


def _screening(protocol: Protocol, base: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    randomised = base.select(
        "site_id",
        screened_date=pl.col("randomisation_date") - pl.duration(days=28),
        eligible=pl.lit("eligible"),
        failed_criteria=pl.lit(None, dtype=pl.String),
        consented=pl.lit(True),
        withdrawn_before_randomisation=pl.lit(False),
        participant_id="participant_id",
    )
    failures = base.height // 3
    failed = pl.DataFrame({
        "site_id": _pick(rng, [s.id for s in protocol.sites], failures),
        "screened_date": base["randomisation_date"].sample(failures, seed=int(rng.integers(1 << 30)), with_replacement=True),
        "eligible": _pick(rng, ["not_eligible", "unknown"], failures, [0.85, 0.15]),
        "failed_criteria": _pick(rng, ["INC-4", "EXC-5", "INC-3;EXC-8", "EXC-13"], failures),
        "consented": [False] * failures,
        "withdrawn_before_randomisation": [False] * failures,
        "participant_id": pl.Series([None] * failures, dtype=pl.String),
    })
    both = pl.concat([randomised, failed]).sort("screened_date")
    version = pl.lit(protocol.eligibility_in_force(min(v.effective_from for v in protocol.eligibility)).id)
    for v in sorted(protocol.eligibility, key=lambda v: v.effective_from):
        version = pl.when(pl.col("screened_date") >= v.effective_from).then(pl.lit(v.id)).otherwise(version)
    return both.with_columns(
        screening_id=pl.lit("S-") + pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(6),
        protocol_version=version,
    ).select(TABLES["screening"].column_names)


def _audit(frames: dict[str, pl.DataFrame], base: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """A 'created' record per row of each participant's forms, and an 'updated' one for some EDSS rows."""
    sites = base.select("participant_id", "site_id", "randomisation_date")
    parts = []
    for name in ("participants", "visits", "edss", "adverse_events", "relapses", "infusions", "disposition"):
        spec = TABLES[name]
        frame = _conform(name, frames[name])
        keyed = frame.select("participant_id", record_key=record_keys(spec)).join(sites, on="participant_id")
        parts.append(keyed.with_columns(table_name=pl.lit(name), action=pl.lit("created"), reason=pl.lit(None, dtype=pl.String)))
    created = pl.concat(parts)
    updated = created.filter(pl.col("table_name") == "edss").sample(fraction=0.05, seed=int(rng.integers(1 << 30)))
    updated = updated.with_columns(action=pl.lit("updated"), reason=pl.lit("transcription error corrected"))
    rows = pl.concat([created, updated])
    n = rows.height
    minutes = rng.integers(0, 60 * 24 * 360, size=n)
    return rows.with_columns(
        audit_id=pl.lit("A-") + pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(8),
        user_id=pl.col("site_id").str.to_lowercase() + pl.lit("-nurse"),
        user_role=pl.lit("nurse"),
        changed_at=(pl.col("randomisation_date").cast(pl.Datetime) + pl.duration(minutes=pl.Series(minutes) + pl.when(pl.col("action") == "updated").then(60 * 24 * 2).otherwise(0))).dt.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
    ).select(TABLES["audit_trail"].column_names)
