"""Fixtures of the allocation tests: a loaded list, consented participants, a user with a second factor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from mesems.protocol import load_protocol

SEED = "test-seed-for-allocation"


def install_without_product_gate() -> Any:
    """The MESEMS protocol with `randomisation.requires_released_product` off, for tests of allocation alone."""
    from mesems.web.apps.trials.services import install_protocol

    protocol = load_protocol()
    config = protocol.randomisation.model_copy(update={"requires_released_product": False})
    return install_protocol(protocol.model_copy(update={"randomisation": config}))


@pytest.fixture
def wide_live_server(transactional_db: Any) -> Any:
    """A live server whose listen queue takes many clients at once (Django's keeps 10 waiting)."""
    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread, _StaticFilesHandler

    class WideServer(ThreadedWSGIServer):
        request_queue_size = 256

    class WideThread(LiveServerThread):
        server_class = WideServer

    thread = WideThread("127.0.0.1", _StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    thread.url = f"http://127.0.0.1:{thread.port}"
    yield thread
    thread.terminate()


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
