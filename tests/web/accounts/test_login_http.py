"""Login, lockout and site isolation over HTTP against a live server on PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mesems.access import Role
from tests.web.conftest import PASSWORD, api_client, login_client

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_database_is_postgresql() -> None:
    from django.db import connection

    assert connection.vendor == "postgresql"


@pytest.mark.parametrize("role", list(Role))
def test_every_role_can_sign_in_and_see_the_dashboard(live_server: Any, make_user: Any, role: Role) -> None:
    site = "SE-KAR" if role in {Role.INVESTIGATOR, Role.NURSE, Role.OUTCOME_ASSESSOR} else None
    user = make_user(role, site)
    client = login_client(live_server.url, user.username)
    page = client.get("/")
    assert page.status_code == 200
    assert role.label in page.text and "MESEMS" in page.text


def test_wrong_password_stays_on_login_page(live_server: Any, make_user: Any) -> None:
    user = make_user(Role.NURSE, "SE-KAR")
    client = login_client(live_server.url, user.username, "not-the-password")
    assert client.get("/").status_code == 302


def test_lockout_after_five_failures_even_with_the_right_password(live_server: Any, make_user: Any) -> None:
    user = make_user(Role.INVESTIGATOR, "SE-KAR")
    for _ in range(5):
        login_client(live_server.url, user.username, "wrong-guess")
    client = login_client(live_server.url, user.username, PASSWORD)
    assert client.get("/").status_code == 302, "a locked account must not get in"
    token = httpx.post(f"{live_server.url}/api/auth/token", json={"username": user.username, "password": PASSWORD})
    assert token.status_code in {403, 429}
    other = make_user(Role.NURSE, "SE-KAR")
    assert login_client(live_server.url, other.username).get("/").status_code == 200, "lockout is per account"


def test_passwords_are_hashed_with_argon2(make_user: Any) -> None:
    assert make_user(Role.MONITOR).password.startswith("argon2")


def test_site_user_sees_only_own_site_over_api(live_server: Any, make_user: Any, make_participant: Any) -> None:
    make_participant("SE-KAR-0001", "SE-KAR")
    make_participant("SE-KAR-0002", "SE-KAR")
    make_participant("IT-01-0001", "IT-01")
    nurse = api_client(live_server.url, make_user(Role.NURSE, "SE-KAR").username)
    assert [p["code"] for p in nurse.get("/api/participants").json()] == ["SE-KAR-0001", "SE-KAR-0002"]
    assert [s["code"] for s in nurse.get("/api/sites").json()] == ["SE-KAR"]
    mine, theirs, missing = (nurse.get(f"/api/participants/{c}") for c in ("SE-KAR-0001", "IT-01-0001", "XX-0000"))
    assert mine.status_code == 200
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["message"].replace("IT-01-0001", "X") == missing.json()["message"].replace("XX-0000", "X")

    manager = api_client(live_server.url, make_user(Role.DATA_MANAGER).username)
    assert len(manager.get("/api/participants").json()) == 3


def test_site_user_sees_only_own_site_in_pages(live_server: Any, make_user: Any, make_participant: Any) -> None:
    make_participant("SE-KAR-0001", "SE-KAR")
    make_participant("IT-01-0001", "IT-01")
    client = login_client(live_server.url, make_user(Role.NURSE, "IT-01").username)
    home = client.get("/")
    assert "IT-01-0001" in home.text and "SE-KAR-0001" not in home.text
    assert client.get("/participants/IT-01-0001/").status_code == 200
    assert client.get("/participants/SE-KAR-0001/").status_code == 404


def test_api_without_credentials_is_401(live_server: Any) -> None:
    answer = httpx.get(f"{live_server.url}/api/participants")
    assert answer.status_code == 401 and answer.json()["code"] == "unauthenticated"


def test_openapi_schema_is_served(live_server: Any) -> None:
    schema = httpx.get(f"{live_server.url}/api/openapi.json").json()
    assert "/api/participants" in schema["paths"]
