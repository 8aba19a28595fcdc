"""Visit windows: the target is 7 x week days after week 0, the window includes both ends."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesems.errors import ScheduleError
from mesems.schedule import study_day, visit_window

dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1))


@given(dates, st.integers(0, 200), st.integers(0, 30), st.integers(0, 30))
def test_target_and_ends(start: dt.date, week: int, before: int, after: int) -> None:
    window = visit_window(start, week, before, after)
    assert study_day(start, window.target) == 7 * week
    assert (window.target - window.earliest).days == before and (window.latest - window.target).days == after


@given(dates, st.integers(0, 60), st.integers(0, 14), st.integers(-40, 40))
def test_days_outside_is_zero_exactly_inside(start: dt.date, week: int, half: int, offset: int) -> None:
    window = visit_window(start, week, half, half)
    day = window.target + dt.timedelta(days=offset)
    outside = window.days_outside(day)
    assert (outside == 0) == window.contains(day) == (abs(offset) <= half)
    if offset > half:
        assert outside == offset - half
    if offset < -half:
        assert outside == offset + half


def test_seven_day_window_boundaries() -> None:
    window = visit_window(dt.date(2026, 1, 5), 4, 7, 7)
    assert window.target == dt.date(2026, 2, 2)
    assert window.contains(dt.date(2026, 1, 26)) and window.contains(dt.date(2026, 2, 9))
    assert not window.contains(dt.date(2026, 1, 25)) and not window.contains(dt.date(2026, 2, 10))


def test_negative_week_is_refused() -> None:
    with pytest.raises(ScheduleError, match="negative"):
        visit_window(dt.date(2026, 1, 5), -1)
