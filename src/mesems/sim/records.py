"""The other case report forms of a simulated participant: vital signs, safety laboratory values,
concomitant medications and medical history.

These carry no treatment effect; they are there so that a simulated trial fills every table of
the flat contract with plausible values. Values [default]: vital signs and laboratory values
around adult norms, a disease-modifying therapy stopped before randomisation (by at least the
washout of exclusions 5 and 6), intravenous methylprednisolone for some relapses, and a few
common conditions in the medical history. The audit trail is not simulated: it records what
people did in the database, and a simulation has no people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

PREVIOUS_THERAPIES = (  # (drug as written, class, least days stopped before randomisation)
    ("interferon beta-1a", "interferon_beta", 31),
    ("glatiramer acetate", "glatiramer", 31),
    ("natalizumab", "natalizumab", 92),
    ("fingolimod", "fingolimod", 92),
)
SYMPTOMATIC = (  # (drug, class, indication, share of participants)
    ("baclofen", "other", "spasticity", 0.25),
    ("fampridine", "other", "walking", 0.15),
    ("cholecalciferol", "other", "vitamin D supplement", 0.40),
)
RELAPSE_STEROIDS = 0.6
"""Share of relapses treated with intravenous methylprednisolone (3 or 5 days)."""
HISTORY = (("hypertension", 0.08), ("asthma", 0.07), ("migraine", 0.12), ("hypothyroidism", 0.05),
           ("depression", 0.15), ("urinary urgency", 0.20))


@dataclass(frozen=True)
class Medication:
    drug: str
    drug_class: str
    indication: str
    start_day: int
    stop_day: int | None  # days from randomisation; None while taken


def vital_signs(rng: np.random.Generator, weight_kg: float, dosing: bool) -> dict[str, Any]:
    """Blood pressure, pulse, temperature; the weight is the dosing weight at an infusion visit.

    The diastolic pressure is drawn as the systolic less a pulse pressure of at least 20 mmHg, so a
    simulated reading is always one the vital-signs form accepts (diastolic below systolic)."""
    systolic = int(np.clip(rng.normal(122, 12), 90, 190))
    diastolic = systolic - int(np.clip(rng.normal(44, 8), 20, 70))
    return {"systolic_bp": systolic, "diastolic_bp": diastolic,
            "pulse": int(rng.normal(72, 9)), "temperature_c": round(float(rng.normal(36.7, 0.3)), 1),
            "weight_kg": weight_kg if dosing else round(weight_kg + float(rng.normal(0, 0.8)), 1)}


def labs(rng: np.random.Generator, sex: str) -> dict[str, Any]:
    """WBC (10^9/L), creatinine (umol/L) and eGFR (mL/min/1.73 m2, at least 60: exclusion 13)."""
    return {"wbc": round(float(rng.lognormal(np.log(6.2), 0.22)), 1),
            "creatinine": round(float(rng.normal(65 if sex == "F" else 82, 11))),
            "egfr": round(float(np.clip(rng.normal(98, 13), 60, 140)))}


def medications(rng: np.random.Generator, relapse_days: list[int]) -> list[Medication]:
    """The therapy failed before the trial, symptomatic drugs, and steroids for relapses."""
    drug, drug_class, washout = PREVIOUS_THERAPIES[int(rng.integers(len(PREVIOUS_THERAPIES)))]
    stopped = -washout - int(rng.integers(0, 120))
    taken = [Medication(drug, drug_class, "multiple sclerosis", stopped - int(rng.integers(365, 2200)), stopped)]
    for name, cls, indication, share in SYMPTOMATIC:
        if rng.random() < share:
            taken.append(Medication(name, cls, indication, -int(rng.integers(30, 1500)), None))
    for day in relapse_days:
        if rng.random() < RELAPSE_STEROIDS:
            taken.append(Medication("methylprednisolone IV 1 g", "corticosteroid", "relapse", day + 1,
                                    day + int(rng.choice([3, 5]))))
    return taken


def medication_row(pid: str, number: int, medication: Medication, start: dt.date, cutoff_day: int | None) -> dict[str, Any]:
    """The row as recorded on the cut-off day: a drug stopped after it is still ongoing then."""
    stop = medication.stop_day
    ongoing = stop is None or (cutoff_day is not None and stop > cutoff_day)
    return {"participant_id": pid, "cm_id": f"{pid}-CM{number:02d}", "drug": medication.drug,
            "drug_class": medication.drug_class, "indication": medication.indication,
            "start_date": start + dt.timedelta(days=medication.start_day),
            "stop_date": None if ongoing or stop is None else start + dt.timedelta(days=stop), "ongoing": ongoing}


def medical_history(rng: np.random.Generator, pid: str, screened: dt.date) -> list[dict[str, Any]]:
    rows = []
    for term, share in HISTORY:
        if rng.random() < share:
            ongoing = bool(rng.random() < 0.7)
            rows.append({"participant_id": pid, "mh_id": f"{pid}-MH{len(rows) + 1:02d}", "term": term,
                         "start_date": screened - dt.timedelta(days=int(rng.integers(180, 7000))), "ongoing": ongoing})
    return rows
