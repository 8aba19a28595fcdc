"""Verdicts, and how the parts of a criterion combine into one.

A verdict is three-valued: met, not met, unknown. For an exclusion, "met" means the candidate is
clear of it (the exclusion does not apply), so for every criterion "met" is the answer an
eligible candidate needs. Parts combine by Kleene's three-valued logic: with the order
not_met < unknown < met, "all of" is the lowest verdict and "any of" the highest. So a failing
part fails the whole even when another part is unknown, and a missing part never makes a
criterion met.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    NOT_MET = "not_met"
    UNKNOWN = "unknown"
    MET = "met"

    @property
    def rank(self) -> int:
        """0, 1, 2 in the order not_met < unknown < met (the vectorised engine uses the same codes)."""
        return _RANK[self]


_RANK = {Verdict.NOT_MET: 0, Verdict.UNKNOWN: 1, Verdict.MET: 2}
VERDICT_OF_RANK: tuple[Verdict, Verdict, Verdict] = (Verdict.NOT_MET, Verdict.UNKNOWN, Verdict.MET)


def all_of(verdicts: Iterable[Verdict]) -> Verdict:
    """Three-valued AND: met only if every part is met; not met if any part is not met."""
    return min(verdicts, key=_RANK.__getitem__, default=Verdict.MET)


def any_of(verdicts: Iterable[Verdict]) -> Verdict:
    """Three-valued OR: met if any part is met; not met only if every part is not met."""
    return max(verdicts, key=_RANK.__getitem__, default=Verdict.NOT_MET)


def verdict_of(value: bool | None) -> Verdict:
    """True -> met, False -> not met, None -> unknown."""
    return Verdict.UNKNOWN if value is None else Verdict.MET if value else Verdict.NOT_MET


@dataclass(frozen=True)
class Outcome:
    """What a rule (or one part of it) decided, why, from which data, and what it lacked."""

    verdict: Verdict
    reason: str
    data: Mapping[str, Any] = field(default_factory=dict)
    missing: tuple[str, ...] = ()

    @classmethod
    def unknown(cls, reason: str, *missing: str, data: Mapping[str, Any] | None = None) -> Outcome:
        return cls(Verdict.UNKNOWN, reason, data or {}, missing)


def unique(items: Iterable[str]) -> tuple[str, ...]:
    """Items in first-seen order without repeats."""
    return tuple(dict.fromkeys(items))


def combine(parts: Sequence[Outcome], *, any_part: bool = False) -> Outcome:
    """One outcome from parts, joined by all-of (or any-of); reasons are kept in order and
    `missing` lists what the unknown parts lacked when the whole is unknown."""
    verdict = (any_of if any_part else all_of)(p.verdict for p in parts)
    missing = (
        unique(m for p in parts if p.verdict is Verdict.UNKNOWN for m in p.missing)
        if verdict is Verdict.UNKNOWN
        else ()
    )
    data: dict[str, Any] = {}
    for part in parts:
        data.update(part.data)
    return Outcome(verdict, "; ".join(p.reason for p in parts), data, missing)
