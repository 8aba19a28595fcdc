"""Screening one candidate: the version in force, every criterion, and the overall verdict.

The candidate is judged under the eligibility version in force on the planned randomisation
date (the latest `effective_from` on or before it), unless a version is named. Not eligible if
any criterion is not met; eligible only if every criterion is met; otherwise unknown, with the
fields that are missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from mesems.eligibility.criteria import CriterionResult, evaluate_criteria
from mesems.eligibility.record import CandidateRecord
from mesems.eligibility.therapy import unclassified_drugs
from mesems.eligibility.verdicts import Verdict, unique
from mesems.errors import EligibilityError
from mesems.protocol import EligibilityVersion, Protocol


@dataclass(frozen=True)
class ScreeningResult:
    """The verdict on one candidate under one eligibility version."""

    eligible: bool | None
    protocol_version: str
    candidate_id: str | None
    planned_randomisation_date: dt.date | None
    criteria: tuple[CriterionResult, ...]
    unclassified_drugs: tuple[str, ...]

    @property
    def failed(self) -> tuple[str, ...]:
        """Ids of the criteria not met, in protocol order."""
        return tuple(c.id for c in self.criteria if c.verdict is Verdict.NOT_MET)

    @property
    def missing(self) -> tuple[str, ...]:
        """The record fields whose absence left a criterion unknown, in protocol order."""
        return unique(m for c in self.criteria if c.verdict is Verdict.UNKNOWN for m in c.missing)

    def as_dict(self) -> dict[str, Any]:
        """The `mesems screen --json` output (DESIGN.md), with the extra keys `candidate_id`,
        `planned_randomisation_date`, `failed`, `missing` and `unclassified_drugs`."""
        return {
            "eligible": self.eligible,
            "protocol_version": self.protocol_version,
            "candidate_id": self.candidate_id,
            "planned_randomisation_date": self.planned_randomisation_date.isoformat()
            if self.planned_randomisation_date
            else None,
            "criteria": [c.as_dict() for c in self.criteria],
            "failed": list(self.failed),
            "missing": list(self.missing),
            "unclassified_drugs": list(self.unclassified_drugs),
        }


def overall_verdict(verdicts: list[Verdict]) -> bool | None:
    """False if any criterion is not met, True if all are met, otherwise None (unknown)."""
    if Verdict.NOT_MET in verdicts:
        return False
    return True if all(v is Verdict.MET for v in verdicts) else None


def version_for(
    protocol: Protocol, planned_randomisation_date: dt.date | None, version: str | None = None
) -> EligibilityVersion:
    """The named version, or the version in force on the planned randomisation date."""
    if version is not None:
        try:
            return protocol.eligibility_version(version)
        except KeyError as exc:
            raise EligibilityError(str(exc.args[0]), field="version") from None
    if planned_randomisation_date is None:
        raise EligibilityError(
            "planned_randomisation_date is not given: it chooses the eligibility version in force (or name the version)",
            field="planned_randomisation_date",
        )
    try:
        return protocol.eligibility_in_force(planned_randomisation_date)
    except LookupError as exc:
        raise EligibilityError(
            f"planned_randomisation_date: {exc}", field="planned_randomisation_date"
        ) from None


def screen_candidate(
    record: CandidateRecord, protocol: Protocol, version: str | None = None
) -> ScreeningResult:
    """Every criterion of the version in force (or `version`) for `record`, and the verdict."""
    chosen = version_for(protocol, record.planned_randomisation_date, version)
    criteria = evaluate_criteria(record, chosen)
    return ScreeningResult(
        eligible=overall_verdict([c.verdict for c in criteria]),
        protocol_version=chosen.id,
        candidate_id=record.id,
        planned_randomisation_date=record.planned_randomisation_date,
        criteria=criteria,
        unclassified_drugs=unclassified_drugs(record.therapies or ()),
    )
