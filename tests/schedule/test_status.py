"""Visit status on a day, and the deviation of a visit done outside its window."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from mesems.protocol import load_protocol
from mesems.schedule import VisitStatus, next_visit, plan_visits, visit_status, window_deviation

VISITS = plan_visits(load_protocol(), dt.date(2026, 1, 5))
W04 = VISITS[1]


def test_statuses_around_the_window() -> None:
    day = lambda n: W04.window.target + dt.timedelta(days=n)  # noqa: E731
    assert visit_status(W04, day(-8)) == VisitStatus.UPCOMING
    assert visit_status(W04, day(-7)) == VisitStatus.DUE
    assert visit_status(W04, day(7)) == VisitStatus.DUE
    assert visit_status(W04, day(8)) == VisitStatus.OVERDUE
    assert visit_status(W04, day(27)) == VisitStatus.OVERDUE
    assert visit_status(W04, day(28)) == VisitStatus.MISSED
    assert visit_status(W04, day(-8), declared_missed=True) == VisitStatus.MISSED
    assert visit_status(W04, day(40), done_on=day(30)) == VisitStatus.DONE


@given(st.integers(-60, 60))
def test_status_is_a_function_of_the_day(offset: int) -> None:
    today = W04.window.target + dt.timedelta(days=offset)
    status = visit_status(W04, today)
    expected = (
        VisitStatus.UPCOMING
        if offset < -7
        else VisitStatus.DUE
        if offset <= 7
        else VisitStatus.OVERDUE
        if offset < 28
        else VisitStatus.MISSED
    )
    assert status == expected


@given(st.integers(-30, 30))
def test_deviation_exactly_outside_the_window(offset: int) -> None:
    done = W04.window.target + dt.timedelta(days=offset)
    deviation = window_deviation(W04, done)
    assert (deviation is None) == (abs(offset) <= 7)
    if deviation is not None:
        assert deviation.days_outside == (offset - 7 if offset > 0 else offset + 7)
        assert "W04" in deviation.description and "window" in deviation.description


def test_next_visit_skips_done_and_missed() -> None:
    statuses = {"W00": VisitStatus.DONE, "W04": VisitStatus.MISSED}
    assert next_visit(VISITS, statuses).visit_id == "W08"
    assert next_visit(VISITS, {v.visit_id: VisitStatus.DONE for v in VISITS}) is None
