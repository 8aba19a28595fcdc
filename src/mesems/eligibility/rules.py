"""The names of the computable eligibility rules and the parameters each takes.

A protocol file names a rule per criterion (`rule: edss_range`, `params: {min: 2.5, max: 6.5}`);
this table is what protocol validation checks those names and parameters against, and what
the engine dispatches on. Each rule's parameters are a pydantic model, so validation checks
their values too (a drug class that does not exist, an EDSS bound off the scale, days and
months given together) and the engine reads typed parameters.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mesems.clinical.edss import is_edss_step
from mesems.eligibility.drugs import DrugClass
from mesems.eligibility.record import FlagField, MalignancyKind, MsCourse
from mesems.protocol.loading import format_path


class RuleParams(BaseModel):
    """Parameters of one rule; `problems` reports what one field alone cannot."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def problems(self) -> Iterator[tuple[str, str]]:
        return iter(())


class NoParams(RuleParams):
    pass


class MsDiagnosisParams(RuleParams):
    courses: list[MsCourse] = ["RR", "SP", "PP"]


class TherapyFailure(RuleParams):
    """'Failed at least one year of one or more approved therapies' (inclusion 1a, 1b)."""

    failed_therapy_min_months: int | None = Field(default=None, ge=1)
    therapy_classes: list[DrugClass] = []

    def problems(self) -> Iterator[tuple[str, str]]:
        if (self.failed_therapy_min_months is None) != (not self.therapy_classes):
            yield "therapy_classes", "failed_therapy_min_months and therapy_classes go together"


class RelapsingActivityParams(TherapyFailure):
    course: MsCourse
    failed_therapy_min_months: int = Field(ge=1)
    therapy_classes: list[DrugClass] = Field(min_length=1)
    relapses_12m_min: int = Field(ge=1)
    relapses_24m_min: int = Field(ge=1)
    gel_lookback_months: int = Field(ge=1)


class ProgressiveActivityParams(TherapyFailure):
    course: MsCourse
    edss_lookback_months: int = Field(ge=1)
    edss_threshold: float
    increase_at_or_below_threshold: float = Field(gt=0)
    increase_above_threshold: float = Field(gt=0)
    activity: Literal["relapse_or_gel", "gel", "relapse", "none"]
    activity_lookback_months: int | None = Field(
        default=None, ge=1, description="the EDSS look-back when not given"
    )
    requires_csf_oligoclonal_bands: bool = False

    @property
    def activity_months(self) -> int:
        return self.activity_lookback_months or self.edss_lookback_months


class CourseBranchParams(RuleParams):
    course: MsCourse


class YearsRangeParams(RuleParams):
    min_years: int | None = Field(ge=0)
    max_years: int | None = Field(ge=0)

    def problems(self) -> Iterator[tuple[str, str]]:
        if self.min_years is not None and self.max_years is not None and self.min_years > self.max_years:
            yield "min_years", f"min_years {self.min_years} is above max_years {self.max_years}"


class EdssRangeParams(RuleParams):
    min: float
    max: float

    def problems(self) -> Iterator[tuple[str, str]]:
        for name in ("min", "max"):
            if not is_edss_step(getattr(self, name)):
                yield name, f"{getattr(self, name):g} is not an EDSS step"
        if self.min > self.max:
            yield "min", f"min {self.min:g} is above max {self.max:g}"


class FlagsParams(RuleParams):
    fields: list[FlagField] = Field(min_length=1)


class InfectionParams(FlagsParams):
    fields: list[FlagField] = Field(
        default=["active_infection", "hiv", "hepatitis_b", "hepatitis_c"], min_length=1
    )


class RecentTherapyParams(RuleParams):
    classes: list[DrugClass] = Field(min_length=1)
    days: int | None = Field(default=None, ge=0)
    months: int | None = Field(default=None, ge=1)

    def problems(self) -> Iterator[tuple[str, str]]:
        if (self.days is None) == (self.months is None):
            yield "days", "give exactly one of days or months"


class RecentRelapseParams(RuleParams):
    days: int = Field(ge=0)


class MalignancyParams(RuleParams):
    allowed: list[MalignancyKind] = ["none", "basal_cell", "carcinoma_in_situ_remission_over_1y"]


class RenalParams(RuleParams):
    egfr_min: float = Field(ge=0)


@dataclass(frozen=True)
class RuleSpec:
    name: str
    summary: str
    params: type[RuleParams]

    @property
    def required(self) -> frozenset[str]:
        return frozenset(n for n, f in self.params.model_fields.items() if f.is_required())

    @property
    def optional(self) -> frozenset[str]:
        return frozenset(self.params.model_fields) - self.required

    def check_params(self, params: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
        """Yields (parameter, problem) for each missing, unknown or wrong parameter."""
        try:
            parsed = self.params.model_validate(dict(params))
        except ValidationError as exc:
            for item in exc.errors():
                name = format_path(tuple(item["loc"])) or "params"
                if item["type"] == "missing":
                    yield name, f"rule {self.name!r} needs parameter {name!r}"
                elif item["type"] == "extra_forbidden":
                    allowed = ", ".join(sorted(self.params.model_fields)) or "none"
                    yield name, f"rule {self.name!r} takes no parameter {name!r}; expected one of [{allowed}]"
                else:
                    yield (
                        name,
                        f"rule {self.name!r}: {item['msg'].removeprefix('Value error, ')}, got {item['input']!r}",
                    )
            return
        yield from parsed.problems()

    def parse(self, params: Mapping[str, Any]) -> RuleParams:
        """The typed parameters (the protocol was validated when it was loaded)."""
        return self.params.model_validate(dict(params))


KNOWN_RULES: dict[str, RuleSpec] = {
    spec.name: spec
    for spec in (
        RuleSpec(
            "ms_diagnosis",
            "MS diagnosis meeting the inclusion branch of the candidate's course",
            MsDiagnosisParams,
        ),
        RuleSpec(
            "relapsing_activity",
            "RRMS failing approved therapy, with relapses or GEL in the look-back",
            RelapsingActivityParams,
        ),
        RuleSpec(
            "progressive_activity",
            "SPMS/PPMS with an EDSS increase in the look-back and relapse or GEL activity",
            ProgressiveActivityParams,
        ),
        RuleSpec(
            "course_branch_failed",
            "exclusion: the candidate's course does not meet its inclusion branch",
            CourseBranchParams,
        ),
        RuleSpec("age_range", "age on the planned randomisation date, inclusive", YearsRangeParams),
        RuleSpec(
            "disease_duration",
            "years from MS onset to the planned randomisation date, inclusive",
            YearsRangeParams,
        ),
        RuleSpec("edss_range", "EDSS at screening, inclusive", EdssRangeParams),
        RuleSpec(
            "no_infection", "no active or chronic infection, HIV or chronic hepatitis B/C", InfectionParams
        ),
        RuleSpec(
            "no_recent_therapy", "no therapy of the named classes within the look-back", RecentTherapyParams
        ),
        RuleSpec("no_recent_relapse", "no relapse within the look-back", RecentRelapseParams),
        RuleSpec("no_malignancy", "no past malignancy other than the allowed kinds", MalignancyParams),
        RuleSpec("flag_false", "each named yes/no item must be answered no", FlagsParams),
        RuleSpec("pregnancy", "not pregnant and not at risk of pregnancy", NoParams),
        RuleSpec(
            "renal_and_mri", "eGFR at or above the minimum, no renal failure, able to have MRI", RenalParams
        ),
        RuleSpec("consent", "able to give written informed consent", NoParams),
    )
}
