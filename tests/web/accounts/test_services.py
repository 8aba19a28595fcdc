"""API tokens expire when idle; the second factor (TOTP) that unblinding and e-signatures require."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mesems.access import Role
from mesems.errors import AccessDenied
from mesems.web.apps.accounts.services import verify_second_factor

pytestmark = pytest.mark.django_db


def _token(user: Any, idle_minutes: float) -> str:
    from mesems.web.apps.accounts.models import ApiToken

    key = f"key-{idle_minutes}"
    ApiToken.objects.create(user=user, key_digest=ApiToken.digest(key))
    ApiToken.objects.filter(key_digest=ApiToken.digest(key)).update(last_used_at=timezone.now() - dt.timedelta(minutes=idle_minutes))
    return key


def test_token_left_idle_past_the_timeout_stops_working(make_user: Any) -> None:
    from mesems.web.apps.accounts.models import ApiToken

    user = make_user(Role.MONITOR)
    fresh, stale = _token(user, 10), _token(user, 31)
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {fresh}").status_code == 200
    answer = Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {stale}")
    assert answer.status_code == 401 and answer.json()["code"] == "unauthenticated"
    assert not ApiToken.objects.filter(key_digest=ApiToken.digest(stale)).exists(), "an expired token is deleted"


def _device(user: Any, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=confirmed)


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _not(code: str) -> str:
    """A well-formed code that is not `code`."""
    return f"{(int(code) + 1) % 10**6:06d}"


def test_current_code_is_accepted_once(make_user: Any) -> None:
    user = make_user(Role.UNBLINDED_STATISTICIAN)
    device = _device(user)
    code = _code(device)
    assert verify_second_factor(user, f"{code[:3]} {code[3:]}") == device
    with pytest.raises(AccessDenied, match="wrong, expired or already used") as refusal:
        verify_second_factor(user, code)
    assert refusal.value.code == "second_factor_invalid" and refusal.value.field == "second_factor"


def test_user_without_a_second_factor_is_told_to_set_one_up(make_user: Any) -> None:
    user = make_user(Role.DSMB)
    _device(user, confirmed=False)
    with pytest.raises(AccessDenied, match="set up a second factor first") as refusal:
        verify_second_factor(user, "123456")
    assert refusal.value.code == "second_factor_missing"


def test_wrong_codes_are_throttled(make_user: Any) -> None:
    user = make_user(Role.CELL_LAB)
    device = _device(user)
    with pytest.raises(AccessDenied, match="wrong"):
        verify_second_factor(user, _not(_code(device)))
    with pytest.raises(AccessDenied, match="too many wrong second-factor codes") as refusal:
        verify_second_factor(user, _code(device))
    assert refusal.value.code == "second_factor_throttled"


@pytest.mark.parametrize("code", ["", "abcdef", "12345678901", "１２３４５６"])
def test_malformed_codes_are_refused(make_user: Any, code: str) -> None:
    user = make_user(Role.DSMB)
    _device(user)
    with pytest.raises(AccessDenied, match="wrong, expired or already used"):
        verify_second_factor(user, code)


def test_code_of_another_users_device_is_refused(make_user: Any) -> None:
    alice, bob = make_user(Role.DSMB, username="alice"), make_user(Role.DSMB, username="bob")
    alices, bobs = _device(alice), _device(bob)
    with pytest.raises(AccessDenied):
        verify_second_factor(alice, _code(bobs) if _code(bobs) != _code(alices) else _not(_code(alices)))


def test_sessions_expire_after_thirty_idle_minutes_and_each_request_extends_them(make_user: Any) -> None:
    from django.contrib.sessions.models import Session

    client = Client()
    client.force_login(make_user(Role.NURSE, "SE-KAR"))
    assert client.get("/").status_code == 200
    session = Session.objects.get()
    left = session.expire_date - timezone.now()
    assert dt.timedelta(minutes=29) < left <= dt.timedelta(minutes=30)
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    assert client.get("/").status_code == 200
    assert Session.objects.get().expire_date - timezone.now() > dt.timedelta(minutes=29), "activity restarts the clock"
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    answer = client.get("/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login/")
