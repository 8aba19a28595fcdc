"""The trial protocol as data: a pydantic model that the whole of mesems reads.

Every rule of the trial that software applies (eligibility thresholds, visit windows, dose
limits, release specifications, allocation strata) lives in the protocol file, so another
trial is another file and an amendment is a new eligibility version with its effective date.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Strict(BaseModel):
    """Unknown keys are errors: a misspelt key in a protocol must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Identity(Strict):
    id: str = Field(min_length=1, description="short name, e.g. MESEMS")
    title: str = Field(min_length=1)
    official_title: str | None = None
    registry_ids: list[str] = []
    sponsor: str | None = None
    principal_investigator: str | None = None
    phases: list[str] = []
    study_type: str = "interventional"
    start_date: dt.date | None = None
    primary_completion_date: dt.date | None = None
    completion_date: dt.date | None = None
    conditions: list[str] = []
    brief_summary: str | None = None


class Masking(Strict):
    level: Literal["none", "single", "double", "triple", "quadruple"] = "none"
    who_masked: list[Literal["participant", "care_provider", "investigator", "outcomes_assessor"]] = []


class Design(Strict):
    allocation: Literal["randomised", "non_randomised", "na"] = "randomised"
    intervention_model: Literal["parallel", "crossover", "single_group", "factorial", "sequential", "other"]
    masking: Masking = Masking()
    primary_purpose: str = "treatment"
    allocation_ratio: list[int] = [1, 1]
    planned_enrolment: int | None = Field(default=None, ge=1)


class Site(Strict):
    id: str = Field(min_length=1, pattern=r"^[A-Z0-9][A-Z0-9-]*$")
    name: str = Field(min_length=1)
    city: str | None = None
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    timezone: str = "UTC"
    placeholder: bool = False


class DoseRule(Strict):
    """A dose per kilogram of body weight, e.g. 1-2 x 10^6 cells/kg (protocol paper)."""

    min_per_kg: float = Field(gt=0)
    max_per_kg: float = Field(gt=0)
    unit: str = "cells"
    weight_max_age_days: int = Field(default=30, ge=1, description="how recent the weight used for dosing must be")

    @model_validator(mode="after")
    def _ordered(self) -> DoseRule:
        if self.min_per_kg > self.max_per_kg:
            raise ValueError(f"min_per_kg {self.min_per_kg:g} is above max_per_kg {self.max_per_kg:g}")
        return self


class Intervention(Strict):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    kind: Literal["cell_therapy", "drug", "biological", "device", "procedure", "placebo", "other"]
    description: str | None = None
    route: str | None = None
    dose: DoseRule | None = None
    active: bool = True


class Period(Strict):
    number: int = Field(ge=1)
    start_week: int = Field(ge=0)
    end_week: int = Field(ge=0)
    dosing_week: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end_week <= self.start_week:
            raise ValueError(f"end_week {self.end_week} must be after start_week {self.start_week}")
        return self


class Arm(Strict):
    """An arm; in a crossover it is a sequence with one intervention per period."""

    id: str = Field(min_length=1)
    label: str = Field(min_length=1)
    description: str | None = None
    interventions: list[str] = Field(
        default=[], description="intervention ids; in a crossover one per period, in period order"
    )


class Visit(Strict):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    week: int = Field(ge=0)
    window_before_days: int = Field(default=0, ge=0)
    window_after_days: int = Field(default=0, ge=0)
    assessments: list[str] = []


class Assessment(Strict):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    source: str | None = None


class Schedule(Strict):
    weeks_of_follow_up: int = Field(ge=1)
    assessments: list[Assessment] = []
    visits: list[Visit] = Field(min_length=1)
    unscheduled_visits_for: list[str] = []


class Endpoint(Strict):
    id: str = Field(min_length=1)
    kind: Literal["primary_safety", "primary", "co_primary", "secondary", "exploratory", "safety"]
    title: str = Field(min_length=1)
    description: str | None = None
    time_frame: str | None = None
    analysis: str | None = None


class StratificationFactor(Strict):
    id: str = Field(min_length=1)
    label: str
    values: list[str] = Field(default=[], description="empty: the values come from the data (e.g. sites)")


