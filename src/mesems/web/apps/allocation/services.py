"""Loading the list and allocating the next participant: one transaction with row locks.

Lock order, the same in every allocation so two never wait on each other: the participant row,
then the stratum's counter row, then the list row (for the randomisation number), then the audit
chain's head. The counter row makes positions consecutive: whoever holds it takes the position it
names and moves it on by one, so no position is skipped or given twice.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from mesems.access import Role
from mesems.errors import RandomisationError
from mesems.protocol import Protocol
from mesems.randomisation import (
    AllocationList as CoreList,
    Assigned,
    ListEntry as CoreEntry,
    all_strata,
    decide,
    factor_levels,
    generate_list,
    generator_from_seed,
    new_product_code,
    randomisation_number,
    stratum_key,
)
from mesems.web.apps.accounts.services import require_role
from mesems.web.apps.allocation.models import Allocation, AllocationList, ListEntry, StratumCounter
from mesems.web.apps.allocation.preconditions import provided_product_code, run_on_randomised, unmet_preconditions
from mesems.web.apps.audit.services import audit_batch, record_change
from mesems.web.apps.trials.models import Participant
from mesems.web.apps.trials.services import current_protocol, visible_participant

ALLOCATORS = frozenset({Role.INVESTIGATOR, Role.NURSE})
"""Site staff randomise their own site's participants."""

REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,100}$")


@dataclass(frozen=True)
class AllocationResult:
    participant: str
    randomisation_number: str
    product_code: str
    replayed: bool
    """True when this answers a retry of a request already served."""
    allocated_at: dt.datetime


def active_list() -> AllocationList:
    alist = AllocationList.objects.first()
    if alist is None:
        raise RandomisationError("no allocation list is loaded; the unblinded statistician must generate and load one", code="no_list", http_status=409)
    return alist


def core_list(alist: AllocationList) -> CoreList:
    """The stored list as the core's value, for digests and verification."""
    entries = tuple(
        CoreEntry(e.stratum, e.position, e.sequence, e.block, e.block_size, e.follow)
        for e in ListEntry.objects.filter(alist=alist).order_by("stratum", "position").iterator()
    )
    return CoreList(alist.method, tuple(alist.arms), tuple(alist.factors), tuple(alist.block_sizes), alist.minimisation_probability, entries)


@transaction.atomic
def load_list(alist: CoreList, actor: Any = None, expected_digest: str | None = None) -> AllocationList:
    """Stores a generated list. One list per trial: a second is refused once any allocation was made."""
    protocol = current_protocol()
    arms = [arm.id for arm in protocol.arms]
    if list(alist.arms) != arms:
        raise RandomisationError(f"the list's arms {list(alist.arms)} are not the protocol's arms {arms}", field="arms")
    if expected_digest is not None and expected_digest != alist.digest:
        raise RandomisationError("the list does not match the digest recorded at generation", field="digest")
    if Allocation.objects.exists():
        raise RandomisationError("allocations have been made from the loaded list; it cannot be replaced", code="list_in_use", http_status=409)
    if AllocationList.objects.filter(digest=alist.digest).exists():
        raise RandomisationError("this list is already loaded", code="list_loaded", http_status=409)
    username = actor.get_username() if getattr(actor, "is_authenticated", False) else "system"
    for old in AllocationList.objects.all():
        StratumCounter.objects.filter(alist=old).delete()
        ListEntry.objects.filter(alist=old).delete()
        record_change(actor, "delete", old, {"digest": [old.digest, None]}, reason="replaced before any allocation")
        old.delete()
    stored = AllocationList.objects.create(
        method=alist.method, arms=list(alist.arms), factors=list(alist.factors), block_sizes=list(alist.block_sizes),
        minimisation_probability=alist.minimisation_probability, digest=alist.digest, entry_count=len(alist.entries), loaded_by=username,
    )
    ListEntry.objects.bulk_create(
        [ListEntry(alist=stored, stratum=e.stratum, position=e.position, sequence=e.sequence, block=e.block, block_size=e.block_size, follow=e.follow) for e in alist.entries],
        batch_size=2000,
    )
    StratumCounter.objects.bulk_create([StratumCounter(alist=stored, stratum=s) for s in alist.strata])
    record_change(actor, "create", stored, {"digest": [None, alist.digest], "method": [None, alist.method], "entries": [None, len(alist.entries)]}, reason="allocation list loaded")
    return stored


