"""The shell's middleware: security headers on every answer, NUL characters refused before any view,
values the database cannot hold refused as bad input rather than a server error."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DataError
from django.test import Client

from mesems.access import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user: Any, make_participant: Any) -> Client:
    make_participant("SE-KAR-0001", "SE-KAR")
    client = Client()
    client.force_login(make_user(Role.DATA_MANAGER))
    return client


@pytest.mark.parametrize("path", ["/", "/login/", "/api/me", "/api/openapi.json", "/no/such/page/"])
def test_every_answer_carries_the_security_headers(manager: Client, path: str) -> None:
    answer = manager.get(path)
    assert answer.headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'; style-src 'self'")
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert answer.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in answer.headers["Permissions-Policy"]
    assert "no-store" in answer.headers["Cache-Control"]


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("get", "/participants/SE-KAR%000001/", None, 400),
        ("get", "/?search=a%00b", None, 400),
        ("get", "/api/participants/SE-KAR%000001", None, 422),
        ("get", "/api/participants?x=%00", None, 422),
        ("patch", "/api/participants/SE-KAR-0001", '{"version": 1, "reason": "a\\u0000b", "ms_course": "SP"}', 422),
    ],
    ids=["page-path", "page-query", "api-path", "api-query", "api-body"],
)
def test_nul_characters_are_refused_everywhere(manager: Client, method: str, path: str, body: str | None, status: int) -> None:
    answer = getattr(manager, method)(path, data=body, content_type="application/json") if body else getattr(manager, method)(path)
    assert answer.status_code == status
    assert "NUL characters" in answer.content.decode()


def test_value_the_database_cannot_hold_is_bad_input(manager: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def too_long(*args: Any, **kwargs: Any) -> Any:
        raise DataError("value too long for type character varying(32)")

    monkeypatch.setattr("mesems.web.apps.trials.api.visible_participant", too_long)
    monkeypatch.setattr("mesems.web.apps.trials.views.visible_participant", too_long)
    api = manager.get("/api/participants/SE-KAR-0001")
    assert api.status_code == 422 and api.json()["code"] == "invalid_input"
    page = manager.get("/participants/SE-KAR-0001/")
    assert page.status_code == 400 and "does not fit its field" in page.content.decode()


def test_other_control_characters_are_refused_before_any_view(client: Client) -> None:
    """XML exports cannot carry C0 controls, so a pasted \\u0015 is refused at the door, not at export time."""
    for body in ('{"username": "a\\u0015b", "password": "x"}', '{"username": "a\\u000bb", "password": "x"}'):
        answer = client.post("/api/auth/token", data=body, content_type="application/json")
        assert answer.status_code == 422 and "control characters" in answer.json()["message"]
    tab = client.post("/api/auth/token", data='{"username": "a\\tb", "password": "x"}', content_type="application/json")
    assert tab.status_code != 422 or "control characters" not in tab.content.decode()
