"""Date arithmetic of the criteria (PROTOCOL.md, "Rules the software must get right")."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mesems.eligibility.lookback import (
    completed_years,
    days_before,
    exposure_days,
    months_before,
    therapy_days_required,
    window_start,
    within_days,
)

dates = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2100, 12, 31))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 15), 3, dt.date(2025, 10, 15)),
        (dt.date(2026, 5, 31), 3, dt.date(2026, 2, 28)),
        (dt.date(2024, 5, 31), 3, dt.date(2024, 2, 29)),
        (dt.date(2025, 3, 31), 1, dt.date(2025, 2, 28)),
        (dt.date(2024, 2, 29), 12, dt.date(2023, 2, 28)),
        (dt.date(2026, 1, 15), 24, dt.date(2024, 1, 15)),
    ],
)
def test_months_before_is_the_same_calendar_day_clamped_to_the_month_end(
    day: dt.date, months: int, expected: dt.date
) -> None:
    assert months_before(day, months) == expected


@settings(deadline=None)
@given(dates, st.integers(0, 400))
def test_months_before_agrees_with_polars(day: dt.date, months: int) -> None:
    assert pl.Series([day]).dt.offset_by(f"-{months}mo")[0] == months_before(day, months)


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (dt.date(2000, 5, 1), dt.date(2018, 4, 30), 17),
        (dt.date(2000, 5, 1), dt.date(2018, 5, 1), 18),
        (dt.date(2000, 5, 1), dt.date(2018, 5, 2), 18),
        (dt.date(2000, 2, 29), dt.date(2018, 2, 28), 17),
        (dt.date(2000, 2, 29), dt.date(2018, 3, 1), 18),
        (dt.date(2000, 2, 29), dt.date(2020, 2, 29), 20),
    ],
)
def test_completed_years_count_calendar_anniversaries(born: dt.date, on: dt.date, age: int) -> None:
    assert completed_years(born, on) == age


@given(dates, st.integers(0, 90))
def test_completed_years_reach_n_on_the_nth_anniversary_and_not_the_day_before(
    born: dt.date, years: int
) -> None:
    if (born.month, born.day) == (2, 29):
        return
    anniversary = born.replace(year=born.year + years) if born.year + years <= 9999 else None
    if anniversary is None:
        return
    assert completed_years(born, anniversary) == years
    assert completed_years(born, anniversary - dt.timedelta(days=1)) == years - 1
    assert completed_years(born, anniversary + dt.timedelta(days=1)) == years


@given(dates, st.integers(0, 100), st.integers(0, 100))
def test_within_days_means_at_most_n_days_before(reference: dt.date, back: int, days: int) -> None:
    event = reference - dt.timedelta(days=back)
    assert days_before(event, reference) == back
    assert within_days(event, reference, days) == (back <= days)
    assert within_days(event, reference, days) == (event >= window_start(reference, days=days))


def test_thirty_days_before_is_within_and_thirty_one_is_not() -> None:
    reference = dt.date(2026, 1, 15)
    assert within_days(dt.date(2025, 12, 16), reference, 30)
    assert not within_days(dt.date(2025, 12, 15), reference, 30)
    assert not within_days(dt.date(2026, 1, 16), reference, 30)


def test_window_start_needs_days_or_months() -> None:
    with pytest.raises(ValueError):
        window_start(dt.date(2026, 1, 1))
    with pytest.raises(ValueError):
        window_start(dt.date(2026, 1, 1), days=3, months=3)
    assert window_start(dt.date(2026, 1, 15), months=3) == dt.date(2025, 10, 15)


def test_twelve_months_of_therapy_are_365_days() -> None:
    assert therapy_days_required(12) == 365
    assert therapy_days_required(6) == 183


courses = st.lists(
    st.tuples(st.dates(dt.date(2020, 1, 1), dt.date(2021, 12, 31)), st.integers(0, 200)), max_size=6
)


@given(courses)
def test_exposure_counts_each_day_once(spans: list[tuple[dt.date, int]]) -> None:
    pairs = [(first, first + dt.timedelta(days=length)) for first, length in spans]
    covered = {first + dt.timedelta(days=d) for first, last in pairs for d in range((last - first).days + 1)}
    assert exposure_days(pairs) == len(covered)


def test_one_year_course_counts_start_and_stop() -> None:
    assert exposure_days([(dt.date(2019, 1, 1), dt.date(2019, 12, 31))]) == 365
