"""Allocation over the API. A blinded caller gets the same fields whatever the arm; the fields
that show a sequence are left out of the answer, not sent empty."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from mesems.web.apps.allocation.masking import AllocationView, allocation_view, view_of
from mesems.web.apps.allocation.models import Allocation
from mesems.web.apps.allocation.reports import balance_for, verification_for
from mesems.web.apps.allocation.services import allocate_next
from mesems.web.apps.allocation.unblinding import UnblindingListing, UnblindingOutcome, emergency_unblind, unblinding_listing
from mesems.web.apps.trials.services import visible_participant, visible_participants
from mesems.web.schemas import Input

router = Router(tags=["allocation"])


class AllocateIn(Input):
    participant: str
    request_id: str


class UnblindIn(Input):
    reason: str
    otp_token: str


class StratumBalanceOut(Schema):
    stratum: str
    n: int
    counts: dict[str, int]
    imbalance: int


class BalanceOut(Schema):
    strata: list[StratumBalanceOut]
    totals: dict[str, int]


class VerificationOut(Schema):
    ok: bool
    digest: str
    recorded_digest: str
    problem_count: int
    problems: list[str] | None = None


@router.post("/allocations", response=AllocationView, exclude_none=True, summary="Randomise a consented participant (idempotent by request_id)")
def allocate(request: HttpRequest, payload: AllocateIn) -> AllocationView:
    """Allocators are site staff, blinded by mesems.access: the answer is the blinded view."""
    user = request.auth  # type: ignore[attr-defined]
    result = allocate_next(payload.participant, user, payload.request_id)
    return AllocationView(result.participant, "randomised", result.randomisation_number, result.product_code, result.allocated_at)


@router.get("/allocations", response=list[AllocationView], exclude_none=True, summary="Randomised participants the caller may see, by participant id")
def list_allocations(request: HttpRequest) -> list[AllocationView]:
    user = request.auth  # type: ignore[attr-defined]
    allocations = {a.participant_id: a for a in Allocation.objects.filter(participant__in=visible_participants(user))}
    return [view_of(user, p, allocations[p.pk]) for p in visible_participants(user) if p.pk in allocations]


@router.get("/allocations/{code}", response=AllocationView, exclude_none=True, summary="One participant's allocation as the caller may see it")
def get_allocation(request: HttpRequest, code: str) -> AllocationView:
    user = request.auth  # type: ignore[attr-defined]
    return allocation_view(user, visible_participant(user, code))


@router.post("/allocations/{code}/emergency-unblinding", response=UnblindingOutcome, summary="Emergency unblinding: reason and second factor; shown to the caller only")
def unblind(request: HttpRequest, code: str, payload: UnblindIn) -> UnblindingOutcome:
    return emergency_unblind(request.auth, code, payload.reason, payload.otp_token)  # type: ignore[attr-defined]


@router.get("/emergency-unblindings", response=list[UnblindingListing], summary="Emergency unblindings for the safety report")
def list_unblindings(request: HttpRequest) -> list[UnblindingListing]:
    return unblinding_listing(request.auth)  # type: ignore[attr-defined]


@router.get("/allocation-list/verification", response=VerificationOut, exclude_none=True, summary="Whether the stored list is the one generated")
def verification(request: HttpRequest) -> dict[str, Any]:
    return verification_for(request.auth)  # type: ignore[attr-defined]


@router.get("/allocation-list/balance", response=BalanceOut, summary="Balance per stratum of the allocations made (unblinded roles only)")
def balance(request: HttpRequest) -> dict[str, Any]:
    return balance_for(request.auth)  # type: ignore[attr-defined]
