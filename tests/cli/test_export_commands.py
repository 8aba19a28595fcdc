"""`mesems export ...` as a user runs it: outputs, refusals, and one line per problem."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mesems.protocol import load_protocol
from tests.conftest import run_cli
from tests.exports.trialgen import generate, write_csv_dir


@pytest.fixture(scope="module")
def trial_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_csv_dir(generate(load_protocol(), 25, np.random.default_rng(7)), tmp_path_factory.mktemp("trial"))


def test_blinded_csv_export_then_refusal_to_overwrite(trial_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "flat"
    result = run_cli("export", "csv", "--input", str(trial_dir), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "blinded" in result.stdout and (out / "participants.csv").exists()
    assert json.loads((out / "MANIFEST.json").read_text())["blinded"] is True
    again = run_cli("export", "csv", "--input", str(trial_dir), "--out", str(out))
    assert again.returncode == 2 and again.stderr.strip().splitlines() == [f"error: {out} already exists; choose a new path or remove it first"]


def test_unblinded_export_refused_for_blinded_role_and_without_role(trial_dir: Path, tmp_path: Path) -> None:
    for extra in (["--role", "investigator"], []):
        result = run_cli("export", "odm", "--input", str(trial_dir), "--out", str(tmp_path / "odm.xml"), "--unblinded", *extra)
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "odm.xml").exists()


def test_unblinded_odm_round_trip_through_the_cli(trial_dir: Path, tmp_path: Path) -> None:
    odm = tmp_path / "odm.xml"
    result = run_cli("export", "odm", "--input", str(trial_dir), "--out", str(odm), "--unblinded", "--role", "dsmb")
    assert result.returncode == 0, result.stderr
    assert "UNBLINDED (role dsmb)" in result.stdout
    back = run_cli("export", "import-odm", str(odm), "--out", str(tmp_path / "back"), "--unblinded", "--role", "dsmb")
    assert back.returncode == 0, back.stderr
    for table in ("participants", "edss", "audit_trail"):
        imported = (tmp_path / "back" / f"{table}.csv").read_text().splitlines()
        original = (trial_dir / f"{table}.csv").read_text().splitlines()
        assert imported[0] == original[0] and sorted(imported[1:]) == sorted(original[1:]), table


def test_invalid_odm_reports_each_problem_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text('<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileType="Sometimes"/>')
    result = run_cli("export", "import-odm", str(bad), "--out", str(tmp_path / "out"))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) >= 3
    assert all(line.startswith("error: line 1: ") for line in lines[:-1])
    assert lines[-1].endswith("nothing was written") and not (tmp_path / "out").exists()


def test_sdtm_export(trial_dir: Path, tmp_path: Path) -> None:
    result = run_cli("export", "sdtm", "--input", str(trial_dir), "--out", str(tmp_path / "sdtm"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "sdtm" / "dm.xpt").exists() and (tmp_path / "sdtm" / "define.xml").exists()


def test_input_that_breaks_the_contract_is_listed(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "participants.csv").write_text("participant_id,site_id\nX-1,SE-KAR\n")
    result = run_cli("export", "csv", "--input", str(tmp_path / "in"), "--out", str(tmp_path / "out"))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and any("participants.sex: required column is missing" in line for line in lines)
    assert not (tmp_path / "out").exists()
