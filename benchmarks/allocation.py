"""Allocations per second under concurrent clients on PostgreSQL: the mesems service over HTTP
against a bare SQL `SELECT ... FOR UPDATE` allocation loop, in the same run on the same server.

    python benchmarks/allocation.py [--allocations 1000] [--clients 50] [--pg postgres://postgres@127.0.0.1:5432]

It makes a throwaway database, migrates it, loads a list and consented participants over ten
strata, starts the web app as it is served (`mesems serve`: gunicorn, a process per core, each
with a pool of threads) and sends each allocation as
`POST /api/allocations` from `--clients` threads. The bare loop does the minimum an allocation
must: lock the stratum's counter row, read the list entry, insert the allocation, move the
counter on, commit. It prints allocations/s, p95 latency and the ratio service/bare.
"""

from __future__ import annotations

import argparse
import os
import queue
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SITES = ("SE-KAR", "IT-01", "IT-02", "GB-01", "ES-01")
COURSES = ("RR", "SP")

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_serving(base_url: str, server: subprocess.Popen[bytes]) -> None:
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the web server stopped (exit code {server.returncode})")
        try:
            httpx.get(f"{base_url}/login/", timeout=5)
            return
        except httpx.TransportError:
            time.sleep(0.3)
    raise SystemExit("the web server did not start within two minutes")


def run_clients(work: list[object], clients: int, call: Callable[[object, dict[str, object]], None]) -> tuple[float, np.ndarray]:
    """Runs `call(item, thread_state)` over `work` from `clients` threads; returns wall seconds and latencies."""
    items: queue.Queue[object] = queue.Queue()
    for item in work:
        items.put(item)
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def worker() -> None:
        state: dict[str, object] = {}
        start.wait()
        mine = []
        while True:
            try:
                item = items.get_nowait()
            except queue.Empty:
                break
            t0 = time.perf_counter()
            call(item, state)
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, np.asarray(latencies)


