"""The lab and clinic pages: a step per form, refusals at the field, the bedside form."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from mesems.access import Role
from mesems.web.apps.allocation.services import allocate_next
from mesems.web.apps.cellproduct.models import BedsideIncident, Infusion, Product
from mesems.web.apps.cellproduct.seeding import prepare_released_product
from mesems.web.apps.cellproduct.services import thaw_bag
from tests.web.allocation.conftest import client_for
from tests.web.cellproduct.conftest import LAB_PASSWORD, lab_code, two_randomised

pytestmark = pytest.mark.django_db


def test_lab_records_steps_through_the_product_page(gated_list: Any, lab: Any, consented: Any) -> None:
    consented("SE-KAR-0001")
    client = client_for(lab)
    assert client.get("/cellproduct/participants/SE-KAR-0001/").status_code == 200
    base = "/cellproduct/participants/SE-KAR-0001/steps"
    today = timezone.localdate().isoformat()
    assert client.post("/cellproduct/weight/SE-KAR-0001/", {"kg": "70.0", "measured_on": today}).status_code == 302
    assert client.post(f"{base}/harvest/", {"harvested_on": today, "volume_ml": "55", "location": "room 3"}).status_code == 302
    out_of_order = client.post(f"{base}/bags/", {"cells_in_dose": "1e8", "location": "lab"})
    assert out_of_order.status_code == 400 and "bags prepared is not possible" in out_of_order.content.decode()
    assert client.post(f"{base}/expansion/", {"batch_number": "B-1", "passages": "3", "location": "lab"}).status_code == 302
    assert client.post(f"{base}/bags/", {"cells_in_dose": "1.05e8", "location": "lab"}).status_code == 302
    assert client.post(f"{base}/tests/", {"viability": "92", "cd73": "98", "cd90": "97", "cd105": "96", "cd45": "1", "sterility": "negative", "endotoxin": "0.1", "mycoplasma": "positive"}).status_code == 302
    refused = client.post(f"{base}/release/", {"password": LAB_PASSWORD, "otp_token": lab_code(lab)})
    assert refused.status_code == 400 and "Mycoplasma: &#x27;positive&#x27;, expected &#x27;negative&#x27;" in refused.content.decode()
    client.post(f"{base}/tests/", {"mycoplasma": "negative"})
    assert client.post(f"{base}/release/", {"password": LAB_PASSWORD, "otp_token": lab_code(lab)}).status_code == 302
    assert Product.objects.get().state == "released"
    assert "release" in client.get("/cellproduct/participants/SE-KAR-0001/custody/").content.decode()
    assert client.get("/cellproduct/").status_code == 200


def test_bedside_page_blocks_a_wrong_code_then_records_the_right_one(gated_list: Any, lab: Any, consented: Any, make_user: Any) -> None:
    nurse = make_user(Role.NURSE, "SE-KAR")
    mine, other = two_randomised(lab, nurse, consented)
    client = client_for(nurse)
    page = client.get("/cellproduct/bedside/SE-KAR-0001/")
    assert page.status_code == 200 and mine in page.content.decode()
    wrong = client.post("/cellproduct/bedside/SE-KAR-0001/", {"identity_confirmed": "on", "product_code": other})
    assert wrong.status_code == 409 and "belongs to another participant" in wrong.content.decode()
    right = client.post("/cellproduct/bedside/SE-KAR-0001/", {"identity_confirmed": "on", "product_code": mine})
    assert right.status_code == 200 and "Infusion recorded" in right.content.decode()
    assert Infusion.objects.count() == 1 and BedsideIncident.objects.count() == 1


def test_api_bedside_and_weight(gated_list: Any, lab: Any, consented: Any, make_user: Any) -> None:
    nurse = make_user(Role.NURSE, "SE-KAR")
    consented("SE-KAR-0001")
    prepare_released_product("SE-KAR-0001", lab, LAB_PASSWORD)
    code = allocate_next("SE-KAR-0001", nurse, "req-api-0001").product_code
    client = client_for(nurse)
    not_thawed = client.post("/api/cell-products/SE-KAR-0001/infusion", {"identity_confirmed": True, "product_code": code}, content_type="application/json")
    assert not_thawed.status_code == 409 and not_thawed.json()["code"] == "bedside_not_thawed" and not_thawed.json()["field"] == "product_code"
    thaw_bag(lab, code, "infusion room")
    done = client.post("/api/cell-products/SE-KAR-0001/infusion", {"identity_confirmed": True, "product_code": code}, content_type="application/json")
    assert done.status_code == 200 and done.json()["period"] == 1
    weight = client.post("/api/cell-products/SE-KAR-0001/weight", {"kg": "68.4", "measured_on": timezone.localdate().isoformat()}, content_type="application/json")
    assert weight.status_code == 200 and weight.json()["kg"] == "68.4"
    bad = client.post("/api/cell-products/SE-KAR-0001/weight", {"kg": "6.4", "measured_on": timezone.localdate().isoformat()}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "kg"
