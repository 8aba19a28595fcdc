"""The randomisation pages: randomise once per page load, the unblinding form's errors at the fields."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mesems.access import Role
from mesems.web.apps.allocation.models import Allocation, EmergencyUnblinding
from mesems.web.apps.allocation.secondfactor import ensure_totp_device
from tests.web.allocation.conftest import client_for, fresh_code

pytestmark = pytest.mark.django_db


def test_randomise_button_twice_randomises_once(loaded_list: Any, consented: Any, make_user: Any) -> None:
    consented("SE-KAR-0001")
    nurse = client_for(make_user(Role.NURSE, "SE-KAR"))
    page = nurse.get("/allocation/participants/SE-KAR-0001/")
    request_id = re.search(r'name="request_id" value="([^"]+)"', page.content.decode()).group(1)
    for _ in range(2):
        answer = nurse.post("/allocation/participants/SE-KAR-0001/randomise/", {"request_id": request_id}, follow=True)
    assert Allocation.objects.count() == 1
    assert "R-0001" in answer.content.decode() and "Randomised" in answer.content.decode()
    index = nurse.get("/allocation/").content.decode()
    assert "R-0001" in index and Allocation.objects.get().product_code in index


def test_refusal_is_shown_as_a_message(loaded_list: Any, make_participant: Any, make_user: Any) -> None:
    make_participant("SE-KAR-0001", "SE-KAR")
    nurse = client_for(make_user(Role.NURSE, "SE-KAR"))
    answer = nurse.post("/allocation/participants/SE-KAR-0001/randomise/", {"request_id": "web-aaaaaaaa"}, follow=True)
    assert "only an eligible, consented participant" in answer.content.decode()


def test_unblinding_form_errors_then_reveal(loaded_list: Any, consented: Any, make_user: Any) -> None:
    consented("SE-KAR-0001")
    client_for(make_user(Role.NURSE, "SE-KAR")).post("/allocation/participants/SE-KAR-0001/randomise/", {"request_id": "web-bbbbbbbb"})
    user = make_user(Role.INVESTIGATOR, "SE-KAR")
    device = ensure_totp_device(user)
    investigator = client_for(user)
    short = investigator.post("/allocation/participants/SE-KAR-0001/unblind/", {"reason": "short", "otp_token": fresh_code(device)})
    assert short.status_code == 400 and "clinical reason" in short.content.decode()
    wrong = investigator.post("/allocation/participants/SE-KAR-0001/unblind/", {"reason": "anaphylaxis at infusion", "otp_token": "12"})
    assert wrong.status_code == 400 and "wrong or expired" in wrong.content.decode()
    shown = investigator.post("/allocation/participants/SE-KAR-0001/unblind/", {"reason": "anaphylaxis at infusion", "otp_token": fresh_code(device)})
    label = {"MSC-placebo": "Early MSC", "placebo-MSC": "Delayed MSC"}[Allocation.objects.get().sequence]
    assert shown.status_code == 200 and label in shown.content.decode() and EmergencyUnblinding.objects.count() == 1


def test_unblinded_pages_and_second_factor_enrolment(loaded_list: Any, make_user: Any) -> None:
    assert client_for(make_user(Role.UNBLINDED_STATISTICIAN)).get("/allocation/balance/").status_code == 200
    assert client_for(make_user(Role.MONITOR)).get("/allocation/balance/").status_code == 403
    assert client_for(make_user(Role.SPONSOR_ADMIN)).get("/allocation/list/").status_code == 200
    assert client_for(make_user(Role.DATA_MANAGER)).get("/allocation/emergency-unblindings/").status_code == 200
    user = make_user(Role.INVESTIGATOR, "SE-KAR")
    client = client_for(user)
    page = client.get("/allocation/second-factor/")
    assert page.status_code == 200 and "data:image/svg+xml;base64," in page.content.decode()
    device = user.totpdevice_set.get(confirmed=False)
    client.post("/allocation/second-factor/", {"otp_token": fresh_code(device)})
    assert user.totpdevice_set.get().confirmed
