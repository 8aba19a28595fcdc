"""The bedside check and the infusion record it gates (issue 6, bedside check): a mismatch blocks
the infusion record, is recorded as an incident, and the clinic is told why in words that are the
same for both bags. The case report form's infusion record then accepts only the code of the bag
that passed (`checked_bag_code`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from mesems.cellproduct import BagFacts, BagState, ProductState, Step, bedside_check
from mesems.errors import CellProductError
from mesems.randomisation import normalise_product_code
from mesems.web.apps.accounts.services import require_role
from mesems.web.apps.allocation.models import Allocation
from mesems.web.apps.audit.services import record_change
from mesems.web.apps.cellproduct.models import Bag, BedsideIncident, Infusion, Product
from mesems.web.apps.cellproduct.services import CLINIC, bag_by_code, record_event
from mesems.web.apps.trials.models import Participant
from mesems.web.apps.trials.services import current_protocol, visible_participant


@dataclass(frozen=True)
class InfusionRecord:
    participant: str
    product_code: str
    period: int
    at: dt.datetime


def next_period(participant: Participant) -> int | None:
    """The period of the participant's next infusion; None before randomisation or after the last."""
    if not Allocation.objects.filter(participant=participant).exists():
        return None
    done = Infusion.objects.filter(participant=participant).count()
    periods = len(current_protocol().periods)
    return done + 1 if done < periods else None


def checked_bag_code(participant: Participant, period: int) -> str | None:
    """The code of the bag that passed the bedside check for this participant and period, None
    before the check: the case report form's infusion record must carry this code."""
    infused = Infusion.objects.filter(participant=participant, period=period)
    return infused.values_list("bag__code", flat=True).first()


def facts_of(bag: Bag | None) -> BagFacts | None:
    if bag is None:
        return None
    return BagFacts(bag.code, bag.product.participant.code, bag.period, bag.product.state == ProductState.RELEASED, bag.thawed_at, bag.state == BagState.INFUSED)


def _record_incident(actor: Any, participant: Participant, code: str, period: int | None, mismatch: str, message: str, bag: Bag | None) -> None:
    with transaction.atomic():
        now = timezone.now()
        incident = BedsideIncident.objects.create(participant=participant, scanned_code=code, period=period, mismatch=mismatch, message=message, at=now, by=actor.get_username())
        own_bag = bag if bag is not None and bag.product.participant_id == participant.pk else None
        record_event(actor, participant, Step.INCIDENT, product=Product.objects.filter(participant=participant).first(), bag=own_bag, details={"scanned": code, "mismatch": mismatch, "message": message}, at=now)
        record_change(actor, "create", incident, {"scanned_code": [None, code], "mismatch": [None, mismatch]}, reason=message, site_code=participant.site.code)


def bedside_infusion(actor: Any, participant_code: str, identity_confirmed: bool, scanned_code: str, now: dt.datetime | None = None) -> InfusionRecord:
    """Checks the scanned code against the participant and records the infusion; refuses with 409 otherwise."""
    require_role(actor, CLINIC, "record an infusion")
    participant = visible_participant(actor, participant_code)
    code = normalise_product_code(scanned_code or "")
    now = now or timezone.now()
    limit = current_protocol().cell_product.thaw_to_infusion_max_minutes if current_protocol().cell_product else 60
    with transaction.atomic():
        bag = bag_by_code(code, lock=True)
        period = next_period(participant)
        verdict = bedside_check(participant.code, identity_confirmed, period, code, facts_of(bag), now, limit)
        if verdict.ok and bag is not None and period is not None:
            bag.state = BagState.INFUSED
            bag.save(update_fields=["state"])
            infusion = Infusion.objects.create(participant=participant, bag=bag, period=period, at=now, by=actor.get_username())
            record_event(actor, participant, Step.BEDSIDE_CHECK, product=bag.product, bag=bag, details={"result": "match", "period": period}, at=now)
            record_event(actor, participant, Step.INFUSION, product=bag.product, bag=bag, details={"period": period}, at=now)
            record_change(actor, "create", infusion, {"product_code": [None, bag.code], "period": [None, period]}, reason="bedside check passed", site_code=participant.site.code)
            return InfusionRecord(participant.code, bag.code, period, now)
    _record_incident(actor, participant, code, period, verdict.mismatch.value if verdict.mismatch else "unknown", verdict.message, bag)
    raise CellProductError(verdict.message, field="product_code", code=f"bedside_{verdict.mismatch.value if verdict.mismatch else 'refused'}", http_status=409)
