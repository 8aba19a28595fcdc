"""Filling visits with plausible data through the real services, for the demo and the load test.

The lead's demo seeding calls these with users of the demo sites: every value goes through the
same forms, rules and audit trail as a nurse's typing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from mesems.schedule import collection_for
from mesems.web.apps.visits.models import CrfRecord, Visit
from mesems.web.apps.visits.services import report_visit, save_record


def visit_values(key: str, on: dt.date, week: int | None, rng: np.random.Generator) -> dict[str, Any]:
    """Plausible values of one form at a visit on `on`."""
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
            "new_t2": int(rng.poisson(1)),
            "t2_volume_ml": round(float(rng.gamma(4, 3)), 1),
            "black_holes": int(rng.poisson(2)),
        },
        "infusion": {
            "infused_on": day,
            "product_code": f"MSB-{int(rng.integers(1000, 9999))}-{week or 0:02d}",
            "dose_per_kg": 1.5e6,
            "volume_ml": 100,
        },
    }
    return values[key]


def fill_visit(
    user: Any, participant_code: str, visit_code: str, on: dt.date, rng: np.random.Generator
) -> list[CrfRecord]:
    """Reports the visit as done on `on` and saves every form it collects (weight before infusion)."""
    visit = report_visit(
        user,
        participant_code,
        visit_code,
        {"visit_date": on, "ae_review": "no", "conmed_review": "no", "relapse_review": "no"},
    )
    saved = []
    for key in sorted(collection_for(visit.assessments).forms, key=lambda k: k == "infusion"):
        saved.append(
            save_record(
                user, key, participant_code, visit_values(key, on, visit.week, rng), visit_code=visit_code
            )
        )
    return saved


def fill_past_visits(
    user: Any, participant_code: str, today: dt.date, rng: np.random.Generator
) -> list[Visit]:
    """Every scheduled visit whose target is before `today`, done on its target day."""
    done = []
    for visit in Visit.objects.filter(
        participant__code=participant_code, week__isnull=False, target_date__lt=today
    ).order_by("target_date"):
        fill_visit(user, participant_code, visit.code, visit.target_date, rng)
        done.append(visit)
    return done
