"""Filling visits with plausible data through the real services, for the demo.

The demo's replay calls these with users of the demo sites: every value goes through the same
forms, rules and audit trail as a nurse's typing. What the simulated trial measured is passed in;
the rest is drawn here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np

from mesems.schedule import collection_for
from mesems.web.apps.visits.models import CrfRecord
from mesems.web.apps.visits.services import report_visit, save_record

Recorded = Mapping[str, Mapping[str, Any] | None]
"""Form key -> values measured elsewhere (the simulated trial, the bedside check), or None when the
assessment was not done (a missed scan)."""


def visit_values(key: str, on: dt.date, rng: np.random.Generator, t2: bool) -> dict[str, Any]:
    """Plausible values of one form at a visit on `on`; an MRI read has the T2 measures only at a
    visit that collects them (`t2`). An infusion's product code is not drawn: it is the code of the
    bag that passed the bedside check, which the caller knows."""
    day = on.isoformat()
    values: dict[str, dict[str, Any]] = {
        "vital_signs": {
            "measured_on": day,
            "systolic_bp": int(rng.integers(105, 140)),
            "diastolic_bp": int(rng.integers(65, 88)),
            "heart_rate": int(rng.integers(58, 90)),
            "temperature_c": round(float(rng.normal(36.7, 0.2)), 1),
        },
        "weight": {"measured_on": day, "weight_kg": round(float(rng.normal(70, 10)), 1)},
        "labs": {
            "sampled_on": day,
            "wbc": round(float(rng.normal(6.5, 1.2)), 1),
            "egfr": round(float(rng.normal(95, 12)), 0),
        },
        "edss": {
            "assessed_on": day,
            "edss": float(rng.choice([2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0])),
            "fs_pyramidal": int(rng.integers(1, 4)),
            "fs_sensory": int(rng.integers(0, 3)),
            "fs_cerebellar": int(rng.integers(0, 3)),
        },
        "mri": {
            "scan_date": day,
            "gel": int(rng.poisson(1.2)),
            **(
                {
                    "new_t2": int(rng.poisson(1)),
                    "t2_volume_ml": round(float(rng.gamma(4, 3)), 1),
                    "black_holes": int(rng.poisson(2)),
                }
                if t2
                else {}
            ),
        },
        "infusion": {"infused_on": day, "dose_per_kg": 1.5e6, "volume_ml": 100},
    }
    return values[key]


def fill_visit(
    user: Any,
    participant_code: str,
    visit_code: str,
    on: dt.date,
    rng: np.random.Generator,
    recorded: Recorded | None = None,
) -> list[CrfRecord]:
    """Reports the visit as done on `on` and saves every form it collects (weight before infusion),
    each with what `recorded` holds for it over drawn values; a form recorded as None is left out."""
    recorded = recorded or {}
    visit = report_visit(
        user,
        participant_code,
        visit_code,
        {"visit_date": on, "ae_review": "no", "conmed_review": "no", "relapse_review": "no"},
    )
    collection = collection_for(visit.assessments)
    saved = []
    for key in sorted(collection.forms, key=lambda k: k == "infusion"):
        if key in recorded and recorded[key] is None:
            continue
        values = {**visit_values(key, on, rng, collection.t2_required), **(recorded.get(key) or {})}
        saved.append(save_record(user, key, participant_code, values, visit_code=visit_code))
    return saved
