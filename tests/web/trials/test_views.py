"""The correction page: the same rule as the API, its refusals at the field."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from mesems.access import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def investigator(make_user: Any, make_participant: Any) -> Client:
    make_participant("SE-KAR-0001", "SE-KAR")
    client = Client()
    client.force_login(make_user(Role.INVESTIGATOR, "SE-KAR"))
    return client


def test_correction_page_saves_and_returns_to_the_participant(investigator: Client) -> None:
    form = investigator.get("/participants/SE-KAR-0001/edit/").content.decode()
    assert re.search(r'name="version" value="1"', form) and "csrfmiddlewaretoken" in form
    answer = investigator.post("/participants/SE-KAR-0001/edit/", {"ms_course": "SP", "reason": "misread", "version": 1})
    assert answer.status_code == 302 and answer.headers["Location"] == "/participants/SE-KAR-0001/"
    assert "Secondary progressive" in investigator.get("/participants/SE-KAR-0001/").content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"ms_course": "SP", "reason": "", "version": 1}, "This field is required."),
        ({"ms_course": "XX", "reason": "r", "version": 1}, "Select a valid choice."),
        ({"ms_course": "SP", "reason": "r", "version": 5}, "was changed by someone else"),
        ({"ms_course": "SP", "reason": "a\x00b", "version": 1}, "Null characters are not allowed."),
        ({"ms_course": "SP", "reason": "a\x15b", "version": 1}, "Control characters (such as \\u0015) are not allowed"),
    ],
    ids=["no-reason", "unknown-course", "stale-version", "nul-in-reason", "control-character-in-reason"],
)
def test_refusals_are_shown_on_the_form(investigator: Client, data: dict[str, Any], message: str) -> None:
    answer = investigator.post("/participants/SE-KAR-0001/edit/", data)
    assert answer.status_code == 200
    assert message in answer.content.decode()
