"""Database fixtures: the MESEMS protocol installed, and users of any role at any site."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

import pytest

from mesems.access import Role
from mesems.protocol import load_protocol

PASSWORD = "correct-Horse-battery-9"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """A live server's threads close their database connection after each request (as with
    CONN_MAX_AGE=0), so none is left open on the test database when the run drops it. Persistent
    connections are exercised by the servers the crash-safety test and the benchmarks start."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture
def trial(db: Any) -> Any:
    from mesems.web.apps.trials.services import install_protocol

    return install_protocol(load_protocol())


@pytest.fixture
def make_user(trial: Any) -> Callable[..., Any]:
    from mesems.web.apps.accounts.models import User
    from mesems.web.apps.trials.models import Site

    def make(role: Role, site: str | None = None, username: str | None = None) -> Any:
        name = username or f"{role.value}-{site or 'central'}".lower()
        user = User.objects.create_user(name, password=PASSWORD, role=role.value, site=Site.objects.get(code=site) if site else None)
        return user

    return make


@pytest.fixture
def make_participant(trial: Any) -> Callable[..., Any]:
    from mesems.web.apps.trials.models import Participant, Site

    def make(code: str, site: str, course: str = "RR") -> Any:
        return Participant.objects.create(code=code, site=Site.objects.get(code=site), ms_course=course)

    return make


def login_client(base_url: str, username: str, password: str = PASSWORD) -> "httpx.Client":
    """An HTTP client signed in through the login page, as a browser would be."""
    import re

    import httpx

    client = httpx.Client(base_url=base_url, follow_redirects=False, timeout=30)
    page = client.get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, "login page has no CSRF token"
    client.post("/login/", data={"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}, headers={"Referer": base_url + "/login/"})
    return client


def api_client(base_url: str, username: str, password: str = PASSWORD) -> "httpx.Client":
    """An HTTP client holding an API bearer token."""
    import httpx

    client = httpx.Client(base_url=base_url, timeout=30)
    answer = client.post("/api/auth/token", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    client.headers["Authorization"] = f"Bearer {answer.json()['token']}"
    return client
