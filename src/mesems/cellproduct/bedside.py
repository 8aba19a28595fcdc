"""The bedside check before each infusion (weeks 0 and 24): the right participant, their bag for
this period, released, thawed no longer ago than the protocol allows (`thaw_to_infusion_max_minutes`).

Every check applies to both bags alike, so a refusal never tells the clinic which bag holds cells.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Mismatch(StrEnum):
    IDENTITY_NOT_CONFIRMED = "identity_not_confirmed"
    NOT_RANDOMISED = "not_randomised"
    UNKNOWN_CODE = "unknown_code"
    OTHER_PARTICIPANT = "other_participant"
    WRONG_PERIOD = "wrong_period"
    ALREADY_INFUSED = "already_infused"
    NOT_RELEASED = "not_released"
    NOT_THAWED = "not_thawed"
    THAW_EXPIRED = "thaw_expired"


@dataclass(frozen=True)
class BagFacts:
    """What the check needs to know of the scanned bag; never its content."""

    code: str
    participant: str
    period: int | None
    released: bool
    thawed_at: dt.datetime | None
    infused: bool


@dataclass(frozen=True)
class BedsideVerdict:
    ok: bool
    mismatch: Mismatch | None
    message: str


def _refuse(kind: Mismatch, message: str) -> BedsideVerdict:
    return BedsideVerdict(False, kind, message + "; do not infuse")


def bedside_check(participant: str, identity_confirmed: bool, period: int | None, scanned_code: str, bag: BagFacts | None, now: dt.datetime, thaw_limit_minutes: int) -> BedsideVerdict:
    """`period` is the participant's next infusion period (None before randomisation)."""
    if not identity_confirmed:
        return _refuse(Mismatch.IDENTITY_NOT_CONFIRMED, f"confirm the participant's identity ({participant}) against their wristband and record first")
    if period is None:
        return _refuse(Mismatch.NOT_RANDOMISED, f"participant {participant} is not randomised")
    if bag is None:
        return _refuse(Mismatch.UNKNOWN_CODE, f"product code {scanned_code} does not exist; check the label")
    if bag.participant != participant:
        return _refuse(Mismatch.OTHER_PARTICIPANT, f"product {bag.code} belongs to another participant, not {participant}")
    if bag.infused:
        return _refuse(Mismatch.ALREADY_INFUSED, f"product {bag.code} has already been infused")
    if bag.period != period:
        return _refuse(Mismatch.WRONG_PERIOD, f"product {bag.code} is {participant}'s product for period {bag.period}, not for period {period}")
    if not bag.released:
        return _refuse(Mismatch.NOT_RELEASED, f"product {bag.code} has not been released by the lab's qualified person")
    if bag.thawed_at is None:
        return _refuse(Mismatch.NOT_THAWED, f"product {bag.code} has no thaw time recorded")
    minutes = (now - bag.thawed_at).total_seconds() / 60
    if minutes > thaw_limit_minutes:
        return _refuse(Mismatch.THAW_EXPIRED, f"product {bag.code} was thawed {minutes:.0f} minutes ago; the limit from thaw to infusion is {thaw_limit_minutes} minutes")
    return BedsideVerdict(True, None, f"product {bag.code} matches {participant} for period {period}")
