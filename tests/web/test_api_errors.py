"""The API's error shapes: 422 names each field and rule; refusals share one shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mesems.access import Role
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_invalid_body_is_422_naming_each_field(trial: Any) -> None:
    answer = Client().post("/api/auth/token", data={"username": 5}, content_type="application/json")
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "invalid_input"
    fields = {e["field"]: e["rule"] for e in body["errors"]}
    assert fields == {"username": "string_type", "password": "missing"}


def test_malformed_json_is_a_clear_4xx(trial: Any) -> None:
    answer = Client().post("/api/auth/token", data="{not json", content_type="application/json")
    assert 400 <= answer.status_code < 500
    assert "Traceback" not in answer.content.decode()


def test_wrong_credentials_are_refused_in_the_common_shape(make_user: Any) -> None:
    user = make_user(Role.MONITOR)
    answer = Client().post("/api/auth/token", data={"username": user.username, "password": "nope"}, content_type="application/json")
    assert answer.status_code == 403
    assert set(answer.json()) == {"code", "message", "field"}


def test_token_gives_me(make_user: Any) -> None:
    user = make_user(Role.NURSE, "SE-KAR")
    token = Client().post("/api/auth/token", data={"username": user.username, "password": PASSWORD}, content_type="application/json").json()["token"]
    me = Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert me == {"username": user.username, "role": "nurse", "role_label": "Research nurse", "site": "SE-KAR"}


def test_session_api_post_needs_csrf(make_user: Any) -> None:
    user = make_user(Role.NURSE, "SE-KAR")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/api/me").status_code == 200
