"""Registry pre-screening: every criterion for every row of a flat extract at once, with polars.

The rules are the per-record engine's (`criteria`, `activity`, `therapy`), written as column
expressions over the extract (`extract.EXTRACT`). Verdicts are coded 0 not met, 1 unknown,
2 met, so that three-valued AND and OR are the row-wise minimum and maximum, as in
`verdicts.all_of` / `any_of`. For every valid row the verdicts equal those of the per-record
engine on `extract.candidate_from_row(row)` (tests check it on thousands of generated records).

Inclusion 1 is one column, `INC-1`, holding the verdict of the branch of the row's course.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

from mesems.eligibility.criteria import branch_criterion, parsed_params
from mesems.eligibility.extract import APPROVED_CLASSES, EDSS_LOOKBACK_MONTHS
from mesems.eligibility.lookback import therapy_days_required
from mesems.eligibility.screening import version_for
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
from mesems.eligibility.verdicts import VERDICT_OF_RANK
from mesems.errors import EligibilityError
from mesems.protocol import EligibilityVersion, Protocol

NOT_MET, UNKNOWN, MET = 0, 1, 2
R = pl.col("planned_randomisation_date")
VERDICT_DTYPE = pl.Enum([str(v) for v in VERDICT_OF_RANK])


def _code(value: int) -> pl.Expr:
    return pl.lit(value, dtype=pl.Int8)


def _flag(expr: pl.Expr) -> pl.Expr:
    """True -> met, False -> not met, null -> unknown."""
    return pl.when(expr.is_null()).then(_code(UNKNOWN)).when(expr).then(_code(MET)).otherwise(_code(NOT_MET))


def _all(*codes: pl.Expr) -> pl.Expr:
    return pl.min_horizontal(*codes) if codes else _code(MET)


def _any(*codes: pl.Expr) -> pl.Expr:
    return pl.max_horizontal(*codes)


def months_back(months: int) -> pl.Expr:
    """The same calendar day `months` months before randomisation, clamped like `lookback.months_before`."""
    return R.dt.offset_by(f"-{months}mo")


def completed_years(start: pl.Expr) -> pl.Expr:
    """`lookback.completed_years(start, randomisation)` for a column."""
    before_anniversary = (R.dt.month().cast(pl.Int32) * 100 + R.dt.day()) < (start.dt.month().cast(pl.Int32) * 100 + start.dt.day())
    return R.dt.year() - start.dt.year() - before_anniversary.cast(pl.Int32)


def _between(value: pl.Expr, low: float | None, high: float | None) -> pl.Expr:
    inside = pl.lit(True)
    if low is not None:
        inside = inside & (value >= low)
    if high is not None:
        inside = inside & (value <= high)
    return _flag(inside)


def last_taken(group: str) -> pl.Expr:
    """The last day a group was taken up to randomisation: the randomisation date when ongoing
    or stopped after it; null when never taken."""
    last = pl.col(f"{group}_last_date")
    return pl.when(pl.col(f"{group}_ongoing").fill_null(False) | (last > R).fill_null(False)).then(R).otherwise(last)


def _unclassified_present() -> pl.Expr:
    return pl.col("unclassified_ongoing").fill_null(False) | pl.col("unclassified_last_date").is_not_null()


def _therapy_known() -> pl.Expr:
    return pl.col("therapy_history_known").fill_null(False)


@dataclass(frozen=True)
class _Version:
    """One eligibility version compiled to expressions."""

    version: EligibilityVersion
    params: dict[str, RuleParams]

    def branch(self, course: str) -> pl.Expr | None:
        criterion = branch_criterion(self.version, course)
        return None if criterion is None else KERNELS[criterion.rule or ""](self, self.params[criterion.id])


Kernel = Callable[[_Version, Any], pl.Expr]


def _years(start: str) -> Kernel:
    def kernel(v: _Version, p: YearsRangeParams) -> pl.Expr:
        return pl.when(pl.col(start).is_null()).then(_code(UNKNOWN)).otherwise(_between(completed_years(pl.col(start)), p.min_years, p.max_years))

    return kernel


def _edss_range(v: _Version, p: EdssRangeParams) -> pl.Expr:
    return _between(pl.col("edss"), p.min, p.max)


def _flags_false(v: _Version, p: FlagsParams) -> pl.Expr:
    return _all(*(_flag(~pl.col(name)) for name in p.fields))


def _recent_therapy(v: _Version, p: RecentTherapyParams) -> pl.Expr:
    first = R - pl.duration(days=p.days) if p.days is not None else months_back(p.months or 0)
    latest = pl.max_horizontal(*(last_taken(str(c)) for c in p.classes))
    return (
        pl.when(~_therapy_known()).then(_code(UNKNOWN))
        .when(latest >= first).then(_code(NOT_MET))
        .when(last_taken("unclassified") >= first).then(_code(UNKNOWN))
        .otherwise(_code(MET))
    )


def _recent_relapse(v: _Version, p: RecentRelapseParams) -> pl.Expr:
    recent = pl.col("relapse_last_date") >= R - pl.duration(days=p.days)
    return pl.when(pl.col("relapse_count").is_null()).then(_code(UNKNOWN)).when(recent.fill_null(False)).then(_code(NOT_MET)).otherwise(_code(MET))


def _malignancy(v: _Version, p: MalignancyParams) -> pl.Expr:
    return _flag(pl.col("malignancy_history").is_in(list(p.allowed)))


def _pregnancy(v: _Version, p: RuleParams) -> pl.Expr:
    pregnant, contraception = pl.col("pregnant"), pl.col("uses_contraception")
    return (
        pl.when(pregnant.fill_null(False)).then(_code(NOT_MET))
        .when(pl.col("sex") == "M").then(_code(MET))
        .when(contraception.not_().fill_null(False)).then(_code(NOT_MET))
        .when(pregnant.not_().fill_null(False) & contraception.fill_null(False)).then(_code(MET))
        .otherwise(_code(UNKNOWN))
    )


def _renal(v: _Version, p: RenalParams) -> pl.Expr:
    return _all(_between(pl.col("egfr"), p.egfr_min, None), _flag(~pl.col("renal_failure")), _flag(pl.col("can_have_mri")))


def _consent(v: _Version, p: RuleParams) -> pl.Expr:
    return _flag(pl.col("consent"))


def _failed_therapy(months: int) -> pl.Expr:
    doubt = pl.col("approved_therapy_start_unknown").fill_null(False) | _unclassified_present()
    return (
        pl.when(~_therapy_known()).then(_code(UNKNOWN))
        .when(pl.col("approved_therapy_days") >= therapy_days_required(months)).then(_code(MET))
        .when(doubt).then(_code(UNKNOWN))
        .otherwise(_code(NOT_MET))
    )


def _relapses_in(months: int, minimum: int) -> pl.Expr:
    if minimum > 2:
        raise EligibilityError(f"prescreen knows the two latest relapses only; the protocol asks for {minimum}", field="relapse_count")
    date = pl.col("relapse_last_date" if minimum == 1 else "relapse_second_last_date")
    return pl.when(pl.col("relapse_count").is_null()).then(_code(UNKNOWN)).when((date >= months_back(months)).fill_null(False)).then(_code(MET)).otherwise(_code(NOT_MET))


def _gel_in(months: int) -> pl.Expr:
    first = months_back(months)
    return (
        pl.when((pl.col("gel_last_positive_date") >= first).fill_null(False)).then(_code(MET))
        .when((pl.col("mri_last_date") >= first).fill_null(False)).then(_code(NOT_MET))
        .otherwise(_code(UNKNOWN))
    )


def _check_approved(classes: list[Any]) -> None:
    if set(classes) != set(APPROVED_CLASSES):
        raise EligibilityError(f"approved_therapy_days counts {', '.join(APPROVED_CLASSES)}; the protocol's therapy_classes differ", field="therapy_classes")


def _relapsing(v: _Version, p: RelapsingActivityParams) -> pl.Expr:
    _check_approved(p.therapy_classes)
    activity = _any(_relapses_in(12, p.relapses_12m_min), _relapses_in(24, p.relapses_24m_min), _gel_in(p.gel_lookback_months))
    return _all(_failed_therapy(p.failed_therapy_min_months), activity)


def _edss_increase(p: ProgressiveActivityParams) -> pl.Expr:
    if p.edss_lookback_months != EDSS_LOOKBACK_MONTHS:
        raise EligibilityError(f"edss_lowest_12m looks back {EDSS_LOOKBACK_MONTHS} months; the protocol asks {p.edss_lookback_months}", field="edss_lowest_12m")
    now = pl.col("edss")
    needed = pl.when(now <= p.edss_threshold).then(p.increase_at_or_below_threshold).otherwise(p.increase_above_threshold)
    return _flag(now - pl.col("edss_lowest_12m") >= needed)


def _progressive(v: _Version, p: ProgressiveActivityParams) -> pl.Expr:
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


def _course_branch(v: _Version, p: CourseBranchParams) -> pl.Expr:
    course = pl.col("ms_course")
    if v.branch(p.course) is None:
        raise EligibilityError(f"eligibility {v.version.id}: no inclusion branch names course {p.course!r}", field="ms_course")
    return pl.when(course.is_null()).then(_code(UNKNOWN)).when(course != p.course).then(_code(MET)).otherwise(_branch_column(p.course))


def _ms_diagnosis(v: _Version, p: MsDiagnosisParams) -> pl.Expr:
    expr = pl.when(pl.col("ms_course").is_null()).then(_code(UNKNOWN))
    for course in ("RR", "SP", "PP"):
        admitted = course in p.courses and v.branch(course) is not None
        expr = expr.when(pl.col("ms_course") == course).then(_branch_column(course) if admitted else _code(NOT_MET))
    return expr.otherwise(_code(NOT_MET))


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


def criterion_ids(version: EligibilityVersion) -> list[str]:
    """The top-level criterion ids of a version, in protocol order (INC-1 stands for its branches)."""
    return [c.id for c in version.criteria]


def evaluate_version(frame: pl.LazyFrame, version: EligibilityVersion) -> pl.LazyFrame:
    """One verdict code (Int8) per criterion of `version`, one column each, for every row."""
    compiled = _Version(version, parsed_params(version))
    branches = {course: compiled.branch(course) for course in ("RR", "SP", "PP")}
    frame = frame.with_columns(*(expr.alias(f"_branch_{course}") for course, expr in branches.items() if expr is not None))
    codes = []
    for criterion in version.criteria:
        if criterion.rule is None:
            codes.append(_code(UNKNOWN).alias(criterion.id))
        else:
            codes.append(KERNELS[criterion.rule](compiled, compiled.params[criterion.id]).alias(criterion.id))
    return frame.select("id", *codes)


def eligible_expr(ids: list[str]) -> pl.Expr:
    """True if all criteria are met, False if any is not met, null otherwise."""
    lowest = pl.min_horizontal(*(pl.col(i) for i in ids))
    return pl.when(lowest == NOT_MET).then(False).when(lowest == MET).then(True).otherwise(None)


def first_failed_expr(ids: list[str]) -> pl.Expr:
    """The first criterion, in protocol order, that is not met (null when none)."""
    return pl.coalesce(*(pl.when(pl.col(i) == NOT_MET).then(pl.lit(i)) for i in ids))


def version_expr(protocol: Protocol, version: str | None) -> pl.Expr:
    """The eligibility version in force on each row's planned randomisation date (or the named one)."""
    if version is not None:
        return pl.lit(version_for(protocol, None, version).id)
    expr: Any = pl
    for v in sorted(protocol.eligibility, key=lambda v: v.effective_from, reverse=True):
        expr = expr.when(R >= v.effective_from).then(pl.lit(v.id))
    return expr.otherwise(None)


