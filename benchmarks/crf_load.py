"""Load test of the case report forms: N users saving forms at once on PostgreSQL.

Starts a throwaway PostgreSQL database and the web app on 127.0.0.1 as it is served (`mesems serve`:
gunicorn, a process per core with a pool of threads, persistent connections), gives each simulated research nurse a participant
of her own, and lets every user save forms over the API for the given time: a new adverse event,
an edit of the week-4 vital signs with its version and a reason, a new concomitant medication,
in turn. It prints throughput, p50/p95 latency and errors (target 0) for one user (the baseline)
and for N users, then checks that every acknowledged save is in the database with its audit row.

    python benchmarks/crf_load.py [--users 50] [--seconds 60] [--database-url postgres://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

REPO = Path(__file__).resolve().parents[1]
SITES = ["SE-KAR", "IT-01", "IT-02", "ES-01", "GB-01"]

SEED = """
import datetime as dt, json, secrets, sys
from mesems.web.bootstrap import setup_django
setup_django()
from mesems.access import Role
from mesems.protocol import load_protocol
from mesems.web.apps.accounts.models import ApiToken, User
from mesems.web.apps.trials.models import Participant, Site
from mesems.web.apps.trials.services import install_protocol
from mesems.web.apps.visits.services import report_visit, save_record, start_schedule
users, sites = int(sys.argv[1]), sys.argv[2].split(",")
install_protocol(load_protocol())
week4 = dt.date.today() - dt.timedelta(days=7)
out = []
for i in range(users):
    site = Site.objects.get(code=sites[i % len(sites)])
    nurse = User.objects.create_user(f"load-nurse-{i:03d}", password=None, role=Role.NURSE.value, site=site)  # API token only
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=nurse, key_digest=ApiToken.digest(key))
    code = f"{site.code}-L{i:03d}"
    participant = Participant.objects.create(code=code, site=site, ms_course="RR", status=Participant.Status.RANDOMISED)
    start_schedule(participant, week4 - dt.timedelta(weeks=4))
    report_visit(nurse, code, "W04", {"visit_date": week4, "ae_review": "yes", "conmed_review": "yes", "relapse_review": "no"})
    vitals = save_record(nurse, "vital_signs", code, {"measured_on": week4, "systolic_bp": 120, "diastolic_bp": 80, "heart_rate": 70}, visit_code="W04")
    out.append({"token": key, "participant": code, "vitals": vitals.pk})
print(json.dumps(out))
"""

CHECK = """
import json, sys
from mesems.web.bootstrap import setup_django
setup_django()
from mesems.web.apps.audit.models import AuditEvent
from mesems.web.apps.audit.services import verify_audit_trail
from mesems.web.apps.visits.registry import get_kind
acked = json.load(open(sys.argv[1]))
problems = []
for kind_name, rows in acked["created"].items():
    model = get_kind(kind_name).model
    ids = [int(i) for i in rows]
    found = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
    audited = set(int(i) for i in AuditEvent.objects.filter(entity=model._meta.label_lower, action="create", entity_id__in=[str(i) for i in ids]).values_list("entity_id", flat=True))
    problems += [f"{kind_name} #{i} acknowledged but missing" for i in ids if i not in found]
    problems += [f"{kind_name} #{i} has no create audit row" for i in ids if i not in audited]
model = get_kind("vital_signs").model
for rid, version in acked["updated"].items():
    row = model.objects.get(pk=int(rid))
    updates = AuditEvent.objects.filter(entity=model._meta.label_lower, entity_id=str(rid), action="update").count()
    if row.version != version or updates != version - 1:
        problems.append(f"vital signs #{rid}: acknowledged version {version}, stored {row.version}, {updates} update audit rows")
