"""The vectorised pre-screen equals the per-record engine on every row."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mesems.eligibility import CandidateRecord, parse_candidate, screen_candidate
from mesems.eligibility.extract import candidate_from_row, flatten_record
from mesems.eligibility.prescreen import as_verdicts, prescreen
from mesems.eligibility.record import date_problems
from mesems.eligibility.registry import SCHEMA, check_extract
from mesems.eligibility.synthetic import random_candidate, random_extract
from tests.eligibility.conftest import PROTOCOL, candidate
from tests.eligibility.strategies import records

IDS = ["INC-1", "INC-2", "INC-3", "INC-4", *(f"EXC-{n}" for n in range(1, 15))]


def engine_rows(record: CandidateRecord, version: str | None = None) -> dict[str, Any]:
    """The per-record engine's verdicts in the shape of a pre-screen row (INC-1 for its branch)."""
    result = screen_candidate(record, PROTOCOL, version)
    ranks = [c.verdict.rank for c in result.criteria]
    return {
        "protocol_version": result.protocol_version,
        "eligible": result.eligible,
        "first_failed": next((i for i, r in zip(IDS, ranks, strict=True) if r == 0), None),
        **dict(zip(IDS, ranks, strict=True)),
    }


def assert_same(frame: pl.DataFrame, candidates: list[CandidateRecord], version: str | None = None) -> None:
    check_extract(frame, "generated")
    codes = prescreen(frame, PROTOCOL, version, chunk_rows=997)
    assert codes.height == len(candidates)
    for row, record in zip(codes.drop("id").iter_rows(named=True), candidates, strict=True):
        assert row == engine_rows(record, version), record


def test_thousands_of_generated_records_agree() -> None:
    rng = np.random.default_rng(20260115)
    candidates = [parse_candidate(random_candidate(rng)) for _ in range(3000)]
    assert_same(pl.DataFrame([flatten_record(c) for c in candidates], schema=SCHEMA), candidates)


def test_thousands_of_generated_extract_rows_agree_with_the_records_they_describe() -> None:
    frame = random_extract(np.random.default_rng(7), 3000)
    candidates = [candidate_from_row(row) for row in frame.iter_rows(named=True)]
    assert [date_problems(c) for c in candidates if date_problems(c)] == []
    assert_same(frame, candidates)


def test_a_named_version_applies_to_every_row() -> None:
    rng = np.random.default_rng(3)
    candidates = [parse_candidate(random_candidate(rng)) for _ in range(300)]
    frame = pl.DataFrame([flatten_record(c) for c in candidates], schema=SCHEMA)
    assert_same(frame, candidates, "v1")


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(st.lists(records(), min_size=1, max_size=12))
def test_hypothesis_records_agree(drawn: list[dict[str, Any]]) -> None:
    candidates = [parse_candidate(r) for r in drawn]
    assert_same(pl.DataFrame([flatten_record(c) for c in candidates], schema=SCHEMA), candidates)


def test_rows_of_both_versions_keep_their_order() -> None:
    dates = [("2014-06-01", "2002-01-01"), ("2026-01-15", "2014-01-01"), ("2014-07-01", "2002-01-01")]
    rows = [
        candidate(
            id=str(n),
            planned_randomisation_date=day,
            ms_onset_date=onset,
            relapses=[],
            mri=[],
            edss_history=[],
            therapies=[],
        )
        for n, (day, onset) in enumerate(dates)
    ]
    codes = prescreen(
        pl.DataFrame([flatten_record(parse_candidate(r)) for r in rows], schema=SCHEMA), PROTOCOL
    )
    assert codes["id"].to_list() == ["0", "1", "2"]
    assert codes["protocol_version"].to_list() == ["v1", "final", "v1"]
    assert codes["INC-3"].to_list() == [0, 2, 0]


def test_verdicts_are_written_in_words() -> None:
    codes = prescreen(
        pl.DataFrame([flatten_record(parse_candidate(candidate(edss=7.0)))], schema=SCHEMA), PROTOCOL
    )
    words = as_verdicts(codes, IDS)
    assert words.row(0, named=True)["INC-4"] == "not_met"
    assert words.row(0, named=True)["first_failed"] == "INC-4"
    assert words.row(0, named=True)["eligible"] is False


def test_an_empty_extract_gives_no_rows() -> None:
    assert prescreen(pl.DataFrame(schema=SCHEMA), PROTOCOL).height == 0
