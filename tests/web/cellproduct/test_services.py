"""The lab's steps: in order, recorded as events with their audit records, never naming content to the audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mesems.access import Role
from mesems.cellproduct import Weight
from mesems.errors import AccessDenied, CellProductError
from mesems.randomisation.codes import is_product_code
from mesems.web.apps.audit.models import AuditEvent
from mesems.web.apps.cellproduct import services
from mesems.web.apps.cellproduct.models import CustodyEvent, Product
from mesems.web.apps.cellproduct.services import (
    latest_weight,
    record_expansion,
    record_harvest,
    record_weight,
    register_weight_source,
    store_bag,
    thaw_bag,
)

pytestmark = pytest.mark.django_db


def test_steps_make_two_bags_with_same_shaped_codes_and_events(bags_ready: Any) -> None:
    bags = bags_ready()
    assert len(bags) == 2 and all(is_product_code(b.code) for b in bags)
    assert {b.content for b in bags} == {"MSC", "PLACEBO"} and all(b.period is None for b in bags)
    product = Product.objects.get()
    assert product.state == "bags_prepared" and product.cells_in_dose == 105e6
    assert [e.step for e in CustodyEvent.objects.order_by("id")] == ["harvest", "expansion", "bags_prepared", "bags_prepared"]


def test_audit_records_of_bags_never_name_their_content(bags_ready: Any) -> None:
    bags_ready()
    for event in AuditEvent.objects.filter(entity="cellproduct.bag"):
        text = str(event.changes) + event.reason
        assert "MSC" not in text and "PLACEBO" not in text


def test_steps_out_of_order_are_refused(lab: Any, consented: Any) -> None:
    consented("SE-KAR-0001")
    with pytest.raises(CellProductError, match="no cell product"):
        record_expansion(lab, "SE-KAR-0001", "B1", 2, "lab")
    record_harvest(lab, "SE-KAR-0001", timezone.localdate(), 40.0, "room")
    with pytest.raises(CellProductError, match="already has a harvest"):
        record_harvest(lab, "SE-KAR-0001", timezone.localdate(), 40.0, "room")
    with pytest.raises(CellProductError, match="bags prepared is not possible"):
        services.prepare_bags(lab, "SE-KAR-0001", 1e8, "lab")


def test_a_bag_cannot_be_thawed_before_release(bags_ready: Any, lab: Any) -> None:
    bag = bags_ready()[0]
    store_bag(lab, bag.code, "tank 1")
    with pytest.raises(CellProductError, match="thaw is not possible"):
        thaw_bag(lab, bag.code, "lab")


def test_only_the_lab_records_steps(consented: Any, make_user: Any) -> None:
    consented("SE-KAR-0001")
    with pytest.raises(AccessDenied):
        record_harvest(make_user(Role.NURSE, "SE-KAR"), "SE-KAR-0001", timezone.localdate(), 40.0, "room")


def test_weights_are_checked_and_the_latest_of_all_sources_is_used(lab: Any, consented: Any) -> None:
    participant = consented("SE-KAR-0001")
    with pytest.raises(CellProductError, match="outside 20-250 kg") as bad:
        record_weight(lab, "SE-KAR-0001", 700, timezone.localdate())
    assert bad.value.field == "kg"
    record_weight(lab, "SE-KAR-0001", 71.26, timezone.localdate() - dt.timedelta(days=3))
    assert latest_weight(participant) == Weight(71.3, timezone.localdate() - dt.timedelta(days=3), "dosing weight form")
    register_weight_source("crf-test", lambda p: Weight(69.0, timezone.localdate(), "crf"))
    try:
        assert latest_weight(participant) == Weight(69.0, timezone.localdate(), "crf")
    finally:
        services._weight_sources.pop("crf-test")
