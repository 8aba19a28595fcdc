"""`mesems audit verify` as a user runs it, on a scratch SQLite file and a scratch PostgreSQL database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scratch import SEED, run_mesems, run_python, scratch_database

BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgres", id="postgresql", marks=pytest.mark.postgres)]

TAMPER = """
from mesems.web.bootstrap import setup_django
setup_django()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute({sql!r})
"""


@pytest.fixture(scope="module", params=BACKENDS)
def template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    with scratch_database(request.param, tmp_path_factory.mktemp("template")) as env:
        run_python(env, SEED)
        yield request.param, env


@pytest.fixture
def seeded(template: tuple[str, dict[str, str]], tmp_path: Path) -> Iterator[dict[str, str]]:
    kind, source = template
    with scratch_database(kind, tmp_path / "db", copy_of=source) as env:
        yield env


def test_intact_trail_prints_its_size_and_head(seeded: dict[str, str]) -> None:
    result = run_mesems(seeded, "audit", "verify")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"audit trail intact: \d+ records, head [0-9a-f]{64}\n", result.stdout)


def test_changed_record_is_found_with_exit_1(seeded: dict[str, str]) -> None:
    run_python(seeded, TAMPER.format(sql="UPDATE audit_auditevent SET reason = 'tidied up' WHERE id = 20"))
    result = run_mesems(seeded, "audit", "verify")
    assert result.returncode == 1
    assert "audit record 20: record 20 was changed after it was written" in result.stderr
    assert "TAMPERED" in result.stderr and "Traceback" not in result.stderr


def test_deleted_record_is_found(seeded: dict[str, str]) -> None:
    run_python(seeded, TAMPER.format(sql="DELETE FROM audit_auditevent WHERE id = 7"))
    result = run_mesems(seeded, "audit", "verify")
    assert result.returncode == 1 and "record 8 does not follow the record before it" in result.stderr


def test_cut_tail_is_found_against_an_earlier_head(seeded: dict[str, str]) -> None:
    head = run_mesems(seeded, "audit", "verify").stdout.split()[-1]
    run_python(seeded, TAMPER.format(sql="DELETE FROM audit_auditevent WHERE id > 20"))
    run_python(seeded, TAMPER.format(sql="UPDATE audit_audithead SET last_seq = 20, last_digest = (SELECT digest FROM audit_auditevent WHERE id = 20)"))
    assert run_mesems(seeded, "audit", "verify").returncode == 0, "the chain alone cannot see a cut with the head moved back"
    result = run_mesems(seeded, "audit", "verify", "--anchor", head)
    assert result.returncode == 1 and "is no longer in the trail" in result.stderr


def test_database_without_tables_is_one_line_exit_2(tmp_path: Path) -> None:
    with scratch_database("sqlite", tmp_path / "empty") as env:
        result = run_mesems(env, "audit", "verify")
    assert result.returncode == 2
    assert result.stderr.startswith("error: cannot read the audit trail") and result.stderr.count("\n") == 1
