"""The visit plan from the protocol: 13 visits, infusion visits exact, others +/- 7 days."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesems.errors import ScheduleError
from mesems.protocol import load_protocol
from mesems.schedule import plan_unscheduled_visit, plan_visits, unscheduled_visit_id

PROTOCOL = load_protocol()


def test_mesems_visits() -> None:
    visits = plan_visits(PROTOCOL, dt.date(2026, 1, 5))
    assert [v.visit_id for v in visits] == [f"W{w:02d}" for w in range(0, 49, 4)]
    by_id = {v.visit_id: v for v in visits}
    assert by_id["W00"].window.earliest == by_id["W00"].window.latest == dt.date(2026, 1, 5)
    assert by_id["W24"].window.earliest == by_id["W24"].window.latest
    assert (by_id["W04"].window.latest - by_id["W04"].window.earliest).days == 14
    assert "infusion" in by_id["W24"].assessments and "mri_t2" in by_id["W48"].assessments


@given(st.dates(min_value=dt.date(2010, 1, 1), max_value=dt.date(2080, 1, 1)))
def test_missed_from_is_after_the_window_and_visits_do_not_overlap(start: dt.date) -> None:
    visits = plan_visits(PROTOCOL, start)
    for visit, following in zip(visits, visits[1:], strict=False):
        assert visit.window.latest < following.window.earliest
        assert visit.missed_from == following.window.target
    assert all(v.missed_from > v.window.latest for v in visits)


def test_unscheduled_relapse_visit() -> None:
    start = dt.date(2026, 1, 5)
    visit = plan_unscheduled_visit(PROTOCOL, start, dt.date(2026, 8, 1), "relapse", 2)
    assert visit.visit_id == "U02" and visit.period == 2 and visit.unscheduled and "edss" in visit.assessments
    with pytest.raises(ScheduleError, match=r"expected one of \[relapse\]"):
        plan_unscheduled_visit(PROTOCOL, start, dt.date(2026, 8, 1), "headache", 1)
    with pytest.raises(ScheduleError, match="before randomisation"):
        plan_unscheduled_visit(PROTOCOL, start, dt.date(2025, 8, 1), "relapse", 1)
    with pytest.raises(ScheduleError):
        unscheduled_visit_id(0)