class Randomisation(Strict):
    method: Literal["permuted_blocks", "simple", "minimisation"] = "permuted_blocks"
    strata: list[StratificationFactor] = []
    block_sizes: list[int] = [2, 4]
    minimisation_probability: float = Field(default=0.8, gt=0.5, le=1.0)
    requires_released_product: bool = True

    @field_validator("block_sizes")
    @classmethod
    def _even_blocks(cls, sizes: list[int]) -> list[int]:
        bad = [s for s in sizes if s <= 0 or s % 2]
        if bad:
            raise ValueError(f"block sizes must be positive and even for 1:1 allocation, got {bad}")
        return sizes


class CriterionKind(StrEnum):
    INCLUSION = "inclusion"
    EXCLUSION = "exclusion"


class Criterion(Strict):
    """One eligibility criterion. `rule` names a computable rule of the eligibility engine with
    its `params`; a criterion without a rule is answered by a person (a text criterion)."""

    id: str = Field(min_length=1)
    kind: CriterionKind
    text: str = Field(min_length=1)
    rule: str | None = None
    params: dict[str, Any] = {}
    items: list[Criterion] = []


class EligibilityVersion(Strict):
    id: str = Field(min_length=1)
    label: str
    effective_from: dt.date
    source: str | None = None
    min_age_years: int | None = Field(default=None, ge=0)
    max_age_years: int | None = Field(default=None, ge=0)
    sex: Literal["all", "female", "male"] = "all"
    healthy_volunteers: bool = False
    criteria: list[Criterion] = Field(min_length=1)


class ReleaseTest(Strict):
    """A release specification of the cell product: a value must lie within [min, max] or equal `expected`."""

    id: str = Field(min_length=1)
    name: str
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    expected: str | None = None

    @model_validator(mode="after")
    def _has_limit(self) -> ReleaseTest:
        if self.min is None and self.max is None and self.expected is None:
            raise ValueError("a release test needs min, max or expected")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}")
        return self


class CellProduct(Strict):
    release_tests: list[ReleaseTest] = []
    thaw_to_infusion_max_minutes: int = Field(default=60, ge=1)
    bags_per_participant: int = Field(default=2, ge=1)


class ReportingClock(Strict):
    id: str
    description: str
    days: int = Field(ge=1)


class Safety(Strict):
    ctcae_max_grade: int = Field(default=5, ge=1)
    sae_clocks: list[ReportingClock] = []


class Protocol(Strict):
    """A whole trial protocol. `format` is the version of this file format."""

    format: Literal[1] = 1
    identity: Identity
    design: Design
    sites: list[Site] = []
    interventions: list[Intervention] = Field(min_length=1)
    periods: list[Period] = Field(min_length=1)
    arms: list[Arm] = Field(min_length=1)
    schedule: Schedule
    endpoints: list[Endpoint] = []
    randomisation: Randomisation = Randomisation()
    eligibility: list[EligibilityVersion] = Field(min_length=1)
    cell_product: CellProduct | None = None
    safety: Safety = Safety()

    def site(self, site_id: str) -> Site:
        for site in self.sites:
            if site.id == site_id:
                return site
        raise KeyError(site_id)

    def intervention(self, intervention_id: str) -> Intervention:
        for intervention in self.interventions:
            if intervention.id == intervention_id:
                return intervention
        raise KeyError(intervention_id)

    def arm(self, arm_id: str) -> Arm:
        for arm in self.arms:
            if arm.id == arm_id:
                return arm
        raise KeyError(arm_id)

    def eligibility_version(self, version_id: str) -> EligibilityVersion:
        for version in self.eligibility:
            if version.id == version_id:
                return version
        known = ", ".join(v.id for v in self.eligibility)
        raise KeyError(f"unknown eligibility version {version_id!r}; expected one of [{known}]")

    def eligibility_in_force(self, on: dt.date) -> EligibilityVersion:
        """The version whose effective date is the latest on or before `on` (a candidate is
        judged under the version in force on the planned randomisation date)."""
        in_force = [v for v in self.eligibility if v.effective_from <= on]
        if not in_force:
            first = min(v.effective_from for v in self.eligibility)
            raise LookupError(f"no eligibility version is in force on {on}; the first takes effect {first}")
        return max(in_force, key=lambda v: v.effective_from)
