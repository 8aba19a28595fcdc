"""Randomised participants with a schedule, and API clients for the form tests."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from mesems.protocol import load_protocol
from tests.web.conftest import PASSWORD


def site_today() -> dt.date:
    """Today at the test sites (SE-KAR, IT-01: Central European time): forms refuse dates in the
    site's future, so tests count days from the site's calendar, not the machine's."""
    return dt.datetime.now(zoneinfo.ZoneInfo("Europe/Stockholm")).date()


def install_without_cell_product() -> Any:
    """The MESEMS protocol without a cell product, where the infusion record's product code is
    free text: for tests of the forms that are not about the bedside check."""
    from mesems.web.apps.trials.services import install_protocol

    return install_protocol(load_protocol().model_copy(update={"cell_product": None}))


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Argon2 is tested with the accounts; here a password is only a way in."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def randomised(make_participant: Any) -> Callable[..., Any]:
    """A randomised participant whose week 0 was `weeks_ago` weeks before today (UTC)."""
    from mesems.web.apps.trials.models import Participant
    from mesems.web.apps.visits.services import start_schedule

    def make(code: str, site: str = "SE-KAR", weeks_ago: int = 5, course: str = "RR") -> Any:
        participant = make_participant(code, site, course)
        participant.status = Participant.Status.RANDOMISED
        participant.save()
        start_schedule(participant, site_today() - dt.timedelta(weeks=weeks_ago))
        return participant

    return make


class Api:
    """A Django test client holding a bearer token: the API as a program would call it."""

    def __init__(self, username: str) -> None:
        self.client = Client()
        answer = self.client.post(
            "/api/auth/token",
            data={"username": username, "password": PASSWORD},
            content_type="application/json",
        )
        assert answer.status_code == 200, answer.content
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {answer.json()['token']}"}

    def get(self, path: str) -> Any:
        return self.client.get(f"/api{path}", **self.headers)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            f"/api{path}", data=body or {}, content_type="application/json", **self.headers
        )

    def put(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.put(f"/api{path}", data=body, content_type="application/json", **self.headers)


@pytest.fixture
def api(make_user: Any) -> Callable[..., Api]:
    def make(role: Any, site: str | None = "SE-KAR", username: str | None = None) -> Api:
        user = make_user(role, site, username)
        return Api(user.username)

    return make


def days_ago(n: int) -> str:
    return (site_today() - dt.timedelta(days=n)).isoformat()


def week0(participant: Any) -> dt.date:
    return participant.schedule.randomisation_date


def report(api: Any, code: str, visit: str, on: dt.date, **extra: Any) -> Any:
    """Reports a visit as done on `on`, with all three reviews answered 'no'."""
    body = {
        "visit_date": on.isoformat(),
        "ae_review": "no",
        "conmed_review": "no",
        "relapse_review": "no",
        **extra,
    }
    return api.put(f"/participants/{code}/visits/{visit}", body)
