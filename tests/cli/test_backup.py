"""`mesems backup` and `mesems restore` as an operator runs them, between SQLite files and PostgreSQL databases."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scratch import SEED, run_mesems, run_python, scratch_database
from tests.web.figures import record_figure

PAIRS = [
    pytest.param("sqlite", "sqlite", id="sqlite-to-sqlite"),
    pytest.param("postgres", "postgres", id="postgresql-to-postgresql", marks=pytest.mark.postgres),
    pytest.param("sqlite", "postgres", id="sqlite-to-postgresql", marks=pytest.mark.postgres),
    pytest.param("postgres", "sqlite", id="postgresql-to-sqlite", marks=pytest.mark.postgres),
]


def _data_digest(output: str) -> str:
    found = re.search(r"data sha256 ([0-9a-f]{64})", output)
    assert found, output
    return found.group(1)


@pytest.fixture
def source(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    with scratch_database(request.param, tmp_path / "source") as env:
        run_python(env, SEED)
        yield env


@pytest.mark.parametrize(("source", "target_kind"), PAIRS, indirect=["source"])
def test_restored_database_verifies_and_holds_the_same_data(source: dict[str, str], target_kind: str, tmp_path: Path) -> None:
    backup = tmp_path / "trial.mesems"
    made = run_mesems(source, "backup", "--out", str(backup))
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "trial.mesems.sha256").read_text().endswith("  trial.mesems\n")
    assert backup.stat().st_mode & 0o077 == 0, "a backup holds patient data: readable by its owner only"
    with scratch_database(target_kind, tmp_path / "target") as target:
        restored = run_mesems(target, "restore", str(backup))
        assert restored.returncode == 0, restored.stderr
        assert "audit trail intact" in restored.stdout
        verified = run_mesems(target, "audit", "verify")
        assert verified.returncode == 0, verified.stderr
        again = run_mesems(target, "backup", "--out", str(tmp_path / "again.mesems"))
    assert _data_digest(again.stdout) == _data_digest(made.stdout) == _data_digest(restored.stdout)
    record_figure(f"backup-cli-{source.get('MESEMS_DATABASE_URL', 'sqlite').split(':')[0]}-to-{target_kind}", same_data=True)


@pytest.mark.parametrize("source", ["sqlite"], indirect=True)
def test_damaged_backup_is_refused_in_one_line_and_nothing_is_loaded(source: dict[str, str], tmp_path: Path) -> None:
    backup = tmp_path / "trial.mesems"
    assert run_mesems(source, "backup", "--out", str(backup)).returncode == 0
    data = backup.read_bytes()
    damaged = tmp_path / "damaged.mesems"
    damaged.write_bytes(data[: len(data) - 40])
    with scratch_database("sqlite", tmp_path / "target") as target:
        refused = run_mesems(target, "restore", str(damaged))
        assert refused.returncode == 2
        assert refused.stderr.count("\n") == 1 and "is damaged" in refused.stderr and "Traceback" not in refused.stderr
        assert run_mesems(target, "restore", str(backup)).returncode == 0, "the refused restore left the database empty"


def test_backup_into_a_missing_folder_is_one_line_exit_2(tmp_path: Path) -> None:
    with scratch_database("sqlite", tmp_path / "db") as env:
        run_python(env, SEED)
        result = run_mesems(env, "backup", "--out", str(tmp_path / "no" / "such" / "folder" / "b.mesems"))
    assert result.returncode == 2 and result.stderr.startswith("error: cannot write") and result.stderr.count("\n") == 1
