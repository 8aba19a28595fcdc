"""`mesems demo --no-serve`: a simulated trial in progress, seeded once, checked in the database it made."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from mesems.access import Role
from tests.conftest import REPO, run_cli

CHECK_IN_DJANGO = """
import json
from django.test import Client
from mesems.web.bootstrap import setup_django
setup_django()
from mesems.web.apps.accounts.models import User
from mesems.web.apps.audit.services import verify_audit_trail
client = Client()
client.force_login(User.objects.get(username="blinded_statistician"))
page = client.get("/")
print(json.dumps({"audit": [str(p) for p in verify_audit_trail()], "status": page.status_code,
                  "placebo": "placebo" in page.content.decode().lower()}))
"""


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("demo")
    result = run_cli("demo", "--no-serve", env={"MESEMS_DATA_DIR": str(folder)}, cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder, result.stdout


def test_demo_prints_a_login_per_role_and_runs_twice(seeded: tuple[Path, str]) -> None:
    folder, stdout = seeded
    for role in Role:
        assert role.value in stdout
    assert "Seeded the demo trial" in stdout
    db = sqlite3.connect(folder / "mesems.sqlite3")
    assert {r for (r,) in db.execute("select distinct role from accounts_user")} == {r.value for r in Role}
    assert db.execute("select count(*) from trials_site").fetchone()[0] == 15
    before = db.execute("select count(*) from audit_auditevent").fetchone()[0]
    again = run_cli("demo", "--no-serve", env={"MESEMS_DATA_DIR": str(folder)}, cwd=folder)
    assert again.returncode == 0, again.stderr
    assert "already holds the demo trial" in again.stdout and "nurse.sekar-Demo-2026" in again.stdout
    assert db.execute("select count(*) from screening_screening where consented").fetchone()[0] > 0
    assert db.execute("select count(*) from audit_auditevent").fetchone()[0] - before < 30, "no second trial"


def test_demo_holds_a_trial_in_progress(seeded: tuple[Path, str]) -> None:
    db = sqlite3.connect(seeded[0] / "mesems.sqlite3")

    def count(sql: str) -> int:
        return db.execute(sql).fetchone()[0]

    assert count("select count(*) from screening_screening where outcome = 'not_eligible'") > 0
    assert count("select count(*) from screening_screening where withdrawn_before_randomisation") > 0
    assert count("select count(distinct site_id) from trials_participant where status = 'randomised'") >= 3
    assert count("select count(*) from trials_participant where status = 'consented'") > 0
    assert count("select count(*) from visits_visit where visit_date is not null") > 0
    assert count("select count(*) from visits_visit where visit_date is null and not missed") > 0
    assert count("select count(*) from safety_adverseevent") > 0
    assert count("select count(*) from safety_seriousadverseevent where due_on is not null and reported_on is null") > 0
    assert count("select count(*) from visits_query where status = 'open'") > 0
    assert count("select count(*) from cellproduct_releasesignature") > 0
    assert count("select count(*) from allocation_allocation") == count(
        "select count(*) from trials_participant where status = 'randomised'"
    )


def test_demo_audit_chain_verifies_and_a_blinded_dashboard_renders(seeded: tuple[Path, str]) -> None:
    env = {"MESEMS_DATA_DIR": str(seeded[0]), "PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", CHECK_IN_DJANGO], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer == {"audit": [], "status": 200, "placebo": False}
