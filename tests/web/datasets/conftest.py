"""A filled trial on a clock the tests move; users of every role; fast password hashing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.datasets.trial import Clock, build_trial


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr("django.utils.timezone.now", clock)
    return clock


@pytest.fixture
def filled(trial: Any, clock: Clock) -> dict[Any, Any]:
    """Twelve participants followed to week 48; returns one user per role."""
    return build_trial(clock, 12)


@pytest.fixture
def followed(trial: Any, clock: Clock) -> dict[Any, Any]:
    """Six participants followed to week 48 (every kind of log entry at least once)."""
    return build_trial(clock, 6)


@pytest.fixture
def early(trial: Any, clock: Clock) -> dict[Any, Any]:
    """Three participants followed to week 4: enough for exports."""
    return build_trial(clock, 3, until_week=4)
