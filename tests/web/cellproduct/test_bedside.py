"""The bedside check through the service: each mismatch blocks and is an incident; the right bag is infused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mesems.access import Role
from mesems.errors import CellProductError
from mesems.web.apps.allocation.services import allocate_next
from mesems.web.apps.cellproduct.bedside import bedside_infusion, checked_bag_code
from mesems.web.apps.cellproduct.models import Bag, BedsideIncident, CustodyEvent, Infusion
from mesems.web.apps.cellproduct.seeding import prepare_released_product
from mesems.web.apps.cellproduct.services import thaw_bag
from tests.web.cellproduct.conftest import LAB_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(gated_list: Any, lab: Any, consented: Any, make_user: Any) -> dict[str, Any]:
    nurse = make_user(Role.NURSE, "SE-KAR")
    for code in ("SE-KAR-0001", "SE-KAR-0002"):
        consented(code)
        prepare_released_product(code, lab, LAB_PASSWORD)
        allocate_next(code, nurse, f"req-{code}")
    bags = {(b.product.participant.code, b.period): b for b in Bag.objects.select_related("product__participant")}
    return {"nurse": nurse, "bags": bags}


def refused(nurse: Any, code: str, scanned: str, identity: bool = True, now: dt.datetime | None = None) -> str:
    with pytest.raises(CellProductError) as info:
        bedside_infusion(nurse, code, identity, scanned, now)
    assert info.value.http_status == 409 and info.value.field == "product_code"
    return info.value.code


def test_mismatches_block_and_are_recorded_then_the_right_bag_is_infused(ready: dict[str, Any], lab: Any) -> None:
    nurse, bags = ready["nurse"], ready["bags"]
    mine, theirs, later = bags[("SE-KAR-0001", 1)], bags[("SE-KAR-0002", 1)], bags[("SE-KAR-0001", 2)]
    thaw_bag(lab, mine.code, "infusion room")
    assert refused(nurse, "SE-KAR-0001", "P-XXXX") == "bedside_unknown_code"
    assert refused(nurse, "SE-KAR-0001", theirs.code) == "bedside_other_participant"
    assert refused(nurse, "SE-KAR-0001", later.code) == "bedside_wrong_period"
    assert refused(nurse, "SE-KAR-0001", mine.code, identity=False) == "bedside_identity_not_confirmed"
    assert refused(nurse, "SE-KAR-0001", mine.code, now=timezone.now() + dt.timedelta(minutes=61)) == "bedside_thaw_expired"
    assert BedsideIncident.objects.count() == 5 and not Infusion.objects.exists()
    assert CustodyEvent.objects.filter(step="incident").count() == 5
    participant = mine.product.participant
    assert checked_bag_code(participant, 1) is None, "a refused scan checks no bag"

    record = bedside_infusion(nurse, "SE-KAR-0001", True, mine.code.lower().replace("p-", ""))
    assert (record.period, record.product_code) == (1, mine.code)
    assert Bag.objects.get(pk=mine.pk).state == "infused"
    assert (checked_bag_code(participant, 1), checked_bag_code(participant, 2)) == (mine.code, None)
    assert refused(nurse, "SE-KAR-0001", mine.code) == "bedside_already_infused"
    assert refused(nurse, "SE-KAR-0001", later.code) == "bedside_not_thawed"
    thaw_bag(lab, later.code, "infusion room")
    assert bedside_infusion(nurse, "SE-KAR-0001", True, later.code).period == 2
    assert checked_bag_code(participant, 2) == later.code


def test_messages_are_the_same_for_both_bags(ready: dict[str, Any]) -> None:
    """Refusing an unthawed bag must read the same whichever arm the participant is in."""
    nurse, bags = ready["nurse"], ready["bags"]
    messages = []
    for code in ("SE-KAR-0001", "SE-KAR-0002"):
        with pytest.raises(CellProductError) as info:
            bedside_infusion(nurse, code, True, bags[(code, 1)].code)
        messages.append(info.value.message.replace(bags[(code, 1)].code, "CODE").replace(code, "WHO"))
    assert messages[0] == messages[1]