def evaluate_extract(frame: pl.DataFrame, protocol: Protocol, version: str | None = None) -> pl.DataFrame:
    """Verdict codes for a checked extract: `id`, `protocol_version`, `eligible`, `first_failed`
    and one Int8 column per criterion (the versions' criteria merged in protocol order; a
    criterion absent from a row's version is null)."""
    versions = frame.select(version_expr(protocol, version).alias("protocol_version")).to_series()
    ids = list(dict.fromkeys(i for v in protocol.eligibility for i in criterion_ids(v)))
    parts, positions = [], []
    for version_id in versions.unique(maintain_order=True).to_list():
        chosen = protocol.eligibility_version(version_id)
        mask = versions == version_id
        codes = evaluate_version(frame.lazy().filter(mask), chosen).with_columns(
            pl.lit(version_id).alias("protocol_version"),
            eligible_expr(criterion_ids(chosen)).alias("eligible"),
            first_failed_expr(criterion_ids(chosen)).alias("first_failed"),
        )
        parts.append(codes.collect())
        positions.append(mask.arg_true())
    if not parts:
        empty = frame.lazy().select("id").with_columns(pl.lit(None, pl.String).alias("protocol_version"), pl.lit(None, pl.Boolean).alias("eligible"), pl.lit(None, pl.String).alias("first_failed"))
        parts.append(empty.collect())
    result = pl.concat(parts, how="diagonal")
    if len(parts) > 1:
        result = result.with_columns(pl.concat(positions).alias("_row")).sort("_row")
    missing = [pl.lit(None, pl.Int8).alias(i) for i in ids if i not in result.columns]
    return result.with_columns(*missing).select("id", "protocol_version", "eligible", "first_failed", *ids)


def as_verdicts(codes: pl.DataFrame, ids: list[str]) -> pl.DataFrame:
    """Codes as the words of `verdicts.Verdict` (met, not_met, unknown)."""
    mapping = {rank: str(v) for rank, v in enumerate(VERDICT_OF_RANK)}
    return codes.with_columns(pl.col(i).replace_strict(mapping, return_dtype=VERDICT_DTYPE) for i in ids)


def prescreen(
    frame: pl.DataFrame, protocol: Protocol, version: str | None = None, *, chunk_rows: int = 250_000, progress: Callable[[int], None] | None = None
) -> pl.DataFrame:
    """Verdict codes for a checked extract (`registry.check_extract`), evaluated in chunks of
    rows; `progress` is told how many rows each chunk held."""
    parts = []
    for offset in range(0, max(frame.height, 1), chunk_rows):
        chunk = frame.slice(offset, chunk_rows)
        parts.append(evaluate_extract(chunk, protocol, version))
        if progress is not None:
            progress(chunk.height)
    return pl.concat(parts)

