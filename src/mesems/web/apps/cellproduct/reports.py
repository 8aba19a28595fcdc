"""The lab's views: products by state and a participant's chain of custody; the clinic's view of
a participant's bags (codes and periods only, the same shape for both bags)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from mesems.access import Role, is_blinded
from mesems.cellproduct import ProductState
from mesems.errors import AccessDenied
from mesems.web.apps.accounts.services import role_of, scope_to_site
from mesems.web.apps.cellproduct.models import Bag, CustodyEvent, Product
from mesems.web.apps.trials.services import visible_participant


@dataclass(frozen=True)
class CustodyLine:
    at: dt.datetime
    step: str
    actor: str
    role: str
    location: str
    product_code: str | None
    details: dict[str, Any] = field(hash=False)


@dataclass(frozen=True)
class BagLine:
    code: str
    content: str
    period: int | None
    state: str
    location: str


@dataclass(frozen=True)
class ProductLine:
    participant: str
    site: str
    state: str
    batch_number: str
    bags: tuple[BagLine, ...]


@dataclass(frozen=True)
class Dashboard:
    counts: dict[str, int]
    products: tuple[ProductLine, ...]


@dataclass(frozen=True)
class ClinicBag:
    """A bag as the clinic sees it: its code, the period it is for, and where it is in the chain."""

    period: int
    code: str
    state: str


def require_unblinded(user: Any, action: str) -> None:
    role = role_of(user)
    if role is None or is_blinded(role):
        raise AccessDenied(f"only the cell-processing lab and unblinded roles may {action}")


def custody_report(user: Any, participant_code: str) -> list[CustodyLine]:
    """Every event of the participant's chain in the order it happened."""
    require_unblinded(user, "see the chain of custody")
    participant = visible_participant(user, participant_code)
    events = CustodyEvent.objects.filter(participant=participant).select_related("bag").order_by("at", "id")
    return [CustodyLine(e.at, e.step, e.actor, e.role, e.location, e.bag.code if e.bag else None, e.details) for e in events]


def lab_dashboard(user: Any) -> Dashboard:
    require_unblinded(user, "see the lab dashboard")
    products = scope_to_site(Product.objects.select_related("participant__site").prefetch_related("bags"), user, "participant__site").order_by("participant__code")
    lines = tuple(
        ProductLine(p.participant.code, p.participant.site.code, p.state, p.batch_number, tuple(BagLine(b.code, b.content, b.period, b.state, b.location) for b in sorted(p.bags.all(), key=lambda b: b.code)))
        for p in products
    )
    counts = Counter(line.state for line in lines)
    return Dashboard({state.value: counts.get(state.value, 0) for state in ProductState}, lines)


def clinic_bags(user: Any, participant_code: str) -> list[ClinicBag]:
    """The participant's bags once randomisation has given them periods, in period order; not for the
    blinded outcome assessor, who sees nothing of infusions (`mesems.access.crf`)."""
    if role_of(user) is Role.OUTCOME_ASSESSOR:
        raise AccessDenied("the outcome assessor does not see infusion bags")
    participant = visible_participant(user, participant_code)
    bags = Bag.objects.filter(product__participant=participant, period__isnull=False).order_by("period")
    return [ClinicBag(b.period or 0, b.code, b.state) for b in bags]
