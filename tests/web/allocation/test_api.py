"""The allocation API: blinded answers, idempotent retries, refusals in the common shape."""

from __future__ import annotations

from typing import Any

import pytest

from mesems.access import Role
from mesems.web.apps.allocation.models import Allocation
from mesems.web.apps.allocation.secondfactor import ensure_totp_device
from tests.web.allocation.conftest import client_for, fresh_code

pytestmark = pytest.mark.django_db


def test_allocate_returns_the_blinded_answer_and_retries_are_idempotent(loaded_list: Any, consented: Any, make_user: Any) -> None:
    consented("SE-KAR-0001")
    nurse = client_for(make_user(Role.NURSE, "SE-KAR"))
    body = {"participant": "SE-KAR-0001", "request_id": "api-req-0001"}
    first = nurse.post("/api/allocations", body, content_type="application/json")
    again = nurse.post("/api/allocations", body, content_type="application/json")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert set(first.json()) == {"participant", "status", "randomisation_number", "product_code", "allocated_at"}
    assert first.json()["randomisation_number"] == "R-0001" and Allocation.objects.count() == 1
    lab = client_for(make_user(Role.CELL_LAB))
    assert lab.get("/api/allocations/SE-KAR-0001").json()["sequence"] == Allocation.objects.get().sequence


def test_refusals_are_409_or_422_with_a_message(loaded_list: Any, consented: Any, make_participant: Any, make_user: Any) -> None:
    consented("SE-KAR-0001")
    make_participant("SE-KAR-0002", "SE-KAR")
    nurse = client_for(make_user(Role.NURSE, "SE-KAR"))
    nurse.post("/api/allocations", {"participant": "SE-KAR-0001", "request_id": "api-req-0001"}, content_type="application/json")
    twice = nurse.post("/api/allocations", {"participant": "SE-KAR-0001", "request_id": "api-req-0002"}, content_type="application/json")
    assert twice.status_code == 409 and twice.json()["code"] == "already_randomised"
    unconsented = nurse.post("/api/allocations", {"participant": "SE-KAR-0002", "request_id": "api-req-0003"}, content_type="application/json")
    assert unconsented.status_code == 409 and "consented" in unconsented.json()["message"]
    missing = nurse.post("/api/allocations", {"participant": "SE-KAR-0002"}, content_type="application/json")
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "request_id"
    unknown = nurse.post("/api/allocations", {"participant": "XX-9999", "request_id": "api-req-0004"}, content_type="application/json")
    assert unknown.status_code == 404
    assert Allocation.objects.count() == 1


def test_emergency_unblinding_over_the_api(loaded_list: Any, consented: Any, make_user: Any) -> None:
    consented("SE-KAR-0001")
    client_for(make_user(Role.NURSE, "SE-KAR")).post("/api/allocations", {"participant": "SE-KAR-0001", "request_id": "api-req-0001"}, content_type="application/json")
    user = make_user(Role.INVESTIGATOR, "SE-KAR")
    device = ensure_totp_device(user)
    investigator = client_for(user)
    refused = investigator.post("/api/allocations/SE-KAR-0001/emergency-unblinding", {"reason": "anaphylaxis at infusion", "otp_token": ""}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["field"] == "otp_token"
    shown = investigator.post("/api/allocations/SE-KAR-0001/emergency-unblinding", {"reason": "anaphylaxis at infusion", "otp_token": fresh_code(device)}, content_type="application/json")
    assert shown.status_code == 200 and shown.json()["sequence"] == Allocation.objects.get().sequence
    listing = client_for(make_user(Role.SPONSOR_ADMIN)).get("/api/emergency-unblindings").json()
    assert [r["participant"] for r in listing] == ["SE-KAR-0001"] and "sequence" not in listing[0]


def test_balance_and_verification_by_role(loaded_list: Any, make_user: Any) -> None:
    assert client_for(make_user(Role.SPONSOR_ADMIN)).get("/api/allocation-list/balance").status_code == 403
    assert client_for(make_user(Role.UNBLINDED_STATISTICIAN)).get("/api/allocation-list/balance").status_code == 200
    sponsor = client_for(make_user(Role.SPONSOR_ADMIN, username="sponsor-2")).get("/api/allocation-list/verification").json()
    assert sponsor["ok"] and "problems" not in sponsor
    statistician = client_for(make_user(Role.UNBLINDED_STATISTICIAN, username="stat-2")).get("/api/allocation-list/verification").json()
    assert statistician["problems"] == []
    assert client_for(make_user(Role.NURSE, "SE-KAR")).get("/api/allocation-list/verification").status_code == 403
