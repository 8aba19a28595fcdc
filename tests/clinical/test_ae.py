"""Adverse events: CTCAE grades 1-5, the death/grade-5/fatal triangle, dates, period attribution."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mesems.clinical.ae import attribute_period, check_adverse_event, check_grade, is_related, is_serious
from mesems.protocol import load_protocol

TODAY = dt.date(2026, 6, 1)
GOOD: dict[str, Any] = {
    "term": "headache",
    "soc": "Nervous system disorders",
    "pt": "Headache",
    "grade": 2,
    "causality": "possible",
    "outcome": "recovered",
    "start_date": dt.date(2026, 5, 1),
    "stop_date": dt.date(2026, 5, 3),
}


def fields(**change: Any) -> set[str | None]:
    return {p.field for p in check_adverse_event({**GOOD, **change}, TODAY)}


@given(
    st.one_of(
        st.integers(-5, 10), st.floats(allow_nan=False, allow_infinity=False, min_value=-10, max_value=10)
    )
)
def test_grades_are_whole_numbers_one_to_five(grade: float) -> None:
    valid = grade in {1, 2, 3, 4, 5} and int(grade) == grade
    assert (check_grade(grade) == []) == valid


def test_a_good_event_passes() -> None:
    assert fields() == set()


def test_grade_6_stop_before_start_and_future() -> None:
    assert "grade" in fields(grade=6)
    assert fields(stop_date=dt.date(2026, 4, 30)) == {"stop_date"}
    assert "start_date" in fields(start_date=dt.date(2026, 6, 2), stop_date=None, outcome="recovering")


def test_death_grade_5_and_fatal_go_together() -> None:
    assert fields(grade=5, outcome="fatal", serious_death=True) == set()
    assert "outcome" in fields(grade=5)
    assert "grade" in fields(outcome="fatal", serious_death=True)
    assert "serious_death" in fields(grade=5, outcome="fatal")


def test_outcome_and_stop_date_agree() -> None:
    assert fields(stop_date=None) == {"stop_date"}
    assert fields(outcome="recovering") == {"stop_date"}
    assert fields(outcome="recovering", stop_date=None) == set()


def test_seriousness_and_relatedness() -> None:
    assert not is_serious(GOOD) and is_serious({"serious_hospitalisation": True})
    assert is_related("possible") and not is_related("unlikely") and not is_related(None)


def test_period_attribution() -> None:
    periods, week0 = load_protocol().periods, dt.date(2026, 1, 5)
    assert attribute_period(periods, week0, dt.date(2026, 1, 5)) == 1
    assert attribute_period(periods, week0, dt.date(2026, 6, 22)) == 2
    assert attribute_period(periods, week0, dt.date(2026, 1, 4)) is None
