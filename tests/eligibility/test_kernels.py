"""Column kernels agree with the scalar date rules they stand for."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from mesems.eligibility.kernels import helper_columns, last_taken, months_back, years_at_least
from mesems.eligibility.lookback import completed_years, months_before

dates = st.dates(dt.date(1920, 1, 1), dt.date(2060, 12, 31))


@settings(deadline=None)
@given(st.lists(st.tuples(dates, dates), min_size=1, max_size=30), st.integers(0, 60))
def test_years_at_least_is_completed_years_at_least(pairs: list[tuple[dt.date, dt.date]], years: int) -> None:
    frame = pl.DataFrame({"start": [a for a, _ in pairs], "planned_randomisation_date": [b for _, b in pairs]})
    check = years_at_least(pl.col("start"), years)
    found = frame.with_columns(helper_columns([check])).select(check).to_series().to_list()
    assert found == [completed_years(a, b) >= years for a, b in pairs]


@settings(deadline=None)
@given(st.lists(dates, min_size=1, max_size=30), st.sampled_from([3, 12, 24]))
def test_window_columns_are_months_before(days: list[dt.date], months: int) -> None:
    frame = pl.DataFrame({"planned_randomisation_date": days})
    window = months_back(months)
    assert frame.with_columns(helper_columns([window])).select(window).to_series().to_list() == [months_before(d, months) for d in days]


def test_last_taken_is_the_randomisation_date_when_ongoing_or_stopped_after_it() -> None:
    day = dt.date(2026, 1, 15)
    frame = pl.DataFrame(
        {
            "planned_randomisation_date": [day] * 4,
            "fingolimod_last_date": [None, dt.date(2025, 1, 1), dt.date(2026, 3, 1), dt.date(2025, 1, 1)],
            "fingolimod_ongoing": [False, False, False, True],
        }
    )
    taken = last_taken("fingolimod")
    found = frame.with_columns(helper_columns([taken])).select(taken).to_series().to_list()
    assert found == [None, dt.date(2025, 1, 1), day, day]
