"""The eligibility rules as polars column expressions over a registry extract.

Each rule of `rules.KNOWN_RULES` has a kernel here that mirrors its per-record evaluation
(`criteria`, `activity`, `therapy`) on the columns of `extract.EXTRACT`. Verdicts are coded
0 not met, 1 unknown, 2 met, so that three-valued AND and OR are the row-wise minimum and
maximum, as `verdicts.all_of` / `any_of` are. Window starts and last-taken days are helper
columns computed once per evaluation (`helper_columns`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

from mesems.eligibility.criteria import branch_criterion
from mesems.eligibility.extract import APPROVED_CLASSES, EDSS_LOOKBACK_MONTHS
from mesems.eligibility.lookback import therapy_days_required
from mesems.eligibility.rules import (
    CourseBranchParams,
    EdssRangeParams,
    FlagsParams,
    MalignancyParams,
    MsDiagnosisParams,
    ProgressiveActivityParams,
    RecentRelapseParams,
    RecentTherapyParams,
    RelapsingActivityParams,
    RenalParams,
    RuleParams,
    YearsRangeParams,
)
from mesems.errors import EligibilityError
from mesems.protocol import EligibilityVersion

NOT_MET, UNKNOWN, MET = 0, 1, 2
R = pl.col("planned_randomisation_date")


def code(value: int) -> pl.Expr:
    return pl.lit(value, dtype=pl.Int8)


def _flag(expr: pl.Expr) -> pl.Expr:
    """True -> met, False -> not met, null -> unknown."""
    return pl.when(expr.is_null()).then(code(UNKNOWN)).when(expr).then(code(MET)).otherwise(code(NOT_MET))


def _all(*codes: pl.Expr) -> pl.Expr:
    return pl.min_horizontal(*codes) if codes else code(MET)


def _any(*codes: pl.Expr) -> pl.Expr:
    return pl.max_horizontal(*codes)


_WINDOW = "_from_{}m"
_LAST = "_last_{}"


def months_back(months: int) -> pl.Expr:
    """The same calendar day `months` months before randomisation, clamped like
    `lookback.months_before`; a helper column, computed once per evaluation (`helper_columns`)."""
    return pl.col(_WINDOW.format(months))


def years_at_least(start: pl.Expr, years: int) -> pl.Expr:
    """`lookback.completed_years(start, randomisation) >= years`, as start <= randomisation minus
    `years` years (the same: the anniversary is reached exactly when the start is on or before
    the same calendar day that many years earlier, 29 February clamped to 28 February)."""
    return start <= months_back(12 * years)


def _between(value: pl.Expr, low: float | None, high: float | None) -> pl.Expr:
    inside = pl.lit(True)
    if low is not None:
        inside = inside & (value >= low)
    if high is not None:
        inside = inside & (value <= high)
    return _flag(inside)


def last_taken(group: str) -> pl.Expr:
    """The last day a group was taken up to randomisation: the randomisation date when ongoing
    or stopped after it; null when never taken (a helper column, see `helper_columns`)."""
    return pl.col(_LAST.format(group))


def helper_columns(codes: list[pl.Expr]) -> list[pl.Expr]:
    """The window starts and last-taken days that `codes` read, each computed once."""
    names = {name for code in codes for name in code.meta.root_names()}
    helpers = []
    for name in sorted(names):
        if name.startswith("_from_"):
            helpers.append(R.dt.offset_by(f"-{name.removeprefix('_from_').removesuffix('m')}mo").alias(name))
        elif name.startswith("_last_"):
            group = name.removeprefix("_last_")
            last = pl.col(f"{group}_last_date")
            helpers.append(
                pl.when(pl.col(f"{group}_ongoing").fill_null(False) | (last > R).fill_null(False))
                .then(R)
                .otherwise(last)
                .alias(name)
            )
    return helpers


def _unclassified_present() -> pl.Expr:
    return pl.col("unclassified_ongoing").fill_null(False) | pl.col("unclassified_last_date").is_not_null()


def _therapy_known() -> pl.Expr:
    return pl.col("therapy_history_known").fill_null(False)


@dataclass(frozen=True)
class CompiledVersion:
    """One eligibility version compiled to expressions."""

    version: EligibilityVersion
    params: dict[str, RuleParams]

    def branch(self, course: str) -> pl.Expr | None:
        criterion = branch_criterion(self.version, course)
        return None if criterion is None else KERNELS[criterion.rule or ""](self, self.params[criterion.id])


Kernel = Callable[[CompiledVersion, Any], pl.Expr]


def _years(start: str) -> Kernel:
    def kernel(v: CompiledVersion, p: YearsRangeParams) -> pl.Expr:
        inside = pl.lit(True)
        if p.min_years is not None:
            inside = inside & years_at_least(pl.col(start), p.min_years)
        if p.max_years is not None:
            inside = inside & ~years_at_least(pl.col(start), p.max_years + 1)
        return _flag(inside)

    return kernel


def _edss_range(v: CompiledVersion, p: EdssRangeParams) -> pl.Expr:
    return _between(pl.col("edss"), p.min, p.max)


def _flags_false(v: CompiledVersion, p: FlagsParams) -> pl.Expr:
    return _all(*(_flag(~pl.col(name)) for name in p.fields))


def _recent_therapy(v: CompiledVersion, p: RecentTherapyParams) -> pl.Expr:
    first = R - pl.duration(days=p.days) if p.days is not None else months_back(p.months or 0)
    latest = pl.max_horizontal(*(last_taken(str(c)) for c in p.classes))
    return (
        pl.when(~_therapy_known())
        .then(code(UNKNOWN))
        .when(latest >= first)
        .then(code(NOT_MET))
        .when(last_taken("unclassified") >= first)
        .then(code(UNKNOWN))
        .otherwise(code(MET))
    )


def _recent_relapse(v: CompiledVersion, p: RecentRelapseParams) -> pl.Expr:
    recent = pl.col("relapse_last_date") >= R - pl.duration(days=p.days)
    return (
        pl.when(pl.col("relapse_count").is_null())
        .then(code(UNKNOWN))
        .when(recent.fill_null(False))
        .then(code(NOT_MET))
        .otherwise(code(MET))
    )


def _malignancy(v: CompiledVersion, p: MalignancyParams) -> pl.Expr:
    return _flag(pl.col("malignancy_history").is_in(list(p.allowed)))


def _pregnancy(v: CompiledVersion, p: RuleParams) -> pl.Expr:
    pregnant, contraception = pl.col("pregnant"), pl.col("uses_contraception")
    return (
        pl.when(pregnant.fill_null(False))
        .then(code(NOT_MET))
        .when(pl.col("sex") == "M")
        .then(code(MET))
        .when(contraception.not_().fill_null(False))
        .then(code(NOT_MET))
        .when(pregnant.not_().fill_null(False) & contraception.fill_null(False))
        .then(code(MET))
        .otherwise(code(UNKNOWN))
    )


def _renal(v: CompiledVersion, p: RenalParams) -> pl.Expr:
    return _all(
        _between(pl.col("egfr"), p.egfr_min, None),
        _flag(~pl.col("renal_failure")),
        _flag(pl.col("can_have_mri")),
    )


def _consent(v: CompiledVersion, p: RuleParams) -> pl.Expr:
    return _flag(pl.col("consent"))


def _failed_therapy(months: int) -> pl.Expr:
    doubt = pl.col("approved_therapy_start_unknown").fill_null(False) | _unclassified_present()
    return (
        pl.when(~_therapy_known())
        .then(code(UNKNOWN))
        .when(pl.col("approved_therapy_days") >= therapy_days_required(months))
        .then(code(MET))
        .when(doubt)
        .then(code(UNKNOWN))
        .otherwise(code(NOT_MET))
    )


def _relapses_in(months: int, minimum: int) -> pl.Expr:
    if minimum > 2:
        raise EligibilityError(
            f"prescreen knows the two latest relapses only; the protocol asks for {minimum}",
            field="relapse_count",
        )
    date = pl.col("relapse_last_date" if minimum == 1 else "relapse_second_last_date")
    return (
        pl.when(pl.col("relapse_count").is_null())
        .then(code(UNKNOWN))
        .when((date >= months_back(months)).fill_null(False))
        .then(code(MET))
        .otherwise(code(NOT_MET))
    )


def _gel_in(months: int) -> pl.Expr:
    first = months_back(months)
    return (
        pl.when((pl.col("gel_last_positive_date") >= first).fill_null(False))
        .then(code(MET))
        .when((pl.col("mri_last_date") >= first).fill_null(False))
        .then(code(NOT_MET))
        .otherwise(code(UNKNOWN))
    )


def _check_approved(classes: list[Any]) -> None:
    if set(classes) != set(APPROVED_CLASSES):
        raise EligibilityError(
            f"approved_therapy_days counts {', '.join(APPROVED_CLASSES)}; the protocol's therapy_classes differ",
            field="therapy_classes",
        )


def _relapsing(v: CompiledVersion, p: RelapsingActivityParams) -> pl.Expr:
    _check_approved(p.therapy_classes)
    activity = _any(
        _relapses_in(12, p.relapses_12m_min),
        _relapses_in(24, p.relapses_24m_min),
        _gel_in(p.gel_lookback_months),
    )
    return _all(_failed_therapy(p.failed_therapy_min_months), activity)


def _edss_increase(p: ProgressiveActivityParams) -> pl.Expr:
    if p.edss_lookback_months != EDSS_LOOKBACK_MONTHS:
        raise EligibilityError(
            f"edss_lowest_12m looks back {EDSS_LOOKBACK_MONTHS} months; the protocol asks {p.edss_lookback_months}",
            field="edss_lowest_12m",
        )
    now = pl.col("edss")
    needed = (
        pl.when(now <= p.edss_threshold)
        .then(p.increase_at_or_below_threshold)
        .otherwise(p.increase_above_threshold)
    )
    return _flag(now - pl.col("edss_lowest_12m") >= needed)


def _progressive(v: CompiledVersion, p: ProgressiveActivityParams) -> pl.Expr:
    parts = []
    if p.failed_therapy_min_months is not None:
        _check_approved(p.therapy_classes)
        parts.append(_failed_therapy(p.failed_therapy_min_months))
    parts.append(_edss_increase(p))
    months = p.activity_months
    activity = {
        "relapse_or_gel": [_any(_relapses_in(months, 1), _gel_in(months))],
        "gel": [_gel_in(months)],
        "relapse": [_relapses_in(months, 1)],
        "none": [],
    }[p.activity]
    parts += activity
    if p.requires_csf_oligoclonal_bands:
        parts.append(_flag(pl.col("csf_oligoclonal_bands")))
    return _all(*parts)


def _branch_column(course: str) -> pl.Expr:
    return pl.col(f"_branch_{course}")


def _course_branch(v: CompiledVersion, p: CourseBranchParams) -> pl.Expr:
    course = pl.col("ms_course")
    if v.branch(p.course) is None:
        raise EligibilityError(
            f"eligibility {v.version.id}: no inclusion branch names course {p.course!r}", field="ms_course"
        )
    return (
        pl.when(course.is_null())
        .then(code(UNKNOWN))
        .when(course != p.course)
        .then(code(MET))
        .otherwise(_branch_column(p.course))
    )


def _ms_diagnosis(v: CompiledVersion, p: MsDiagnosisParams) -> pl.Expr:
    expr: Any = pl.when(pl.col("ms_course").is_null()).then(code(UNKNOWN))
    for course in ("RR", "SP", "PP"):
        admitted = course in p.courses and v.branch(course) is not None
        expr = expr.when(pl.col("ms_course") == course).then(
            _branch_column(course) if admitted else code(NOT_MET)
        )
    chosen: pl.Expr = expr.otherwise(code(NOT_MET))
    return chosen


KERNELS: dict[str, Kernel] = {
    "ms_diagnosis": _ms_diagnosis,
    "relapsing_activity": _relapsing,
    "progressive_activity": _progressive,
    "course_branch_failed": _course_branch,
    "age_range": _years("birth_date"),
    "disease_duration": _years("ms_onset_date"),
    "edss_range": _edss_range,
    "no_infection": _flags_false,
    "no_recent_therapy": _recent_therapy,
    "no_recent_relapse": _recent_relapse,
    "no_malignancy": _malignancy,
    "flag_false": _flags_false,
    "pregnancy": _pregnancy,
    "renal_and_mri": _renal,
    "consent": _consent,
}
"""The column form of every rule of `rules.KNOWN_RULES`."""
