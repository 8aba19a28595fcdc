"""Enrolling a second factor through its page, and the form that unblinding and signing reuse."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mesems.access import Role
from mesems.web.apps.accounts.forms import SecondFactorForm

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_enrolment_shows_a_qr_code_and_confirms_with_the_first_code(make_user: Any) -> None:
    from mesems.web.apps.audit.models import AuditEvent

    user = make_user(Role.UNBLINDED_STATISTICIAN)
    client = Client()
    client.force_login(user)
    page = client.get("/account/second-factor/")
    assert page.status_code == 200
    text = page.content.decode()
    assert re.search(r'<img class="qr" src="data:image/svg\+xml;base64,', text)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post("/account/second-factor/", {"code": f"{(int(_code(device)) + 1) % 10**6:06d}"})
    assert wrong.status_code == 200 and "That code is wrong or has expired" in wrong.content.decode()
    assert "Too many wrong codes" in client.post("/account/second-factor/", {"code": _code(device)}).content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)  # as if the user waited
    done = client.post("/account/second-factor/", {"code": _code(device)})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="enrol_second_factor", actor=user.username).count() == 1
    assert "is set up" in client.get("/account/second-factor/").content.decode()


def test_enrolment_form_needs_its_csrf_token(make_user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.DSMB))
    client.get("/account/second-factor/")
    assert client.post("/account/second-factor/", {"code": "123456"}).status_code == 403


def test_second_factor_form_puts_the_refusal_at_its_field(make_user: Any) -> None:
    user = make_user(Role.CELL_LAB)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    assert SecondFactorForm({"second_factor": _code(device)}, user=user).is_valid()
    refused = SecondFactorForm({"second_factor": "12"}, user=user)
    assert not refused.is_valid()
    assert refused.errors.as_data()["second_factor"][0].code == "second_factor_invalid"
