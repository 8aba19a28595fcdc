"""What the cell product adds to allocation: the released-product precondition, and the period-1
bag's code as the product code returned at randomisation."""

from __future__ import annotations

from typing import Any

from mesems.cellproduct import ProductState
from mesems.protocol import Protocol
from mesems.web.apps.audit.services import record_change
from mesems.web.apps.cellproduct.models import Bag, Product


def released_product(participant: Any, protocol: Protocol) -> str | None:
    """`randomisation.requires_released_product`: the week-0 allocation waits for a released product."""
    if not protocol.randomisation.requires_released_product:
        return None
    product = Product.objects.filter(participant=participant).first()
    if product is None or product.state != ProductState.RELEASED:
        return f"participant {participant.code} has no released cell product; randomisation waits until the lab's qualified person releases it"
    return None


def period_one_code(participant: Any, sequence: str, protocol: Protocol) -> str | None:
    """Assigns each bag its period from the sequence (the arm's interventions in period order) and
    returns the period-1 bag's code; None when the participant has no bags."""
    bags = {b.content: b for b in Bag.objects.select_for_update().filter(product__participant=participant)}
    if not bags:
        return None
    arm = protocol.arm(sequence)
    codes: dict[int, str] = {}
    for period, intervention in enumerate(arm.interventions, start=1):
        bag = bags.get(intervention)
        if bag is None:
            continue
        Bag.objects.filter(pk=bag.pk).update(period=period)
        record_change(None, "update", bag, {"period": [None, period]}, reason="period assigned at randomisation", site_code=participant.site.code)
        codes[period] = bag.code
    return codes.get(1)
