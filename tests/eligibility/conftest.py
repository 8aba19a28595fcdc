"""Shared helpers: the DESIGN.md example candidate, and screening it with changes."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from mesems.eligibility import ScreeningResult, Verdict, parse_candidate, screen_candidate
from mesems.protocol import Protocol, load_protocol

EXAMPLE: dict[str, Any] = {
    "id": "C-001", "birth_date": "1984-05-01", "sex": "F",
    "ms_course": "RR", "ms_onset_date": "2017-03-01",
    "planned_randomisation_date": "2026-01-15",
    "edss": 4.0, "edss_history": [{"date": "2025-02-10", "value": 3.0}],
    "relapses": ["2025-06-01"], "mri": [{"date": "2025-09-01", "gel": 2}],
    "csf_oligoclonal_bands": True,
    "therapies": [{"drug": "interferon beta-1a", "start": "2019-01-01", "stop": "2025-11-01"}],
    "active_infection": False, "hiv": False, "hepatitis_b": False, "hepatitis_c": False,
    "malignancy_history": "none", "life_limiting_comorbidity": False,
    "haematological_disease": False, "wbc_abnormal": False,
    "pregnant": False, "uses_contraception": True,
    "egfr": 85, "renal_failure": False, "can_have_mri": True, "consent": True,
}  # fmt: skip

PROTOCOL = load_protocol()


@pytest.fixture(scope="session")
def protocol() -> Protocol:
    return PROTOCOL


def candidate(**changes: Any) -> dict[str, Any]:
    """The example with fields replaced (dates may be given as `datetime.date`)."""
    record = copy.deepcopy(EXAMPLE)
    record.update({k: v.isoformat() if isinstance(v, dt.date) else v for k, v in changes.items()})
    return record


def screen(record: dict[str, Any], version: str | None = None) -> ScreeningResult:
    return screen_candidate(parse_candidate(record), PROTOCOL, version)


def verdicts(result: ScreeningResult) -> dict[str, Verdict]:
    """Verdict by criterion id; the inclusion-1 branch is also listed under INC-1."""
    found = {c.id: c.verdict for c in result.criteria}
    found["INC-1"] = result.criteria[0].verdict
    return found


def verdict(record: dict[str, Any], criterion: str, version: str | None = None) -> Verdict:
    return verdicts(screen(record, version))[criterion]


def reason(record: dict[str, Any], criterion: str, version: str | None = None) -> str:
    result = screen(record, version)
    return next(
        c.reason
        for c in result.criteria
        if c.id == criterion or (criterion == "INC-1" and c is result.criteria[0])
    )


def years_before(day: dt.date, years: int) -> dt.date:
    """The date whose `years`th anniversary is `day` (callers avoid a 29 February `day`)."""
    return day.replace(year=day.year - years)


def days_before(day: dt.date, days: int) -> dt.date:
    return day - dt.timedelta(days=days)
