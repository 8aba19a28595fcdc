from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from mesems.errors import AnalysisError
from mesems.exports.tables import TABLES
from mesems.stats.snapshot import read_snapshot, read_table


def test_tables_are_parsed_to_their_contract_types(trial_dir: Path) -> None:
    snapshot = read_snapshot(trial_dir)
    assert snapshot.missing_tables == ()
    assert not snapshot.blinded
    participants = snapshot.tables["participants"]
    assert participants.schema["randomisation_date"] == pl.Date
    assert participants.schema["age"] == pl.Int64
    assert snapshot.tables["adverse_events"].schema["serious"] == pl.Boolean
    assert len(snapshot.digest) == 64


def test_the_digest_follows_the_bytes(trial_dir: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(trial_dir, tmp_path / "copy"))
    assert read_snapshot(copy).digest == read_snapshot(trial_dir).digest
    with (copy / "deviations.csv").open("a") as handle:
        handle.write("P-00001,D-99999,other,late entry,2020-01-01,\n")
    assert read_snapshot(copy).digest != read_snapshot(trial_dir).digest


def test_a_blinded_export_without_sequences_reads_as_blinded(trial_dir: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(trial_dir, tmp_path / "blind"))
    for name in ("participants", "gel", "infusions"):
        frame = pl.read_csv(copy / f"{name}.csv", infer_schema=False)
        frame.drop([c.name for c in TABLES[name].columns if c.unblinded]).write_csv(copy / f"{name}.csv")
    snapshot = read_snapshot(copy)
    assert snapshot.blinded
    assert "sequence" not in snapshot.tables["gel"].columns


def test_the_blinded_view_drops_every_unblinded_column(trial_dir: Path) -> None:
    view = read_snapshot(trial_dir).blinded_view()
    assert view.blinded
    for name, frame in view.tables.items():
        assert not [c.name for c in TABLES[name].columns if c.unblinded and c.name in frame.columns]


def test_missing_optional_tables_are_listed_and_required_ones_refused(trial_dir: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(trial_dir, tmp_path / "partial"))
    (copy / "relapses.csv").unlink()
    assert read_snapshot(copy).missing_tables == ("relapses",)
    (copy / "participants.csv").unlink()
    with pytest.raises(AnalysisError, match="has no participants.csv"):
        read_snapshot(copy)


@pytest.mark.parametrize("row, message", [
    ("P-1,S1,R-1,2020-13-01,MSC-placebo,RR,F,30,5.0,3.0,1,0,70", "line 2: column randomisation_date is '2020-13-01', expected a date"),
    ("P-1,S1,R-1,2020-01-01,MSC-placebo,RR,F,thirty,5.0,3.0,1,0,70", "line 2: column age is 'thirty', expected an integer"),
    ("P-1,S1,R-1,2020-01-01,MSC-placebo,RR,F,30,five,3.0,1,0,70", "line 2: column disease_duration_years is 'five', expected a number"),
])
def test_a_cell_that_does_not_parse_names_file_line_and_column(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "participants.csv"
    path.write_text(",".join(TABLES["participants"].column_names) + "\n" + row + "\n")
    with pytest.raises(AnalysisError, match=message):
        read_table(path, TABLES["participants"])


def test_booleans_are_true_or_false(tmp_path: Path) -> None:
    path = tmp_path / "relapses.csv"
    path.write_text("participant_id,onset_date,period,confirmed\nP-1,2020-01-01,1,yes\n")
    with pytest.raises(AnalysisError, match="column confirmed is 'yes', expected true or false"):
        read_table(path, TABLES["relapses"])
