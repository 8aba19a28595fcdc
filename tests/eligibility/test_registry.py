"""Reading an extract and refusing rows that no candidate record could give."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from mesems.eligibility import parse_candidate
from mesems.eligibility.extract import flatten_record
from mesems.eligibility.registry import SCHEMA, check_extract, fill_date, read_extract
from mesems.eligibility.synthetic import random_extract
from mesems.errors import EligibilityError
from tests.eligibility.conftest import EXAMPLE


def example_row(**changes: Any) -> dict[str, Any]:
    return {**flatten_record(parse_candidate(EXAMPLE)), **changes}


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_an_extract_reads_back_as_written(tmp_path: Path, suffix: str) -> None:
    frame = random_extract(np.random.default_rng(1), 500)
    path = tmp_path / f"extract{suffix}"
    frame.write_csv(path) if suffix == ".csv" else frame.write_parquet(path)
    assert read_extract(path).equals(frame)


def test_left_out_columns_are_unknown(tmp_path: Path) -> None:
    path = tmp_path / "few.csv"
    path.write_text("id,edss,hiv\nP-1,4.0,false\nP-2,,TRUE\n")
    frame = read_extract(path)
    assert frame.columns == list(SCHEMA)
    assert frame["edss"].to_list() == [4.0, None]
    assert frame["hiv"].to_list() == [False, True]
    assert frame["birth_date"].null_count() == 2


@pytest.mark.parametrize(
    ("text", "words", "field"),
    [
        ("id,egrf\nP-1,80\n", "unknown column 'egrf'", "egrf"),
        ("edss\n4.0\n", "'id' is required", "id"),
        (
            "id,birth_date\nP-1,1984-05-01\nP-2,1984-02-30\n",
            "row 2, birth_date: '1984-02-30' is not a date YYYY-MM-DD",
            "birth_date",
        ),
        ("id,hiv\nP-1,yes\n", "row 1, hiv: 'yes' is not true or false", "hiv"),
        ("id,relapse_count\nP-1,1.5\n", "relapse_count: '1.5' is not an integer", "relapse_count"),
        ("id,egfr\nP-1,high\n", "egfr: 'high' is not a number", "egfr"),
    ],
)
def test_bad_files_are_refused_naming_the_column(tmp_path: Path, text: str, words: str, field: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(EligibilityError) as caught:
        read_extract(path)
    assert words in caught.value.message
    assert caught.value.field == field


def test_a_parquet_column_of_the_wrong_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    pl.DataFrame({"id": ["P-1"], "edss": ["four"]}).write_parquet(path)
    with pytest.raises(EligibilityError, match="edss: 'four' is not a number"):
        read_extract(path)


@pytest.mark.parametrize("name", ["missing.csv", "extract.xlsx"])
def test_missing_files_and_other_formats_are_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name.endswith("xlsx"):
        path.write_text("x")
    with pytest.raises(EligibilityError):
        read_extract(path)


@pytest.mark.parametrize(
    ("changes", "column", "words"),
    [
        ({"edss": 3.25}, "edss", "not an EDSS step"),
        ({"edss_lowest_12m": 0.5}, "edss_lowest_12m", "not an EDSS step"),
        ({"egfr": -1.0}, "egfr", "at least 0"),
        ({"sex": "X"}, "sex", "F or M"),
        ({"ms_course": "CIS"}, "ms_course", "RR, SP or PP"),
        ({"malignancy_history": "melanoma"}, "malignancy_history", "expected one of"),
        ({"planned_randomisation_date": None}, "planned_randomisation_date", "give --date"),
        ({"ms_onset_date": dt.date(2026, 2, 1)}, "ms_onset_date", "after planned_randomisation_date"),
        (
            {"birth_date": dt.date(2026, 2, 1), "ms_onset_date": None},
            "birth_date",
            "after planned_randomisation_date",
        ),
        ({"relapse_last_date": None}, "relapse_last_date", "exactly when relapse_count"),
        (
            {"relapse_second_last_date": dt.date(2025, 1, 1)},
            "relapse_second_last_date",
            "exactly when relapse_count",
        ),
        (
            {"relapse_count": 2, "relapse_second_last_date": dt.date(2025, 7, 1)},
            "relapse_second_last_date",
            "after relapse_last_date",
        ),
        ({"mri_count": 0}, "mri_last_date", "exactly when mri_count"),
        (
            {"gel_last_positive_date": dt.date(2025, 1, 1)},
            "gel_last_positive_date",
            "mri_count must be at least 2",
        ),
        ({"therapy_history_known": False}, "therapy_history_known", "not true"),
        ({"approved_therapy_days": None}, "approved_therapy_days", "is empty"),
        ({"approved_therapy_days": 0}, "approved_therapy_days", "fewer than the distinct last days"),
        ({"approved_therapy_days": 20000}, "approved_therapy_days", "more than the days from birth"),
        (
            {"interferon_beta_last_date": None, "approved_therapy_days": 10},
            "approved_therapy_days",
            "without a course",
        ),
        ({"corticosteroid_last_date": dt.date(1970, 1, 1)}, "corticosteroid_last_date", "before birth_date"),
    ],
)
def test_rows_no_record_could_give_are_refused(changes: dict[str, Any], column: str, words: str) -> None:
    frame = pl.DataFrame([example_row(), example_row(id="C-002", **changes)], schema=SCHEMA)
    with pytest.raises(EligibilityError) as caught:
        check_extract(frame, "x.csv")
    assert caught.value.field == column
    assert "1 row(s) not valid; first: row 2 (id C-002)" in caught.value.message
    assert words in caught.value.message


def test_generated_extracts_are_valid() -> None:
    check_extract(random_extract(np.random.default_rng(11), 5000), "generated")


def test_the_date_option_fills_empty_dates_only() -> None:
    frame = pl.DataFrame([example_row(), example_row(planned_randomisation_date=None)], schema=SCHEMA)
    filled = fill_date(frame, dt.date(2026, 3, 1))
    assert filled["planned_randomisation_date"].to_list() == [dt.date(2026, 1, 15), dt.date(2026, 3, 1)]
    assert fill_date(frame, None) is frame
