"""PATCH /api/participants/{code}: the matrix decides who, before the body is read; the service decides the rest."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mesems.access import Role

pytestmark = pytest.mark.django_db


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def participants(make_participant: Any) -> None:
    make_participant("SE-KAR-0001", "SE-KAR")
    make_participant("IT-01-0001", "IT-01")


def _patch(client: Client, code: str, body: dict[str, Any]) -> Any:
    return client.patch(f"/api/participants/{code}", data=body, content_type="application/json")


def test_data_manager_corrects_and_gets_the_new_version(participants: None, make_user: Any) -> None:
    answer = _patch(_as(make_user(Role.DATA_MANAGER)), "SE-KAR-0001", {"version": 1, "reason": "misread", "ms_course": "PP"})
    assert answer.status_code == 200
    assert answer.json() == {"code": "SE-KAR-0001", "site": "SE-KAR", "ms_course": "PP", "status": "screening", "version": 2}


def test_nurse_is_refused_before_the_body_is_read(participants: None, make_user: Any) -> None:
    answer = _patch(_as(make_user(Role.NURSE, "SE-KAR")), "SE-KAR-0001", {"nonsense": True})
    assert answer.status_code == 403 and answer.json()["code"] == "access_denied"
    assert "api:trials_update_participant" in answer.json()["message"]


@pytest.mark.parametrize(
    ("code", "body", "status", "field"),
    [
        ("IT-01-0001", {"version": 1, "reason": "not mine", "ms_course": "SP"}, 404, "code"),
        ("SE-KAR-0001", {"version": 7, "reason": "stale", "ms_course": "SP"}, 409, "version"),
        ("SE-KAR-0001", {"version": 1, "ms_course": "SP"}, 422, "reason"),
        ("SE-KAR-0001", {"version": 1, "reason": "x", "ms_course": "XX"}, 422, "ms_course"),
        ("SE-KAR-0001", {"version": 0, "reason": "x"}, 422, "version"),
    ],
    ids=["other-site", "stale-version", "no-reason", "unknown-course", "version-zero"],
)
def test_investigator_refusals_name_the_field(participants: None, make_user: Any, code: str, body: dict[str, Any], status: int, field: str) -> None:
    answer = _patch(_as(make_user(Role.INVESTIGATOR, "SE-KAR")), code, body)
    assert answer.status_code == status, answer.content
    assert answer.json()["field"] == field
