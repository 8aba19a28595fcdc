"""`mesems allocation` as a user runs it: generate, load, verify; a row changed in the database is caught."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.conftest import run_cli


def test_generate_load_verify_and_a_changed_row_is_caught(tmp_path: Path) -> None:
    env = {"MESEMS_DATA_DIR": str(tmp_path / "data")}
    out = tmp_path / "list.json"
    generated = run_cli("allocation", "generate", "--seed", "cli-secret-seed", "--out", str(out), "--per-stratum", "4", env=env)
    assert generated.returncode == 0, generated.stderr
    digest = json.loads(out.read_text())["digest"]
    assert f"SHA-256 digest: {digest}" in generated.stdout
    loaded = run_cli("allocation", "load", str(out), env=env)
    assert loaded.returncode == 0, loaded.stderr
    verified = run_cli("allocation", "verify", "--file", str(out), env=env)
    assert verified.returncode == 0 and "verified" in verified.stdout, verified.stderr

    with sqlite3.connect(tmp_path / "data" / "mesems.sqlite3") as db:
        db.execute("UPDATE allocation_listentry SET sequence = CASE sequence WHEN 'MSC-placebo' THEN 'placebo-MSC' ELSE 'MSC-placebo' END WHERE stratum = 'IT-03|PP' AND position = 2")
    tampered = run_cli("allocation", "verify", "--digest", digest, env=env)
    assert tampered.returncode == 2
    assert len(tampered.stderr.splitlines()) == 1 and tampered.stderr.startswith("error: the allocation list failed verification")
    assert "a row was changed" in tampered.stdout and "Traceback" not in tampered.stderr


def test_same_seed_same_list_and_bad_input_is_one_line(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    for path in (a, b):
        assert run_cli("allocation", "generate", "--seed", "same-seed-123", "--out", str(path), "--per-stratum", "2").returncode == 0
    assert json.loads(a.read_text())["digest"] == json.loads(b.read_text())["digest"]
    short = run_cli("allocation", "generate", "--seed", "abc", "--out", str(a))
    assert short.returncode == 2 and short.stderr == "error: the seed must be at least 8 characters to be secret; got 3\n"
    method = run_cli("allocation", "generate", "--seed", "same-seed-123", "--out", str(a), "--method", "urn")
    assert method.returncode == 2 and "expected one of [permuted_blocks, simple, minimisation]" in method.stderr
    balance = run_cli("allocation", "balance", "--file", str(b))
    assert balance.returncode == 0 and "SE-KAR|RR" in balance.stdout
    minimised = run_cli("allocation", "generate", "--seed", "same-seed-123", "--out", str(a), "--method", "minimisation", "--per-stratum", "50")
    assert minimised.returncode == 0 and json.loads(a.read_text())["method"] == "minimisation"
