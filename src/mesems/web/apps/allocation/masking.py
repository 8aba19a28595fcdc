"""What each user sees of an allocation. The decision is `mesems.access.is_blinded`; the only
exception is an emergency unblinding, which shows one participant's sequence to the one
investigator who asked for it.

A blinded user sees the same fields, of the same length, whatever the arm: "randomised",
the randomisation number and the product code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from mesems.access import is_blinded
from mesems.web.apps.accounts.services import role_of
from mesems.web.apps.allocation.models import Allocation, EmergencyUnblinding
from mesems.web.apps.trials.models import Participant
from mesems.web.apps.trials.services import current_protocol


@dataclass(frozen=True)
class AllocationView:
    participant: str
    status: str
    randomisation_number: str | None = None
    product_code: str | None = None
    allocated_at: dt.datetime | None = None
    sequence: str | None = None
    sequence_label: str | None = None
    stratum: str | None = None
    position: int | None = None


def sees_sequences(user: Any) -> bool:
    """The user's role may see sequences (cell lab, unblinded statistician, DSMB closed session)."""
    role = role_of(user)
    return role is not None and not is_blinded(role)


def sees_sequence_of(user: Any, participant: Participant) -> bool:
    return sees_sequences(user) or EmergencyUnblinding.objects.filter(user_id=getattr(user, "pk", None), participant=participant).exists()


def arm_label(sequence: str) -> str:
    try:
        return current_protocol().arm(sequence).label
    except KeyError:
        return sequence


def view_of(user: Any, participant: Participant, allocation: Allocation | None) -> AllocationView:
    if allocation is None:
        return AllocationView(participant.code, "not randomised")
    blinded = AllocationView(participant.code, "randomised", allocation.randomisation_number, allocation.product_code, allocation.allocated_at)
    if not sees_sequence_of(user, participant):
        return blinded
    return AllocationView(
        participant.code, "randomised", allocation.randomisation_number, allocation.product_code, allocation.allocated_at,
        allocation.sequence, arm_label(allocation.sequence), allocation.stratum, allocation.position,
    )


def allocation_view(user: Any, participant: Participant) -> AllocationView:
    return view_of(user, participant, Allocation.objects.filter(participant=participant).first())