problems += [p.message for p in verify_audit_trail()]
print(json.dumps({"problems": problems, "created": sum(len(v) for v in acked["created"].values()), "updated": sum(v - 1 for v in acked["updated"].values())}))
"""


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    created: dict[str, list[int]] = field(default_factory=lambda: {"adverse_event": [], "conmed": []})
    updated: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def django(env: dict[str, str], *args: str, code: str | None = None) -> str:
    command = (
        [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "mesems.web.manage", *args]
    )
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True, cwd=REPO).stdout


def user_loop(base: str, seat: dict[str, object], until: float, tally: Tally, n: int) -> None:
    code, rid = seat["participant"], seat["vitals"]
    version, step = 1, 0
    day = (dt.date.today() - dt.timedelta(days=7)).isoformat()
    with httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {seat['token']}"}, timeout=60
    ) as client:
        while time.monotonic() < until:
            kind = ("adverse_event", "vital_signs", "conmed")[step % 3]
            if kind == "adverse_event":
                request = (
                    "POST",
                    f"/api/participants/{code}/crf/adverse-event",
                    {
                        "term": f"headache {step}",
                        "soc": "Nervous system disorders",
                        "pt": "Headache",
                        "grade": 1 + step % 3,
                        "causality": "unlikely",
                        "outcome": "recovering",
                        "start_date": day,
                        "visit": "W04",
                    },
                )
            elif kind == "vital_signs":
                request = (
                    "PUT",
                    f"/api/crf/vital-signs/{rid}",
                    {
                        "heart_rate": 60 + (version % 40),
                        "version": version,
                        "reason": f"re-measured ({step})",
                    },
                )
            else:
                request = (
                    "POST",
                    f"/api/participants/{code}/crf/conmed",
                    {"drug": "paracetamol", "indication": "headache", "start_date": day, "ongoing": True},
                )
            started = time.perf_counter()
            try:
                answer = client.request(request[0], request[1], json=request[2])
                elapsed = time.perf_counter() - started
            except httpx.HTTPError as error:
                with tally.lock:
                    tally.errors.append(f"{kind}: {type(error).__name__}")
                step += 1
                continue
            with tally.lock:
                tally.latencies.append(elapsed)
                if answer.status_code not in (200, 201):
                    tally.errors.append(f"{kind}: {answer.status_code} {answer.text[:120]}")
                elif kind == "vital_signs":
                    version = answer.json()["version"]
                    tally.updated[str(rid)] = version
                else:
                    tally.created[kind].append(answer.json()["id"])
            step += 1


def run(base: str, seats: list[dict[str, object]], seconds: float) -> tuple[Tally, float]:
    tally = Tally()
    until = time.monotonic() + seconds
    started = time.perf_counter()
    threads = [
        threading.Thread(target=user_loop, args=(base, seat, until, tally, i)) for i, seat in enumerate(seats)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tally, time.perf_counter() - started


def report(label: str, tally: Tally, wall: float) -> None:
    lat = sorted(tally.latencies)
    p50 = statistics.median(lat) * 1000 if lat else float("nan")
    p95 = lat[int(0.95 * (len(lat) - 1))] * 1000 if lat else float("nan")
    print(
        f"{label:<14} saves {len(lat):>6}  throughput {len(lat) / wall:8.1f}/s  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  errors {len(tally.errors)}"
    )
    for error in tally.errors[:5]:
        print(f"    {error}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline-seconds", type=float, default=10)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("MESEMS_ADMIN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    args = parser.parse_args()

    name = f"mesems_crfload_{os.getpid()}"
    admin = psycopg.connect(args.database_url, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    server = None
    try:
        with tempfile.TemporaryDirectory() as data_dir:
            env = {
                **os.environ,
                "PYTHONPATH": str(REPO / "src"),
                "MESEMS_DATA_DIR": data_dir,
                "DJANGO_SETTINGS_MODULE": "mesems.web.settings",
                "MESEMS_DATABASE_URL": args.database_url.rsplit("/", 1)[0] + f"/{name}",
                "MESEMS_DEBUG": "0",
            }
            print(
                f"throwaway database {name}: migrating and seeding {args.users + 1} participants ...",
                flush=True,
            )
            django(env, "migrate", "--verbosity", "0")
            seats = json.loads(django(env, str(args.users + 1), ",".join(SITES), code=SEED))
            port = free_port()
            server = subprocess.Popen(
                [sys.executable, "-m", "mesems", "serve", "--port", str(port)],
                env=env,
                cwd=REPO,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    httpx.get(f"{base}/login/", timeout=2)
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            baseline, baseline_wall = run(base, seats[:1], args.baseline_seconds)
            loaded, loaded_wall = run(base, seats[1:], args.seconds)
            print(f"server: mesems serve (gunicorn) on 127.0.0.1, PostgreSQL, {os.cpu_count()} cores")
            report("1 user", baseline, baseline_wall)
            report(f"{args.users} users", loaded, loaded_wall)
            ratio = (len(loaded.latencies) / loaded_wall) / max(len(baseline.latencies) / baseline_wall, 1e-9)
            print(f"throughput ratio {args.users} users / 1 user: {ratio:.2f}x")
            acked = {
                "created": {k: v + baseline.created[k] for k, v in loaded.created.items()},
                "updated": {**baseline.updated, **loaded.updated},
            }
            ack_file = Path(data_dir) / "acked.json"
            ack_file.write_text(json.dumps(acked))
            check = json.loads(django(env, str(ack_file), code=CHECK))
            print(
                f"count check: {check['created']} acknowledged creates and {check['updated']} acknowledged edits; "
                f"{len(check['problems'])} missing from the database or its audit trail"
            )
            for problem in check["problems"][:10]:
                print(f"    {problem}")
            return 0 if not check["problems"] and not loaded.errors and not baseline.errors else 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        admin.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


if __name__ == "__main__":
    raise SystemExit(main())
