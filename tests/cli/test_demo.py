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

MEASURED_AS_SIMULATED = """
import json
from mesems.web.bootstrap import setup_django
setup_django()
from django.utils import timezone
from mesems.schedule import dosing_period
from mesems.web.apps.trials.services import current_protocol
from mesems.web.apps.cellproduct.models import Infusion as Bedside
from mesems.web.apps.visits.models import EdssAssessment, Infusion, MriRead, Visit, Weight
from mesems.web.demo import simulated_demo_trial
today = timezone.localdate()
trial = simulated_demo_trial(today)
who = {r["participant_id"]: (r["site_id"], r["randomisation_date"].isoformat()) for r in trial.rows("participants")}
def simulated(table, column, on):
    return sorted((*who[r["participant_id"]], r["week"], r[column]) for r in trial.rows(table) if r["week"] is not None and r[on] < today)
def recorded(model, field):
    rows = model.objects.select_related("participant__site", "participant__schedule", "visit")
    return sorted((r.participant.site.code, r.participant.schedule.randomisation_date.isoformat(), r.visit.week, getattr(r, field)) for r in rows)
checked = {(i.participant_id, i.period): i.bag.code for i in Bedside.objects.select_related("bag")}
periods = current_protocol().periods
print(json.dumps({
    "infusions": Infusion.objects.count(),
    "unchecked": [i.pk for i in Infusion.objects.select_related("visit") if checked.get((i.participant_id, dosing_period(periods, i.visit.week))) != i.product_code],
    "gel": recorded(MriRead, "gel") == simulated("mri", "gel", "scan_date"),
    "t2_volume": recorded(MriRead, "t2_volume_ml") == simulated("mri", "t2_volume_ml", "scan_date"),
    "edss": recorded(EdssAssessment, "edss") == simulated("edss", "edss", "assessment_date"),
    "weight": recorded(Weight, "weight_kg") == [r for r in simulated("vital_signs", "weight_kg", "assessment_date") if r[2] in (0, 24)],
    "missed": [Visit.objects.filter(missed=True).count(), sum(r["status"] == "missed" for r in trial.rows("visits"))],
}))
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


def test_demo_visits_carry_the_simulated_measurements_and_the_bags_checked_at_the_bedside(seeded: tuple[Path, str]) -> None:
    """Each infusion record names the bag checked at the bedside for its period, and the forms hold
    what the simulator measured (compared by site, randomisation date and week: the codes differ)."""
    env = {"MESEMS_DATA_DIR": str(seeded[0]), "PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", MEASURED_AS_SIMULATED], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer.pop("infusions") > 20 and answer.pop("unchecked") == []
    missed = answer.pop("missed")
    assert missed[0] == missed[1] and answer == {"gel": True, "t2_volume": True, "edss": True, "weight": True}
