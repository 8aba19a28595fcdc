"""What every rule reads: the candidate, the planned randomisation date, classified therapy courses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from mesems.eligibility.record import CandidateRecord
from mesems.eligibility.rules import RuleParams
from mesems.eligibility.therapy import Course, therapy_courses
from mesems.eligibility.verdicts import Outcome
from mesems.protocol import EligibilityVersion


@dataclass
class Context:
    """One candidate under one eligibility version, whose rules' parameters are parsed once in
    `params` (by criterion id); `branches` caches each course's inclusion-1
    outcome, which inclusion 1 and exclusions 1-3 share."""

    record: CandidateRecord
    version: EligibilityVersion
    params: Mapping[str, RuleParams]
    branches: dict[str, Outcome] = field(default_factory=dict)

    @property
    def randomisation(self) -> dt.date | None:
        return self.record.planned_randomisation_date

    @cached_property
    def courses(self) -> tuple[Course, ...] | None:
        """Classified courses up to the randomisation date; None when either is unknown."""
        if self.record.therapies is None or self.randomisation is None:
            return None
        return therapy_courses(self.record.therapies, self.randomisation)

    @staticmethod
    def undated_outcome() -> Outcome:
        """The outcome of a rule that counts from the randomisation date when that date is not given."""
        return Outcome.unknown("planned randomisation date not given", "planned_randomisation_date")
