from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mesems.errors import ExportError
from mesems.clinical.edss import EDSS_STEPS
from mesems.exports.tables import TABLES
from mesems.exports.tableset import InputProblems, TrialTables, blind, read_tables
from mesems.protocol import Protocol


def _copy(trial_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "trial"
    shutil.copytree(trial_dir, target)
    return target


def _edit(path: Path, column: str, row: int, value: str) -> None:
    frame = pl.read_csv(path, infer_schema=False)
    frame = frame.with_columns(pl.when(pl.int_range(pl.len()) == row).then(pl.lit(value)).otherwise(pl.col(column)).alias(column))
    frame.write_csv(path)


def test_csv_directory_reads_back_to_the_same_tables(trial_dir: Path, tables: TrialTables, protocol: Protocol) -> None:
    read = read_tables(trial_dir, protocol)
    assert read.blinded is False
    for name in TABLES:
        assert read.frame(name).equals(tables.frame(name)), name


def test_every_problem_is_reported_with_table_column_and_row(trial_dir: Path, tmp_path: Path, protocol: Protocol) -> None:
    directory = _copy(trial_dir, tmp_path)
    _edit(directory / "participants.csv", "age", 0, "forty")
    _edit(directory / "visits.csv", "actual_date", 3, "2014-02-30")
    _edit(directory / "relapses.csv", "confirmed", 0, "maybe")
    with pytest.raises(InputProblems) as caught:
        read_tables(directory, protocol)
    assert caught.value.problems == [
        "participants.age row 2: 'forty' is not a valid int",
        "visits.actual_date row 5: '2014-02-30' is not a valid date",
        "relapses.confirmed row 2: 'maybe' is not a valid bool",
    ]


def test_contract_problems_after_types_are_all_listed(trial_dir: Path, tmp_path: Path, protocol: Protocol) -> None:
    directory = _copy(trial_dir, tmp_path)
    _edit(directory / "participants.csv", "sex", 1, "X")
    _edit(directory / "edss.csv", "edss", 2, "0.5")
    _edit(directory / "adverse_events.csv", "participant_id", 0, "NOBODY-0001")
    with pytest.raises(InputProblems) as caught:
        read_tables(directory, protocol)
    problems = "\n".join(caught.value.problems)
    assert "participants.sex: 'X' is not allowed; expected one of [F, M]" in problems
    assert "edss.edss: '0.5' is not allowed" in problems
    assert "adverse_events: participant 'NOBODY-0001' is not in participants" in problems


def test_missing_required_column_and_value_and_duplicate_key(trial_dir: Path, tmp_path: Path, protocol: Protocol) -> None:
    directory = _copy(trial_dir, tmp_path)
    pl.read_csv(directory / "mri.csv", infer_schema=False).drop("gel").write_csv(directory / "mri.csv")
    visits = pl.read_csv(directory / "visits.csv", infer_schema=False)
    pl.concat([visits, visits.head(1)]).write_csv(directory / "visits.csv")
    _edit(directory / "relapses.csv", "confirmed", 0, "")
    with pytest.raises(InputProblems) as caught:
        read_tables(directory, protocol)
    problems = "\n".join(caught.value.problems)
    assert "mri.gel: required column is missing" in problems
    assert "visits row" in problems and "duplicate key" in problems
    assert "relapses.confirmed row 2: a value is required" in problems


def test_unknown_columns_are_refused_and_other_files_ignored(trial_dir: Path, tmp_path: Path, protocol: Protocol) -> None:
    directory = _copy(trial_dir, tmp_path)
    (directory / "notes.txt").write_text("not a table")
    pl.read_csv(directory / "labs.csv", infer_schema=False).with_columns(pl.lit("x").alias("mood")).write_csv(directory / "labs.csv")
    with pytest.raises(InputProblems, match="labs.mood: not a column of the contract"):
        read_tables(directory, protocol)


def test_participants_are_required_and_a_missing_directory_is_one_clear_error(tmp_path: Path, protocol: Protocol) -> None:
    with pytest.raises(ExportError, match="is not a directory"):
        read_tables(tmp_path / "nowhere", protocol)
    with pytest.raises(ExportError, match="holds no trial table"):
        read_tables(tmp_path, protocol)
    with pytest.raises(InputProblems, match="participants: the table is required"):
        TrialTables.from_frames({"edss": pl.DataFrame({"participant_id": ["X"]})}, protocol)


def test_blind_drops_every_unblinded_column(tables: TrialTables) -> None:
    blinded = blind(tables)
    assert blinded.blinded
    for name, spec in TABLES.items():
        hidden = {c.name for c in spec.columns if c.unblinded}
        assert not hidden & set(blinded.frame(name).columns), name
    assert "sequence" not in blinded.frame("gel").columns and "product" not in blinded.frame("infusions").columns


@settings(max_examples=60, deadline=None)
@given(value=st.floats(min_value=-1, max_value=11, allow_nan=False).map(lambda v: round(v * 4) / 4))
def test_edss_accepts_exactly_the_valid_steps(value: float, tables: TrialTables, protocol: Protocol) -> None:
    frames = dict(tables.frames)
    frames["edss"] = frames["edss"].head(1).with_columns(pl.lit(value).alias("edss"))
    if value in EDSS_STEPS:
        assert TrialTables.from_frames(frames, protocol).frame("edss")["edss"][0] == value
    else:
        with pytest.raises(InputProblems, match="edss.edss"):
            TrialTables.from_frames(frames, protocol)