def generate_and_load(seed: str, per_stratum: int = 30, actor: Any = None, protocol: Protocol | None = None) -> AllocationList:
    """Generates the protocol's list for every stratum from `seed` and loads it (for the demo and tests)."""
    protocol = protocol or current_protocol()
    config = protocol.randomisation
    alist = generate_list(config, [a.id for a in protocol.arms], all_strata(config, [s.id for s in protocol.sites]), per_stratum, generator_from_seed(seed))
    return load_list(alist, actor)


def participant_factors(participant: Participant) -> dict[str, str]:
    """The stratification factor values a participant carries, by factor id."""
    return {"site": participant.site.code, "ms_course": participant.ms_course}


def _notify_sponsor_list_exhausted(refusal: str) -> None:
    send_mail(
        "MESEMS: allocation list used up",
        f"A participant could not be randomised: {refusal}.\nThe unblinded statistician must extend the list; there is no fallback.",
        settings.DEFAULT_FROM_EMAIL,
        list(settings.SPONSOR_NOTIFICATION_EMAILS),
        fail_silently=True,
    )


def _replay(allocation: Allocation, participant: Participant) -> AllocationResult:
    if allocation.participant_id != participant.pk:
        raise RandomisationError("this request id was already used for another participant; send a new request id", field="request_id", code="request_id_reused", http_status=409)
    return AllocationResult(participant.code, allocation.randomisation_number, allocation.product_code, replayed=True, allocated_at=allocation.allocated_at)


def allocate_next(participant: Participant | str, actor: Any, request_id: str) -> AllocationResult:
    """Gives the participant the next position of their stratum (Issue: allocation at week 0).

    Idempotent by `request_id`: the same request again returns the same allocation. A participant
    is allocated once; every registered precondition must hold; a list that has run out is an
    error to the sponsor, never a fallback.
    """
    require_role(actor, ALLOCATORS, "randomise participants")
    if not REQUEST_ID.match(request_id or ""):
        raise RandomisationError("a request id of 8 to 100 letters, digits or ._:- is required (send the same id again to retry safely)", field="request_id")
    code = participant if isinstance(participant, str) else participant.code
    visible = visible_participant(actor, code)
    try:
        return _allocate(visible.pk, actor, request_id)
    except RandomisationError as refusal:
        if refusal.code == "list_exhausted":
            _notify_sponsor_list_exhausted(refusal.message)
        raise
    except IntegrityError:
        # A concurrent request with the same request id won the race; the retry is answered from its allocation.
        existing = Allocation.objects.filter(request_id=request_id).first()
        if existing is not None:
            return _replay(existing, visible)
        raise RandomisationError("the allocation collided with another; send the same request again", code="conflict", http_status=409) from None


