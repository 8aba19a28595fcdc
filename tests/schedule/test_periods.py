"""Periods: visits by week (week 24 closes period 1), events by date (the dosing day opens a period)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from mesems.protocol import load_protocol
from mesems.schedule import dosing_dates, dosing_period, period_of_date, period_of_week

PERIODS = load_protocol().periods
WEEK0 = dt.date(2026, 1, 5)


def test_visit_weeks() -> None:
    assert [period_of_week(PERIODS, w) for w in (0, 4, 12, 24, 28, 36, 48)] == [1, 1, 1, 1, 2, 2, 2]


def test_the_week_24_visit_closes_period_1_but_its_infusion_doses_period_2() -> None:
    assert [dosing_period(PERIODS, w) for w in (0, 4, 24, 28, None)] == [1, None, 2, None, None]


def test_event_on_the_second_dosing_day_is_period_2() -> None:
    second = WEEK0 + dt.timedelta(weeks=24)
    assert period_of_date(PERIODS, WEEK0, second - dt.timedelta(days=1)) == 1
    assert period_of_date(PERIODS, WEEK0, second) == 2
    assert period_of_date(PERIODS, WEEK0, WEEK0 - dt.timedelta(days=1)) is None
    assert period_of_date(PERIODS, WEEK0, WEEK0 + dt.timedelta(weeks=60)) == 2


def test_infusion_given_late_moves_the_boundary() -> None:
    given_on = {2: WEEK0 + dt.timedelta(weeks=24, days=3)}
    assert dosing_dates(PERIODS, WEEK0, given_on)[2] == given_on[2]
    assert period_of_date(PERIODS, WEEK0, WEEK0 + dt.timedelta(weeks=24, days=2), given_on) == 1
    assert period_of_date(PERIODS, WEEK0, given_on[2], given_on) == 2


@given(st.integers(0, 48 * 7 + 60))
def test_period_by_day_count(day: int) -> None:
    assert period_of_date(PERIODS, WEEK0, WEEK0 + dt.timedelta(days=day)) == (1 if day < 24 * 7 else 2)
