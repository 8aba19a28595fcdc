"""Fixtures of the allocation tests: a loaded list, consented participants, a user with a second factor."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.test import Client

from mesems.protocol import load_protocol
from tests.conftest import REPO

SEED = "test-seed-for-allocation"


def install_without_product_gate() -> Any:
    """The MESEMS protocol with `randomisation.requires_released_product` off, for tests of allocation alone."""
    from mesems.web.apps.trials.services import install_protocol

    protocol = load_protocol()
    config = protocol.randomisation.model_copy(update={"requires_released_product": False})
    return install_protocol(protocol.model_copy(update={"randomisation": config}))


@pytest.fixture
def served_app(transactional_db: Any, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Starts the web app as it is served (`mesems serve`: gunicorn, 2 processes x 16 threads) on the
    test database, once the test has written what it needs; returns its address. Each thread holds
    one database connection, so any number of clients can be served with a bounded pool of them."""
    from django.db import connection

    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "MESEMS_DATABASE_URL": url, "MESEMS_DATA_DIR": str(tmp_path)}
    servers: list[subprocess.Popen[bytes]] = []

    def start() -> str:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        command = [sys.executable, "-m", "mesems", "serve", "--port", str(port), "--workers", "2", "--threads", "16"]
        servers.append(subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=(tmp_path / "server.log").open("wb")))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(f"{base}/login/", timeout=5)
                return base
            except httpx.TransportError:
                assert time.monotonic() < deadline and servers[-1].poll() is None, (tmp_path / "server.log").read_text()
                time.sleep(0.2)

    yield start
    for server in servers:  # before the test database is flushed: the server's connections go with it
        server.terminate()
        server.wait(timeout=60)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Argon2 is tested by the accounts tests; here it would only slow every made user down."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def no_product_gate(trial: Any) -> Any:
    return install_without_product_gate()


@pytest.fixture
def loaded_list(no_product_gate: Any) -> Any:
    from mesems.web.apps.allocation.services import generate_and_load

    return generate_and_load(SEED, per_stratum=8)


@pytest.fixture
def consented(make_participant: Callable[..., Any]) -> Callable[..., Any]:
    def make(code: str, site: str = "SE-KAR", course: str = "RR") -> Any:
        participant = make_participant(code, site, course)
        type(participant).objects.filter(pk=participant.pk).update(status="consented")
        participant.refresh_from_db()
        return participant

    return make


def fresh_code(device: Any) -> str:
    """The device's current code, usable again (django-otp refuses a code already used in its time step)."""
    from mesems.web.apps.allocation.secondfactor import current_code

    type(device).objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None)
    device.refresh_from_db()
    return current_code(device)


def client_for(user: Any) -> Client:
    """A Django test client signed in as `user`."""
    client = Client()
    client.force_login(user)
    return client
