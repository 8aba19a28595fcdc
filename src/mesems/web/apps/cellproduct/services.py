"""The lab's steps of the chain, each an event with who, when and where, written with its audit record.

The audit records name bag codes, never their content: the audit trail is read by blinded roles.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from mesems.access import Role
from mesems.cellproduct import BagState, ProductState, Step, Weight, require_bag_state, require_state
from mesems.errors import CellProductError, NotFound
from mesems.randomisation import new_product_code, normalise_product_code
from mesems.web.apps.accounts.services import require_role, role_of
from mesems.web.apps.audit.services import record_change
from mesems.web.apps.cellproduct.models import Bag, CustodyEvent, Product, ReleaseTestResult, WeightMeasurement
from mesems.web.apps.trials.models import Participant
from mesems.web.apps.trials.services import current_protocol, visible_participant

LAB = frozenset({Role.CELL_LAB})
CLINIC = frozenset({Role.INVESTIGATOR, Role.NURSE})
WEIGHERS = CLINIC | LAB

WeightSource = Callable[[Participant], "Weight | None"]
_weight_sources: dict[str, WeightSource] = {}


def register_weight_source(name: str, source: WeightSource) -> None:
    """Adds a place weights are recorded (e.g. the CRF's weight form); `latest_weight` takes the newest of all."""
    _weight_sources[name] = source


def recorded_weight(participant: Participant) -> Weight | None:
    row = WeightMeasurement.objects.filter(participant=participant).order_by("-measured_on", "-id").first()
    return None if row is None else Weight(float(row.kg), row.measured_on, "dosing weight form")


def latest_weight(participant: Participant) -> Weight | None:
    """The most recent weight of the participant from every registered source (dose rule)."""
    weights = [w for w in (source(participant) for source in [recorded_weight, *_weight_sources.values()]) if w is not None]
    return max(weights, key=lambda w: w.measured_on, default=None)


def record_event(actor: Any, participant: Participant, step: Step, *, product: Product | None = None, bag: Bag | None = None, location: str = "", details: Mapping[str, Any] | None = None, at: dt.datetime | None = None) -> CustodyEvent:
    role = role_of(actor)
    return CustodyEvent.objects.create(
        product=product, participant=participant, bag=bag, step=step.value, at=at or timezone.now(),
        actor=actor.get_username() if actor is not None else "system", role=role.value if role else "", location=location, details=dict(details or {}),
    )


def lab_participant(actor: Any, code: str) -> Participant:
    require_role(actor, LAB, "record cell-product steps")
    return visible_participant(actor, code)


def product_of(participant: Participant, lock: bool = False) -> Product:
    query = Product.objects.select_for_update() if lock else Product.objects
    product = query.filter(participant=participant).first()
    if product is None:
        raise CellProductError(f"participant {participant.code} has no cell product; record the bone-marrow harvest first", code="no_product", http_status=409)
    return product


@transaction.atomic
def record_weight(actor: Any, participant_code: str, kg: float | Decimal, measured_on: dt.date) -> WeightMeasurement:
    require_role(actor, WEIGHERS, "record a weight for dosing")
    participant = visible_participant(actor, participant_code)
    value = Decimal(str(kg)).quantize(Decimal("0.1"))
    if not Decimal("20") <= value <= Decimal("250"):
        raise CellProductError(f"weight {value} kg is outside 20-250 kg; check the scale and the unit", field="kg")
    if measured_on > timezone.localdate():
        raise CellProductError(f"measured on {measured_on} is in the future", field="measured_on")
    row = WeightMeasurement.objects.create(participant=participant, measured_on=measured_on, kg=value, recorded_by=actor.get_username())
    record_change(actor, "create", row, {"participant": [None, participant.code], "kg": [None, str(value)], "measured_on": [None, measured_on.isoformat()]}, site_code=participant.site.code)
    return row


@transaction.atomic
def record_harvest(actor: Any, participant_code: str, harvested_on: dt.date, volume_ml: float, location: str) -> Product:
    participant = lab_participant(actor, participant_code)
    if Product.objects.filter(participant=participant).exists():
        raise CellProductError(f"participant {participant.code} already has a harvest recorded", code="duplicate_harvest", http_status=409)
    if volume_ml <= 0:
        raise CellProductError("the harvest volume must be positive (mL)", field="volume_ml")
    product = Product.objects.create(participant=participant, state=ProductState.HARVESTED, harvested_on=harvested_on, harvest_volume_ml=Decimal(str(volume_ml)))
    record_event(actor, participant, Step.HARVEST, product=product, location=location, details={"harvested_on": harvested_on.isoformat(), "volume_ml": float(volume_ml)})
    record_change(actor, "create", product, {"participant": [None, participant.code], "state": [None, product.state], "harvested_on": [None, harvested_on.isoformat()]}, site_code=participant.site.code)
    return product


@transaction.atomic
def record_expansion(actor: Any, participant_code: str, batch_number: str, passages: int, location: str) -> Product:
    participant = lab_participant(actor, participant_code)
    product = product_of(participant, lock=True)
    require_state(Step.EXPANSION, product.state, participant.code)
    if not batch_number.strip() or passages < 1:
        raise CellProductError("give the expansion batch number and the number of passages (at least 1)", field="batch_number" if not batch_number.strip() else "passages")
    old = {"state": product.state, "batch_number": product.batch_number, "passages": product.passages}
    product.state, product.batch_number, product.passages = ProductState.EXPANDING, batch_number.strip(), passages
    product.save(update_fields=["state", "batch_number", "passages"])
    record_event(actor, participant, Step.EXPANSION, product=product, location=location, details={"batch_number": product.batch_number, "passages": passages})
    record_change(actor, "update", product, {k: [v, getattr(product, k)] for k, v in old.items()}, site_code=participant.site.code)
    return product


def _unused_code(taken: set[str]) -> str:
    for _ in range(50):
        code = new_product_code()
        if code not in taken and not Bag.objects.filter(code=code).exists():
            return code
    raise CellProductError("could not draw an unused product code", code="product_code_space")


@transaction.atomic
def prepare_bags(actor: Any, participant_code: str, cells_in_dose: float, location: str, codes: Mapping[str, str] | None = None) -> list[Bag]:
    """The two infusion bags: the cell dose and the matched placebo, each labelled only with a blinded code.

    `codes` (intervention id -> code) lets a test fix the codes; otherwise they are drawn at random.
    The bags are created in random order, so neither their ids nor their order say which is which.
    """
    participant = lab_participant(actor, participant_code)
    product = product_of(participant, lock=True)
    require_state(Step.BAGS_PREPARED, product.state, participant.code)
    if cells_in_dose <= 0:
        raise CellProductError("the cell count of the dose must be positive", field="cells_in_dose")
    protocol = current_protocol()
    contents = [i.id for i in protocol.interventions]
    secrets.SystemRandom().shuffle(contents)
    bags = []
    for content in contents:
        code = normalise_product_code(codes[content]) if codes else _unused_code({b.code for b in bags})
        bag = Bag.objects.create(product=product, code=code, content=content, state=BagState.PREPARED, location=location)
        bags.append(bag)
        record_event(actor, participant, Step.BAGS_PREPARED, product=product, bag=bag, location=location, details={"content": content})
        record_change(actor, "create", bag, {"code": [None, code], "participant": [None, participant.code]}, site_code=participant.site.code)
    product.state, product.cells_in_dose = ProductState.BAGS_PREPARED, float(cells_in_dose)
    product.save(update_fields=["state", "cells_in_dose"])
    record_change(actor, "update", product, {"state": [ProductState.EXPANDING.value, product.state], "cells_in_dose": [None, float(cells_in_dose)]}, site_code=participant.site.code)
    return sorted(bags, key=lambda b: b.code)


@transaction.atomic
def record_release_tests(actor: Any, participant_code: str, values: Mapping[str, str | float | None]) -> list[ReleaseTestResult]:
    participant = lab_participant(actor, participant_code)
    product = product_of(participant, lock=True)
    require_state(Step.RELEASE_TESTS, product.state, participant.code)
    specs = {spec.id: spec for spec in current_protocol().cell_product.release_tests} if current_protocol().cell_product else {}
    unknown = sorted(set(values) - set(specs))
    if unknown:
        raise CellProductError(f"unknown release test {unknown[0]!r}; expected one of [{', '.join(specs)}]", field=unknown[0])
    rows = []
    for test_id, value in values.items():
        if value is None or str(value).strip() == "":
            continue
        row, created = ReleaseTestResult.objects.get_or_create(product=product, test_id=test_id, defaults={"value": str(value).strip(), "recorded_by": actor.get_username()})
        if not created and row.value != str(value).strip():
            record_change(actor, "update", row, {"value": [row.value, str(value).strip()]}, reason="release test result corrected", site_code=participant.site.code)
            row.value, row.recorded_by = str(value).strip(), actor.get_username()
            row.save(update_fields=["value", "recorded_by", "recorded_at"])
        elif created:
            record_change(actor, "create", row, {"test_id": [None, test_id], "value": [None, row.value]}, site_code=participant.site.code)
        rows.append(row)
    record_event(actor, participant, Step.RELEASE_TESTS, product=product, details={r.test_id: r.value for r in rows})
    return rows


def bag_by_code(code: str, lock: bool = False) -> Bag | None:
    query = Bag.objects.select_for_update(of=("self",)) if lock else Bag.objects
    return query.select_related("product__participant__site").filter(code=normalise_product_code(code)).first()


def _lab_bag(actor: Any, code: str) -> Bag:
    require_role(actor, LAB, "handle infusion bags")
    bag = bag_by_code(code, lock=True)
    if bag is None:
        raise NotFound(f"no product {normalise_product_code(code)}", field="code")
    return bag


@transaction.atomic
def store_bag(actor: Any, code: str, location: str) -> Bag:
    """Cryostorage: the bag's place (tank, rack, box, position)."""
    bag = _lab_bag(actor, code)
    participant = bag.product.participant
    require_state(Step.CRYOSTORAGE, bag.product.state, participant.code)
    require_bag_state(Step.CRYOSTORAGE, bag.state, bag.code, [BagState.PREPARED, BagState.STORED])
    if not location.strip():
        raise CellProductError("give the cryostorage location (tank, rack, box, position)", field="location")
    old = {"state": bag.state, "location": bag.location}
    bag.state, bag.location = BagState.STORED, location.strip()
    bag.save(update_fields=["state", "location"])
    record_event(actor, participant, Step.CRYOSTORAGE, product=bag.product, bag=bag, location=bag.location)
    record_change(actor, "update", bag, {k: [v, getattr(bag, k)] for k, v in old.items()}, site_code=participant.site.code)
    return bag


@transaction.atomic
def thaw_bag(actor: Any, code: str, location: str, at: dt.datetime | None = None) -> Bag:
    """Thaw (dispensing): only a released, stored bag; the thaw time starts the infusion clock."""
    bag = _lab_bag(actor, code)
    participant = bag.product.participant
    require_state(Step.THAW, bag.product.state, participant.code)
    require_bag_state(Step.THAW, bag.state, bag.code, [BagState.STORED])
    at = at or timezone.now()
    bag.state, bag.thawed_at = BagState.THAWED, at
    bag.save(update_fields=["state", "thawed_at"])
    record_event(actor, participant, Step.THAW, product=bag.product, bag=bag, location=location, at=at)
    record_change(actor, "update", bag, {"state": [BagState.STORED.value, bag.state], "thawed_at": [None, at.isoformat()]}, site_code=participant.site.code)
    return bag
