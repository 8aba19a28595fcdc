from __future__ import annotations

import csv
from pathlib import Path

from mesems.exports.tables import TABLES


def test_simulate_writes_every_table(cli, tmp_path: Path) -> None:
    result = cli("simulate", "--participants", "24", "--seed", "3", "--out", str(tmp_path / "trial"))
    assert result.returncode == 0, result.stderr
    for name, spec in TABLES.items():
        with (tmp_path / "trial" / f"{name}.csv").open(newline="") as handle:
            assert next(csv.reader(handle)) == spec.column_names
    with (tmp_path / "trial" / "participants.csv").open(newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 24
    again = cli("simulate", "--participants", "24", "--seed", "3", "--out", str(tmp_path / "again"))
    assert again.returncode == 0
    assert (tmp_path / "trial" / "gel.csv").read_text() == (tmp_path / "again" / "gel.csv").read_text()


def test_unknown_scenario_key_is_one_line_exit_2(cli, tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text("gel:\n  rate_ration: 0.5\n")
    result = cli("simulate", "--out", str(tmp_path / "o"), "--scenario", str(scenario))
    assert result.returncode == 2
    assert "unknown key 'gel.rate_ration'" in result.stderr and result.stderr.count("\n") == 1


def test_a_scenario_file_and_a_cutoff(cli, tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text("participants: 30\ngel:\n  rate_ratio: 0.5\n")
    result = cli("simulate", "--out", str(tmp_path / "o"), "--scenario", str(scenario), "--as-of", "2015-01-01")
    assert result.returncode == 0, result.stderr
    with (tmp_path / "o" / "disposition.csv").open(newline="") as handle:
        assert any(row["status"] == "ongoing" for row in csv.DictReader(handle))
    assert cli("simulate", "--out", str(tmp_path / "p"), "--as-of", "yesterday").returncode == 2
