from __future__ import annotations

from pathlib import Path

from mesems.protocol import load_protocol
from tests.conftest import CTGOV_RECORDS, run_cli


def test_show_default_protocol() -> None:
    result = run_cli("protocol", "show")
    assert result.returncode == 0, result.stderr
    assert "MESEMS" in result.stdout and "placebo-MSC" in result.stdout and "Eligibility final" in result.stdout


def test_validate_valid_file(tmp_path: Path) -> None:
    from mesems.protocol import default_protocol_text

    file = tmp_path / "mesems.yaml"
    file.write_text(default_protocol_text())
    result = run_cli("protocol", "validate", str(file))
    assert result.returncode == 0 and "valid protocol" in result.stdout


def test_validate_reports_every_problem_with_path_and_exit_2(tmp_path: Path) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text("identity: {id: X, title: T}\narms: [{id: a, label: A, interventions: [Z], dose: 3}]\n")
    result = run_cli("protocol", "validate", str(file))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert any("arms[0].dose: unknown key" in line for line in lines)
    assert any("design: Field required" in line for line in lines)
    assert "Traceback" not in result.stderr


def test_validate_missing_file_is_one_line(tmp_path: Path) -> None:
    result = run_cli("protocol", "validate", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_import_ctgov_writes_a_valid_protocol(tmp_path: Path) -> None:
    out = tmp_path / "imported.yaml"
    result = run_cli("protocol", "import-ctgov", str(CTGOV_RECORDS / "NCT00763412.json"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "6 inclusion and 6 exclusion" in result.stdout
    assert load_protocol(out).identity.id == "NCT00763412"
    assert run_cli("protocol", "validate", str(out)).returncode == 0
    shown = run_cli("protocol", "show", str(out))
    assert shown.returncode == 0 and "NCT00763412" in shown.stdout


def test_import_of_a_non_record_is_one_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{"hello": 1}')
    result = run_cli("protocol", "import-ctgov", str(bad), "--out", str(tmp_path / "o.yaml"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "not a ClinicalTrials.gov API v2 study record" in result.stderr
    assert not (tmp_path / "o.yaml").exists()
