"""The flat extract row of a record, and the record of a row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings

from mesems.eligibility import parse_candidate
from mesems.eligibility.extract import EXTRACT, candidate_from_row, flatten_record
from mesems.eligibility.registry import SCHEMA
from mesems.errors import EligibilityError
from tests.eligibility.conftest import EXAMPLE, candidate
from tests.eligibility.strategies import records


def test_the_example_as_a_row() -> None:
    row = flatten_record(parse_candidate(EXAMPLE))
    assert list(row) == EXTRACT.column_names
    assert (
        row["relapse_count"] == 1
        and row["relapse_last_date"] == dt.date(2025, 6, 1)
        and row["relapse_second_last_date"] is None
    )
    assert row["mri_count"] == 1 and row["gel_last_positive_date"] == dt.date(2025, 9, 1)
    assert row["edss_lowest_12m"] == 3.0
    assert row["therapy_history_known"] is True
    assert row["approved_therapy_days"] == (dt.date(2025, 11, 1) - dt.date(2019, 1, 1)).days + 1
    assert (
        row["interferon_beta_last_date"] == dt.date(2025, 11, 1) and row["interferon_beta_ongoing"] is False
    )
    assert row["corticosteroid_last_date"] is None and row["corticosteroid_ongoing"] is False


def test_edss_outside_the_12_months_is_not_the_lowest() -> None:
    row = flatten_record(
        parse_candidate(
            candidate(
                edss_history=[{"date": "2025-01-14", "value": 1.0}, {"date": "2025-01-15", "value": 2.0}]
            )
        )
    )
    assert row["edss_lowest_12m"] == 2.0


def test_unknown_histories_stay_unknown() -> None:
    row = flatten_record(parse_candidate(candidate(relapses=None, mri=None, therapies=None)))
    assert row["relapse_count"] is None and row["mri_count"] is None
    assert row["therapy_history_known"] is False and row["approved_therapy_days"] is None


def test_a_row_needs_the_randomisation_date() -> None:
    with pytest.raises(EligibilityError):
        flatten_record(parse_candidate(candidate(planned_randomisation_date=None)))


def test_exposure_days_that_cannot_fit_the_courses_are_refused() -> None:
    row = flatten_record(
        parse_candidate(
            candidate(
                therapies=[
                    {"drug": "Avonex", "start": "2020-01-01", "stop": "2020-01-01"},
                    {"drug": "Copaxone", "start": "2021-01-01", "stop": "2021-01-01"},
                ]
            )
        )
    )
    assert row["approved_therapy_days"] == 2
    with pytest.raises(EligibilityError):
        candidate_from_row({**row, "approved_therapy_days": 1})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_a_row_gives_back_a_record_whose_row_is_the_same(drawn: dict[str, Any]) -> None:
    row = flatten_record(parse_candidate(drawn))
    again = flatten_record(candidate_from_row(row))
    assert again == {**row, "id": drawn["id"]}


def test_rows_fit_the_schema() -> None:
    frame = pl.DataFrame([flatten_record(parse_candidate(EXAMPLE))], schema=SCHEMA)
    assert frame.columns == EXTRACT.column_names
