"""Crash safety: the web app as it is served (`mesems serve`) on PostgreSQL under concurrent saves,
killed with SIGKILL (arbiter and workers at once) mid-load and restarted, several times over. Every
save a client saw acknowledged must be there with its audit record; no record may be half written (a
version without its audit record or the reverse); the audit chain must verify. A save in flight when
the server died may have committed or not, never in part.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.scratch import run_mesems, run_python, scratch_database
from tests.web.figures import record_figure

pytestmark = pytest.mark.postgres

CLIENTS = 8
RUNS = 3
ACKS_BEFORE_KILL = 40
COURSES = ("RR", "SP", "PP")

SEED = f"""
from mesems.web.bootstrap import setup_django
setup_django()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from mesems.access import Role
from mesems.protocol import load_protocol
from mesems.web.apps.accounts.models import ApiToken, User
from mesems.web.apps.trials.models import Participant, Site
from mesems.web.apps.trials.services import install_protocol
install_protocol(load_protocol())
manager = User.objects.create(username="manager", role=Role.DATA_MANAGER.value)
for number in range({CLIENTS}):
    ApiToken.objects.create(user=manager, key_digest=ApiToken.digest(f"crash-token-{{number}}"))
    Participant.objects.create(code=f"SE-KAR-{{number:04d}}", site=Site.objects.get(code="SE-KAR"), ms_course="RR")
"""


@dataclass
class Ledger:
    """What the clients saw acknowledged: participant -> (version, MS course) of each 200 answer."""

    acks: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    refusals: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, code: str, version: int, course: str) -> None:
        with self.lock:
            self.acks.setdefault(code, []).append((version, course))

    def count(self) -> int:
        with self.lock:
            return sum(len(v) for v in self.acks.values())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    env: dict[str, str]
    log: Path
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "mesems", "serve", "--port", str(self.port), "--workers", "2", "--threads", "4"],
                env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/login/", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        raise AssertionError(f"the server did not start: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL to the whole server at once, arbiter and workers, as a power cut would."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


def _client(server: Server, number: int, ledger: Ledger, stop: threading.Event, run: int) -> None:
    code = f"SE-KAR-{number:04d}"
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer crash-token-{number}"}, timeout=30) as client:
        try:
            current = client.get(f"/api/participants/{code}").json()
            version, course, saves = current["version"], current["ms_course"], 0
            while not stop.is_set():
                course = COURSES[(COURSES.index(course) + 1) % len(COURSES)]  # always a change, so always a save
                answer = client.patch(f"/api/participants/{code}", json={"version": version, "reason": f"run {run} save {saves}", "ms_course": course})
                if answer.status_code != 200:
                    ledger.refusals.append(f"{code}: {answer.status_code} {answer.text}")
                    return
                saved = answer.json()
                ledger.add(code, saved["version"], saved["ms_course"])
                version, saves = saved["version"], saves + 1
        except httpx.TransportError:
            return


def _audited_versions(url: str) -> dict[str, list[tuple[int, int, str]]]:
    """Participant code -> (old version, new version, new MS course) of each audit record of a correction."""
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT p.code, a.changes FROM audit_auditevent a JOIN trials_participant p ON a.entity_id = p.id::text "
            "WHERE a.entity = 'trials.participant' AND a.action = 'update' ORDER BY a.id"
        ).fetchall()
    found: dict[str, list[tuple[int, int, str]]] = {}
    for code, changes in rows:
        changes = changes if isinstance(changes, dict) else json.loads(changes)
        found.setdefault(code, []).append((changes["version"][0], changes["version"][1], changes["ms_course"][1]))
    return found


def _check(server: Server, ledger: Ledger, url: str) -> int:
    """Every acknowledged save present with its audit record; every version bump has exactly one. Returns saves checked."""
    audited = _audited_versions(url)
    checked = 0
    with httpx.Client(base_url=server.url, headers={"Authorization": "Bearer crash-token-0"}, timeout=30) as client:
        for number in range(CLIENTS):
            code = f"SE-KAR-{number:04d}"
            now = client.get(f"/api/participants/{code}").json()
            trail = audited.get(code, [])
            assert [(old, new) for old, new, _ in trail] == [(v, v + 1) for v in range(1, now["version"])], f"{code}: a version without its audit record, or the reverse"
            assert trail == [] or trail[-1][2] == now["ms_course"], f"{code}: the record and its last audit record disagree"
            for version, course in ledger.acks.get(code, []):
                assert version <= now["version"], f"{code}: acknowledged version {version} is lost (now {now['version']})"
                assert (version - 1, version, course) in trail, f"{code}: acknowledged save {version} has no audit record"
                checked += 1
    return checked


@pytest.fixture
def database(tmp_path: Path) -> Iterator[dict[str, str]]:
    with scratch_database("postgres", tmp_path / "data") as env:
        run_python(env, SEED)
        yield env


def test_acknowledged_saves_survive_kill_9(database: dict[str, str], tmp_path: Path) -> None:
    server = Server({**database, "MESEMS_ALLOWED_HOSTS": "127.0.0.1"}, tmp_path / "server.log")
    ledger = Ledger()
    in_flight_committed = 0
    for run in range(1, RUNS + 1):
        server.start()
        if run > 1:
            _check(server, ledger, database["MESEMS_DATABASE_URL"])
        stop = threading.Event()
        target = ledger.count() + ACKS_BEFORE_KILL
        clients = [threading.Thread(target=_client, args=(server, n, ledger, stop, run)) for n in range(CLIENTS)]
        for client in clients:
            client.start()
        deadline = time.monotonic() + 120
        while ledger.count() < target and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not ledger.refusals, ledger.refusals
        assert ledger.count() >= target, "the clients made too few saves"
        server.kill()
        stop.set()
        for client in clients:
            client.join(timeout=60)
    server.start()
    try:
        checked = _check(server, ledger, database["MESEMS_DATABASE_URL"])
        with httpx.Client(base_url=server.url, headers={"Authorization": "Bearer crash-token-0"}, timeout=30) as client:
            for number in range(CLIENTS):
                code = f"SE-KAR-{number:04d}"
                acked = max((v for v, _ in ledger.acks.get(code, [])), default=1)
                in_flight_committed += client.get(f"/api/participants/{code}").json()["version"] - acked
    finally:
        server.kill()
    verified = run_mesems(database, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    record_figure("crash-safety", runs_survived=RUNS, acknowledged_saves_checked=checked, unacknowledged_saves_committed=in_flight_committed)
