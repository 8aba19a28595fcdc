"""`mesems screen` and `mesems prescreen` as a user runs them."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mesems.eligibility.synthetic import random_extract
from tests.eligibility.conftest import EXAMPLE, candidate

Cli = Callable[..., subprocess.CompletedProcess[str]]


def write(tmp_path: Path, record: Any, name: str = "candidate.json") -> Path:
    path = tmp_path / name
    path.write_text(record if isinstance(record, str) else json.dumps(record))
    return path


def test_screen_prints_a_table_and_the_verdict(cli: Cli, tmp_path: Path) -> None:
    result = cli("screen", str(write(tmp_path, EXAMPLE)), env={"COLUMNS": "160"})
    assert result.returncode == 0, result.stderr
    assert "ELIGIBLE" in result.stdout
    assert "INC-1a" in result.stdout and "EXC-14" in result.stdout
    assert "eligibility final" in result.stdout


def test_screen_json_keeps_the_contract(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "verdict.json"
    result = cli("screen", str(write(tmp_path, candidate(edss=7.0))), "--version", "v1", "--json", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["eligible"] is False
    assert data["protocol_version"] == "v1"
    edss = next(c for c in data["criteria"] if c["id"] == "INC-4")
    assert (edss["verdict"], edss["reason"]) == ("not_met", "EDSS 7.0 is above 6.5")
    assert all({"id", "text", "verdict", "reason"} <= c.keys() for c in data["criteria"])


def test_screen_exits_0_for_an_unknown_verdict(cli: Cli, tmp_path: Path) -> None:
    result = cli("screen", str(write(tmp_path, candidate(consent=None))), "--json", "-")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["eligible"] is None
    assert data["missing"] == ["consent"]


@pytest.mark.parametrize(
    ("record", "words"),
    [
        ('{"id": "C-1",', "not valid JSON"),
        ("[]", "expected a JSON object"),
        (candidate(edss=3.25), "edss: 3.25 is not an EDSS step"),
        (candidate(egfr=-5), "egfr: "),
        (candidate(hiv="no"), "hiv: "),
        (
            candidate(ms_onset_date="2027-01-01"),
            "ms_onset_date: 2027-01-01 is after planned_randomisation_date",
        ),
        (
            candidate(therapies=[{"drug": "Avonex", "start": "2020-01-01", "stop": "2019-01-01"}]),
            "therapies[0].stop: ",
        ),
        (
            candidate(
                planned_randomisation_date="2010-01-01",
                ms_onset_date=None,
                relapses=[],
                mri=[],
                edss_history=[],
                therapies=[],
                birth_date=None,
            ),
            "no eligibility version is in force",
        ),
    ],
)
def test_screen_refuses_bad_records_in_one_line(cli: Cli, tmp_path: Path, record: Any, words: str) -> None:
    result = cli("screen", str(write(tmp_path, record)))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [("missing.json",), ("{candidate}", "--version", "v3")])
def test_screen_refuses_a_missing_file_or_version(cli: Cli, tmp_path: Path, args: tuple[str, ...]) -> None:
    path = write(tmp_path, EXAMPLE)
    result = cli(
        "screen",
        *(
            a.format(candidate=path) if "{" in a else str(tmp_path / a) if a.endswith(".json") else a
            for a in args
        ),
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_prescreen_writes_verdicts_funnel_and_figure(cli: Cli, tmp_path: Path) -> None:
    extract = tmp_path / "registry.csv"
    random_extract(np.random.default_rng(2), 3000).write_csv(extract)
    result = cli("prescreen", str(extract), "--out", str(tmp_path / "out"), env={"COLUMNS": "160"})
    assert result.returncode == 0, result.stderr
    assert {p.name for p in (tmp_path / "out").iterdir()} == {"verdicts.csv", "funnel.csv", "funnel.png"}
    assert "Attrition funnel (3,000 rows)" in result.stdout
    assert "screening" in result.stderr


@pytest.mark.parametrize(
    ("text", "args", "words"),
    [
        ("id,edss\nP-1,3.25\n", ("--date", "2026-01-15"), "row 1 (id P-1), edss is not an EDSS step"),
        ("id,edss\nP-1,3.0\n", (), "planned_randomisation_date is empty"),
        ("id,egrf\nP-1,3\n", (), "unknown column 'egrf'"),
        ("id,edss\nP-1,3.0\n", ("--date", "15/01/2026"), "--date: expected YYYY-MM-DD"),
        (
            "id,edss\nP-1,3.0\n",
            ("--date", "2026-01-15", "--version", "v7"),
            "unknown eligibility version 'v7'",
        ),
    ],
)
def test_prescreen_refuses_bad_extracts_in_one_line(
    cli: Cli, tmp_path: Path, text: str, args: tuple[str, ...], words: str
) -> None:
    extract = tmp_path / "registry.csv"
    extract.write_text(text)
    result = cli("prescreen", str(extract), "--out", str(tmp_path / "out"), *args)
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and words in last
    assert "Traceback" not in result.stderr