def _take_next(model: type[AllocationList] | type[StratumCounter], column: str, where: str, params: list[Any]) -> int | None:
    """Locks the row and moves its counter on by one in one statement; returns the value it had."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = {column} + 1 WHERE {where} RETURNING {column}", params)  # noqa: S608 (names are ours)
        row = cursor.fetchone()
    return None if row is None else int(row[0]) - 1


@transaction.atomic
def _allocate(participant_pk: int, actor: Any, request_id: str) -> AllocationResult:
    with audit_batch():
        return _allocate_in_transaction(participant_pk, actor, request_id)


def _allocate_in_transaction(participant_pk: int, actor: Any, request_id: str) -> AllocationResult:
    # Locks only the participant's own row (not its site's), so sites do not wait on each other.
    participant = Participant.objects.select_for_update(of=("self",)).select_related("site").get(pk=participant_pk)
    previous = list(Allocation.objects.filter(Q(request_id=request_id) | Q(participant=participant)))
    for allocation in previous:
        if allocation.request_id == request_id:
            return _replay(allocation, participant)
    if previous:
        raise RandomisationError(f"participant {participant.code} is already randomised; a participant is randomised once", code="already_randomised", http_status=409)
    protocol = current_protocol()
    reasons = unmet_preconditions(participant, protocol)
    if reasons:
        raise RandomisationError("; ".join(reasons), code="precondition_not_met", http_status=409)
    alist = active_list()
    config = protocol.randomisation.model_copy(update={"method": alist.method})
    levels = factor_levels(config, participant_factors(participant))
    stratum = stratum_key(config, levels)
    now = timezone.now()
    site_code = participant.site.code
    old_status = participant.status
    Participant.objects.filter(pk=participant.pk).update(status=Participant.Status.RANDOMISED, version=participant.version + 1, updated_at=now)
    # The participant's own rows come first; the stratum's counter, the randomisation number and
    # the audit chain's head are shared and held to the commit, so they are taken last.
    run_on_randomised(participant, timezone.localtime(now, ZoneInfo(participant.site.timezone)).date(), actor)
    position = _take_next(StratumCounter, "next_position", "alist_id = %s AND stratum = %s", [alist.pk, stratum])
    if position is None:
        raise RandomisationError(f"the allocation list has no stratum {stratum}", field="stratum", code="unknown_stratum")
    entry = ListEntry.objects.filter(alist=alist, stratum=stratum, position=position).first()
    if entry is None:
        raise RandomisationError(
            f"the allocation list has no free position left in stratum {stratum}; no allocation was made and the sponsor has been told",
            code="list_exhausted", http_status=409,
        )
    history: list[Assigned] = []
    if alist.method == "minimisation":
        history = [Assigned(a.levels, a.sequence) for a in Allocation.objects.filter(alist=alist).order_by("position")]
    core_entry = CoreEntry(entry.stratum, entry.position, entry.sequence, entry.block, entry.block_size, entry.follow)
    sequence = decide(alist.method, core_entry, levels, history, list(alist.arms))
    product_code = provided_product_code(participant, sequence, protocol) or _fresh_product_code()
    number = randomisation_number(_take_next(AllocationList, "next_number", "id = %s", [alist.pk]) or 0)
    allocation = Allocation.objects.create(
        participant=participant, alist=alist, stratum=stratum, position=entry.position, sequence=sequence, levels=levels,
        randomisation_number=number, product_code=product_code, request_id=request_id, allocated_at=now, allocated_by=actor.get_username(),
    )
    # The audit record names the blinded facts only: the trail is read by blinded roles.
    record_change(actor, "create", allocation, {"participant": [None, participant.code], "randomisation_number": [None, number], "product_code": [None, product_code], "request_id": [None, request_id]}, reason="randomised", site_code=site_code)
    record_change(actor, "update", participant, {"status": [old_status, Participant.Status.RANDOMISED.value]}, reason=f"randomised {number}", site_code=site_code)
    return AllocationResult(participant.code, number, product_code, replayed=False, allocated_at=now)


def _fresh_product_code() -> str:
    for _ in range(20):
        code = new_product_code()
        if not Allocation.objects.filter(product_code=code).exists():
            return code
    raise RandomisationError("could not draw an unused product code", code="product_code_space")


def refuse_change(actor: Any, allocation: Allocation, action: str) -> None:
    """Records a refused attempt to change or delete an allocation, then refuses it."""
    with transaction.atomic():
        record_change(actor, f"refused_{action}", allocation, {}, reason=f"attempt to {action} an allocation refused")
    raise RandomisationError(f"allocations cannot be {'changed' if action == 'update' else 'deleted'}; the attempt was recorded", code="allocation_immutable", http_status=409)


def allocation_of(participant: Participant) -> Allocation | None:
    return Allocation.objects.filter(participant=participant).first()


def used_positions() -> dict[str, int]:
    """Per stratum, how many positions have been used (for the balance of what was allocated)."""
    alist = active_list()
    rows = Allocation.objects.filter(alist=alist).values("stratum").annotate(top=Max("position"))
    return {row["stratum"]: int(row["top"]) for row in rows}
