"""`mesems analyse all --from-db` and `mesems export ... --from-db` on a throwaway SQLite database
filled through the services (a child process, as a user would run it): the reports and exports,
the refusals (one line, exit 2), and a record of each in the database's audit trail."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("db")
    env = {**os.environ, "MESEMS_DATA_DIR": str(data), "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}"}
    env.pop("MESEMS_DATABASE_URL", None)
    filled = subprocess.run([sys.executable, "-m", "tests.web.datasets.trial", "12"], cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert filled.returncode == 0, filled.stderr
    return data


@pytest.fixture
def mesems(database: Path, cli: Run) -> Run:
    return lambda *args: cli(*args, env={"MESEMS_DATA_DIR": str(database), "MESEMS_DATABASE_URL": ""})


def _rows(database: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(database / "mesems.sqlite3") as connection:
        return connection.execute(sql).fetchall()


def _refused(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr


def test_analyse_all_from_the_database(mesems: Run, database: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = mesems("analyse", "all", "--from-db", "--out", str(out), "--no-pdf", "--user", "trial-unblinded_statistician")
    assert result.returncode == 0, result.stderr
    blinded, unblinded = (json.loads((out / v / "results.json").read_text()) for v in ("blinded", "unblinded"))
    assert blinded["blinded"] and not blinded["rate_ratios"] and unblinded["rate_ratios"][0]["n"] == 12
    assert "sequence" not in (out / "blinded" / "data" / "participants.csv").read_text().splitlines()[0]
    assert "sequence" in (out / "unblinded" / "data" / "participants.csv").read_text().splitlines()[0]
    again = mesems("analyse", "all", "--input", str(out / "blinded" / "data"), "--out", str(tmp_path / "again"), "--no-pdf", "--variant", "blinded")
    assert again.returncode == 0, again.stderr
    assert json.loads((tmp_path / "again" / "blinded" / "results.json").read_text())["provenance"] == blinded["provenance"]
    recorded = _rows(database, "select taken_by, blinded, outcome, channel, snapshot_digest from datasets_reportrecord order by id")[-2:]
    assert recorded == [("trial-unblinded_statistician", 1, "delivered", "cli", blinded["provenance"]["snapshot_digest"]),
                        ("trial-unblinded_statistician", 0, "delivered", "cli", unblinded["provenance"]["snapshot_digest"])]


def test_unblinded_report_needs_an_unblinded_user(mesems: Run, database: Path, tmp_path: Path) -> None:
    _refused(mesems("analyse", "all", "--from-db", "--out", str(tmp_path / "a"), "--variant", "unblinded", "--user", "trial-blinded_statistician"),
             "role 'blinded_statistician' may not take the unblinded report")
    _refused(mesems("analyse", "all", "--from-db", "--out", str(tmp_path / "b"), "--variant", "unblinded", "--role", "dsmb"), "give --user")
    _refused(mesems("analyse", "all", "--from-db", "--input", str(tmp_path), "--out", str(tmp_path / "c")), "either --input DIR or --from-db")
    _refused(mesems("analyse", "all", "--from-db", "--out", str(tmp_path / "d"), "--user", "nobody"), "no active user 'nobody'")
    only_blinded = mesems("analyse", "all", "--from-db", "--out", str(tmp_path / "e"), "--no-pdf")
    assert only_blinded.returncode == 0 and "blinded report only" in only_blinded.stderr and not (tmp_path / "e" / "unblinded").exists()
    refusals = _rows(database, "select actor, action from audit_auditevent where entity = 'datasets.reportrecord' and action = 'refused_report'")
    assert ("trial-blinded_statistician", "refused_report") in refusals and ("system", "refused_report") in refusals


def test_exports_from_the_database_by_role(mesems: Run, database: Path, tmp_path: Path) -> None:
    for kind, target in (("csv", "flat"), ("sdtm", "sdtm"), ("odm", "trial.xml")):
        result = mesems("export", kind, "--from-db", "--out", str(tmp_path / target))
        assert result.returncode == 0 and "blinded, 12 participants; recorded as export" in result.stdout, result.stderr
    assert "sequence" not in (tmp_path / "flat" / "participants.csv").read_text()
    unblinded = mesems("export", "csv", "--from-db", "--out", str(tmp_path / "unblinded"), "--unblinded", "--user", "trial-dsmb", "--role", "dsmb")
    assert unblinded.returncode == 0 and "UNBLINDED (role dsmb, user trial-dsmb)" in unblinded.stdout, unblinded.stderr
    manifest = json.loads((tmp_path / "unblinded" / "MANIFEST.json").read_text())
    assert manifest["blinded"] is False and manifest["role"] == "dsmb"
    _refused(mesems("export", "odm", "--from-db", "--out", str(tmp_path / "x.xml"), "--unblinded", "--user", "trial-cell_lab"),
             "role 'cell_lab' may not take an unblinded export")
    _refused(mesems("export", "odm", "--from-db", "--out", str(tmp_path / "y.xml"), "--unblinded", "--role", "dsmb"), "give --user")
    _refused(mesems("export", "csv", "--from-db", "--out", str(tmp_path / "z"), "--protocol", str(tmp_path)), "--protocol cannot be used with --from-db")
    assert not any((tmp_path / name).exists() for name in ("x.xml", "y.xml", "z"))
    records = _rows(database, "select kind, taken_by, blinded, outcome from datasets_exportrecord order by id")
    assert records[:4] == [("csv", "system", 1, "delivered"), ("sdtm", "system", 1, "delivered"), ("odm", "system", 1, "delivered"),
                           ("csv", "trial-dsmb", 0, "delivered")]
    assert records[4:] == [("odm", "trial-cell_lab", 0, "refused"), ("odm", "system", 0, "refused")]
    actions = _rows(database, "select actor, action from audit_auditevent where entity = 'datasets.exportrecord' order by id")
    assert actions[3:] == [("trial-dsmb", "export"), ("trial-cell_lab", "refused_export"), ("system", "refused_export")]