def seed(n: int) -> dict[str, list[tuple[str, str]]]:
    """Migrates, loads the list and participants; returns per site the (code, token) pairs."""
    from django.core.management import call_command

    from mesems.access import Role
    from mesems.protocol import load_protocol
    from mesems.web.apps.accounts.models import ApiToken, User
    from mesems.web.apps.allocation.services import generate_and_load
    from mesems.web.apps.trials.models import Participant, Site
    from mesems.web.apps.trials.services import install_protocol

    call_command("migrate", interactive=False, verbosity=0)
    protocol = load_protocol()
    install_protocol(protocol.model_copy(update={"randomisation": protocol.randomisation.model_copy(update={"requires_released_product": False})}))
    generate_and_load("benchmark-seed", per_stratum=n // (len(SITES) * len(COURSES)) + 8)
    work: dict[str, list[tuple[str, str]]] = {}
    for site_code in SITES:
        site = Site.objects.get(code=site_code)
        nurse = User.objects.create_user(f"bench-{site_code}", password="bench-password-1", role=Role.NURSE.value, site=site)
        token = f"bench-token-{site_code}"
        ApiToken.objects.create(user=nurse, key_digest=ApiToken.digest(token))
        per_site = n // len(SITES)
        Participant.objects.bulk_create([Participant(code=f"{site_code}-{i:05d}", site=site, ms_course=COURSES[i % 2], status="consented") for i in range(per_site)])
        work[site_code] = [(f"{site_code}-{i:05d}", token) for i in range(per_site)]
    return work


def bare_loop(dsn: str, n: int, clients: int, chained: bool = False) -> tuple[float, np.ndarray]:
    """The bare allocation; with `chained`, also one row appended to a trial-wide chain whose head
    row is locked, as mesems's hash-chained audit trail does (the one trial-wide lock of the service)."""
    import psycopg

    suffix = "_chained" if chained else ""

    strata = [f"{s}|{c}" for s in SITES for c in COURSES]
    per_stratum = n // len(strata) + 8
    rng = np.random.default_rng(1)
    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute(f"CREATE TABLE bench_counter{suffix} (stratum text PRIMARY KEY, next_position int NOT NULL)")
        db.execute(f"CREATE TABLE bench_entry{suffix} (stratum text, position int, sequence text, PRIMARY KEY (stratum, position))")
        db.execute(f"CREATE TABLE bench_allocation{suffix} (participant text PRIMARY KEY, stratum text, position int, sequence text, UNIQUE (stratum, position))")
        db.execute(f"CREATE TABLE bench_head{suffix} (id int PRIMARY KEY, seq int NOT NULL)")
        db.execute(f"CREATE TABLE bench_chain{suffix} (seq int PRIMARY KEY, participant text)")
        db.execute(f"INSERT INTO bench_head{suffix} VALUES (1, 0)")
        with db.cursor() as cur:
            cur.executemany(f"INSERT INTO bench_counter{suffix} VALUES (%s, 1)", [(s,) for s in strata])
            cur.executemany(f"INSERT INTO bench_entry{suffix} VALUES (%s, %s, %s)", [(s, p, str(rng.choice(["MSC-placebo", "placebo-MSC"]))) for s in strata for p in range(1, per_stratum + 1)])
    work = [(f"B-{i:05d}", strata[i % len(strata)]) for i in range(n)]

    def allocate(item: object, state: dict[str, object]) -> None:
        participant, stratum = item  # type: ignore[misc]
        if "db" not in state:
            state["db"] = psycopg.connect(dsn)
        db = state["db"]
        with db.transaction():  # type: ignore[attr-defined]
            position = db.execute(f"SELECT next_position FROM bench_counter{suffix} WHERE stratum = %s FOR UPDATE", (stratum,)).fetchone()[0]  # type: ignore[attr-defined]
            sequence = db.execute(f"SELECT sequence FROM bench_entry{suffix} WHERE stratum = %s AND position = %s", (stratum, position)).fetchone()[0]  # type: ignore[attr-defined]
            db.execute(f"INSERT INTO bench_allocation{suffix} VALUES (%s, %s, %s, %s)", (participant, stratum, position, sequence))  # type: ignore[attr-defined]
            db.execute(f"UPDATE bench_counter{suffix} SET next_position = next_position + 1 WHERE stratum = %s", (stratum,))  # type: ignore[attr-defined]
            if chained:
                seq = db.execute(f"UPDATE bench_head{suffix} SET seq = seq + 1 WHERE id = 1 RETURNING seq").fetchone()[0]  # type: ignore[attr-defined]
                db.execute(f"INSERT INTO bench_chain{suffix} VALUES (%s, %s)", (seq, participant))  # type: ignore[attr-defined]

    return run_clients(work, clients, allocate)


def service_over_http(base_url: str, work: dict[str, list[tuple[str, str]]], clients: int) -> tuple[float, np.ndarray]:
    """Each client keeps one HTTP/1.1 connection (http.client: the lightest client, so that the two
    cores the server shares with the clients go to the server, as the bare loop's go to PostgreSQL)."""
    import http.client
    import json
    from urllib.parse import urlsplit

    address = urlsplit(base_url)
    items: list[object] = [pair for pairs in zip(*work.values(), strict=True) for pair in pairs]
    failures: list[str] = []

    def allocate(item: object, state: dict[str, object]) -> None:
        code, token = item  # type: ignore[misc]
        if "connection" not in state:
            state["connection"] = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
        connection: http.client.HTTPConnection = state["connection"]  # type: ignore[assignment]
        body = json.dumps({"participant": code, "request_id": f"bench-{code}"})
        connection.request("POST", "/api/allocations", body, {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        answer = connection.getresponse()
        text = answer.read()
        if answer.status != 200:
            failures.append(f"{answer.status} {text[:120]!r}")

    result = run_clients(items, clients, allocate)
    if failures:
        raise SystemExit(f"{len(failures)} allocations failed, e.g. {failures[0]}")
    return result


def report(name: str, n: int, seconds: float, latencies: np.ndarray) -> float:
    rate = n / seconds
    print(f"{name:<38} {rate:9.1f} allocations/s   p50 {np.percentile(latencies, 50) * 1000:7.1f} ms   p95 {np.percentile(latencies, 95) * 1000:7.1f} ms")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--allocations", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="web server processes (one per core)")
    parser.add_argument("--threads", type=int, default=8, help="threads per web server process")
    parser.add_argument("--pg", default=os.environ.get("MESEMS_BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    args = parser.parse_args()

    import psycopg

    name = f"mesems_bench_{os.getpid()}"
    admin_dsn = f"{args.pg}/postgres"
    dsn = f"{args.pg}/{name}"
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    server = None
    data_dir = tempfile.mkdtemp(prefix="mesems-bench-")
    env = {**os.environ, "MESEMS_DATABASE_URL": dsn, "MESEMS_DATA_DIR": data_dir, "PYTHONPATH": str(REPO / "src")}
    try:
        os.environ.update({"MESEMS_DATABASE_URL": dsn, "MESEMS_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "mesems.web.settings"})
        sys.path.insert(0, str(REPO / "src"))
        import django

        django.setup()
        work = seed(args.allocations)
        n = sum(len(v) for v in work.values())
        from django.db import connections

        connections.close_all()
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "mesems", "serve", "--port", str(port), "--workers", str(args.workers), "--threads", str(args.threads)],
            env=env, start_new_session=True,
        )
        wait_until_serving(f"http://127.0.0.1:{port}", server)
        print(f"{n} allocations, {args.clients} concurrent clients, {len(SITES) * len(COURSES)} strata, {args.workers} server processes × {args.threads} threads, PostgreSQL")
        service_s, service_lat = service_over_http(f"http://127.0.0.1:{port}", work, args.clients)
        bare_s, bare_lat = bare_loop(dsn, n, args.clients)
        chained_s, chained_lat = bare_loop(dsn, n, args.clients, chained=True)
        service_rate = report("mesems allocate_next over HTTP", n, service_s, service_lat)
        bare_rate = report("bare SQL SELECT ... FOR UPDATE loop", n, bare_s, bare_lat)
        chained_rate = report("bare loop + trial-wide chain row lock", n, chained_s, chained_lat)
        print(f"ratio service/bare: {service_rate / bare_rate:.2f} (target >= 0.33); service/bare-with-chain-lock: {service_rate / chained_rate:.2f}")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
