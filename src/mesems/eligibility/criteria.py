"""The criteria of an eligibility version, evaluated for one candidate.

Each rule named in the protocol file has its evaluation function here (or in `activity` and
`therapy`), taking the candidate's context and the rule's typed parameters and returning an
`Outcome`: a verdict, a reason a clinician would accept, the data it used and, when unknown,
the fields it lacked.

Inclusion 1 is reported as the branch of the candidate's course (INC-1a for RRMS, INC-1b for
SPMS, INC-1c for PPMS), since the other branches do not apply to them; with the course unknown
it is reported as INC-1, unknown. Exclusions 1-3 mirror the branch of their course and are met
(clear) for a candidate of another course. So every criterion listed counts: the candidate is
eligible exactly when all are met.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from mesems.eligibility.activity import progressive_activity, relapsing_activity
from mesems.eligibility.context import Context
from mesems.eligibility.lookback import completed_years, days_before, window_start
from mesems.eligibility.record import COURSE_NAMES, FLAG_LABELS, CandidateRecord
from mesems.eligibility.rules import (
    KNOWN_RULES,
    CourseBranchParams,
    EdssRangeParams,
    FlagsParams,
    MalignancyParams,
    MsDiagnosisParams,
    RecentRelapseParams,
    RecentTherapyParams,
    RenalParams,
    RuleParams,
    YearsRangeParams,
)
from mesems.eligibility.therapy import recent_therapy
from mesems.eligibility.verdicts import Outcome, Verdict, combine, verdict_of
from mesems.errors import ProtocolError
from mesems.protocol import Criterion, CriterionKind, EligibilityVersion

BRANCH_RULES = frozenset({"relapsing_activity", "progressive_activity"})


@dataclass(frozen=True)
class CriterionResult:
    """One criterion's verdict for one candidate."""

    id: str
    kind: CriterionKind
    text: str
    verdict: Verdict
    reason: str
    data: dict[str, Any] = field(default_factory=dict)
    missing: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": str(self.kind),
            "text": self.text,
            "verdict": str(self.verdict),
            "reason": self.reason,
            "data": self.data,
            "missing": list(self.missing),
        }


def _bounds(low: float | None, high: float | None, fmt: str = "{:g}") -> str:
    if low is not None and high is not None:
        return f"within {fmt.format(low)} to {fmt.format(high)}"
    return f"at least {fmt.format(low)}" if low is not None else f"at most {fmt.format(high)}"


def _in_range(
    what: str, value: float, low: float | None, high: float | None, fmt: str = "{:g}", detail: str = ""
) -> tuple[Verdict, str]:
    """`what value detail` checked against inclusive bounds, with the reason in a clinician's words."""
    shown = f"{what} {fmt.format(value)}{detail}"
    if low is not None and value < low:
        return Verdict.NOT_MET, f"{shown} is below {fmt.format(low)}"
    if high is not None and value > high:
        return Verdict.NOT_MET, f"{shown} is above {fmt.format(high)}"
    return Verdict.MET, f"{shown}, {_bounds(low, high, fmt)}"


def _years_since(
    ctx: Context,
    params: YearsRangeParams,
    start: dt.date | None,
    field_name: str,
    *,
    what: str,
    unit: str,
    since: str,
) -> Outcome:
    """Completed years from `start` to the planned randomisation date within the bounds."""
    if start is None:
        return Outcome.unknown(f"{field_name.replace('_', ' ')} not given", field_name)
    if ctx.randomisation is None:
        return ctx.undated_outcome()
    years = completed_years(start, ctx.randomisation)
    verdict, reason = _in_range(
        what,
        years,
        params.min_years,
        params.max_years,
        detail=f"{unit} on {ctx.randomisation} ({since} {start})",
    )
    return Outcome(verdict, reason, {field_name: start.isoformat(), "years": years})


def age_range(ctx: Context, params: YearsRangeParams) -> Outcome:
    """Inclusion 2: age in completed years on the planned randomisation date, bounds inclusive."""
    return _years_since(ctx, params, ctx.record.birth_date, "birth_date", what="age", unit="", since="born")


def disease_duration(ctx: Context, params: YearsRangeParams) -> Outcome:
    """Inclusion 3: completed years from MS onset to the planned randomisation date, bounds inclusive."""
    return _years_since(
        ctx,
        params,
        ctx.record.ms_onset_date,
        "ms_onset_date",
        what="disease duration",
        unit=" years",
        since="onset",
    )


def edss_range(ctx: Context, params: EdssRangeParams) -> Outcome:
    """Inclusion 4: EDSS at screening within the version's range, bounds inclusive."""
    if ctx.record.edss is None:
        return Outcome.unknown("EDSS at screening not given", "edss")
    verdict, reason = _in_range("EDSS", ctx.record.edss, params.min, params.max, "{:.1f}")
    return Outcome(verdict, reason, {"edss": ctx.record.edss})


def flags_false(ctx: Context, params: FlagsParams) -> Outcome:
    """Exclusions 4, 10, 11: each named yes/no item must be answered no; a yes excludes."""
    answers: dict[str, bool | None] = {name: getattr(ctx.record, name) for name in params.fields}
    yes = [FLAG_LABELS[n] for n, v in answers.items() if v]
    unanswered = [n for n, v in answers.items() if v is None]
    if yes:
        return Outcome(Verdict.NOT_MET, f"{', '.join(yes)}: yes", answers)
    if unanswered:
        return Outcome.unknown(
            f"not answered: {', '.join(FLAG_LABELS[n] for n in unanswered)}", *unanswered, data=answers
        )
    return Outcome(Verdict.MET, f"no {', no '.join(FLAG_LABELS[n] for n in answers)}", answers)


def no_recent_therapy(ctx: Context, params: RecentTherapyParams) -> Outcome:
    """Exclusions 5, 6, 7 (see `therapy.recent_therapy`)."""
    if ctx.randomisation is None:
        return ctx.undated_outcome()
    if ctx.courses is None:
        return Outcome.unknown("therapy history not given", "therapies")
    return recent_therapy(ctx.courses, ctx.randomisation, params)


def no_recent_relapse(ctx: Context, params: RecentRelapseParams) -> Outcome:
    """Exclusion 8: a relapse at most `days` days before randomisation excludes."""
    if ctx.randomisation is None:
        return ctx.undated_outcome()
    if ctx.record.relapses is None:
        return Outcome.unknown("relapse history not given", "relapses")
    if not ctx.record.relapses:
        return Outcome(Verdict.MET, "no relapse recorded")
    last = max(ctx.record.relapses)
    when = days_before(last, ctx.randomisation)
    data = {"last_relapse": last.isoformat(), "days_before": when}
    if last >= window_start(ctx.randomisation, days=params.days):
        return Outcome(
            Verdict.NOT_MET,
            f"last relapse {last}, {when} days before randomisation; must be more than {params.days}",
            data,
        )
    return Outcome(
        Verdict.MET, f"last relapse {last}, {when} days before randomisation (more than {params.days})", data
    )


def no_malignancy(ctx: Context, params: MalignancyParams) -> Outcome:
    """Exclusion 9: no past malignancy other than the allowed kinds."""
    history = ctx.record.malignancy_history
    if history is None:
        return Outcome.unknown("malignancy history not given", "malignancy_history")
    allowed = history in params.allowed
    return Outcome(
        verdict_of(allowed),
        f"malignancy history: {history.replace('_', ' ')}"
        + ("" if allowed else f" (allowed: {', '.join(a.replace('_', ' ') for a in params.allowed)})"),
        {"malignancy_history": history},
    )


def pregnancy(ctx: Context, params: RuleParams) -> Outcome:
    """Exclusion 12: pregnant, or at risk of pregnancy (unwilling to use effective contraception);
    does not apply to men."""
    record: CandidateRecord = ctx.record
    data = {"sex": record.sex, "pregnant": record.pregnant, "uses_contraception": record.uses_contraception}
    if record.pregnant:
        return Outcome(Verdict.NOT_MET, "pregnant", data)
    if record.sex == "M":
        return Outcome(Verdict.MET, "male: pregnancy does not apply", data)
    if record.uses_contraception is False:
        return Outcome(
            Verdict.NOT_MET, "at risk of pregnancy: not willing to use effective contraception", data
        )
    if record.pregnant is False and record.uses_contraception:
        return Outcome(Verdict.MET, "not pregnant, uses effective contraception", data)
    missing = [name for name in ("pregnant", "uses_contraception") if data[name] is None]
    return Outcome.unknown(
        f"not answered: {', '.join(m.replace('_', ' ') for m in missing)}", *missing, data=data
    )


def renal_and_mri(ctx: Context, params: RenalParams) -> Outcome:
    """Exclusion 13: eGFR below the minimum, known renal failure, or unable to have an MRI."""
    record = ctx.record
    if record.egfr is None:
        egfr = Outcome.unknown("eGFR not given", "egfr")
    else:
        verdict, reason = _in_range("eGFR", record.egfr, params.egfr_min, None, detail=" mL/min/1.73 m2")
        egfr = Outcome(verdict, reason, {"egfr": record.egfr})
    failure = flags_false(ctx, FlagsParams(fields=["renal_failure"]))
    if record.can_have_mri is None:
        mri = Outcome.unknown("not answered: able to have an MRI", "can_have_mri")
    else:
        mri = Outcome(
            verdict_of(record.can_have_mri),
            "able to have an MRI" if record.can_have_mri else "unable to have an MRI",
        )
    return combine([egfr, failure, mri])


def consent(ctx: Context, params: RuleParams) -> Outcome:
    """Exclusion 14: unable to give written informed consent under the ethics committee's rules."""
    able = ctx.record.consent
    if able is None:
        return Outcome.unknown("not answered: able to give written informed consent", "consent")
    return Outcome(
        verdict_of(able),
        "able to give written informed consent" if able else "unable to give written informed consent",
    )


def branch_criterion(version: EligibilityVersion, course: str) -> Criterion | None:
    """The inclusion-1 branch of `course` in `version` (the criterion whose rule names that course)."""
    for criterion in _walk(version.criteria):
        if criterion.rule in BRANCH_RULES and criterion.params.get("course") == course:
            return criterion
    return None


def _walk(criteria: list[Criterion]) -> Iterator[Criterion]:
    for criterion in criteria:
        yield criterion
        yield from _walk(criterion.items)


def branch_outcome(ctx: Context, course: str) -> tuple[Criterion, Outcome] | None:
    """The branch of `course` and its outcome, evaluated once per candidate."""
    criterion = branch_criterion(ctx.version, course)
    if criterion is None:
        return None
    if course not in ctx.branches:
        ctx.branches[course] = evaluate_rule(ctx, criterion)
    return criterion, ctx.branches[course]


def course_branch_failed(ctx: Context, params: CourseBranchParams) -> Outcome:
    """Exclusions 1-3: a candidate of this course who does not meet its inclusion-1 branch."""
    course, name = ctx.record.ms_course, COURSE_NAMES[params.course]
    if course is None:
        return Outcome.unknown(f"MS course not given: applies if {name}", "ms_course")
    if course != params.course:
        return Outcome(
            Verdict.MET,
            f"applies to {name} only; the candidate has {COURSE_NAMES[course]}",
            {"ms_course": course},
        )
    found = branch_outcome(ctx, course)
    if found is None:
        raise ProtocolError(f"eligibility {ctx.version.id}: no inclusion branch names course {course!r}")
    branch, outcome = found
    lead = {
        Verdict.MET: "meets",
        Verdict.NOT_MET: "does not meet",
        Verdict.UNKNOWN: "not known whether it meets",
    }[outcome.verdict]
    detail = "" if outcome.verdict is Verdict.MET else f": {outcome.reason}"
    return Outcome(outcome.verdict, f"{name} {lead} {branch.id}{detail}", outcome.data, outcome.missing)


def ms_diagnosis(ctx: Context, criterion: Criterion) -> tuple[Criterion, Outcome]:
    """Inclusion 1: the branch of the candidate's course, reported under that branch's id."""
    params = cast(MsDiagnosisParams, ctx.params[criterion.id])
    course = ctx.record.ms_course
    if course is None:
        return criterion, Outcome.unknown(
            "MS course (RR, SP or PP) not given: the branch that applies depends on it", "ms_course"
        )
    if course not in params.courses:
        return criterion, Outcome(
            Verdict.NOT_MET,
            f"{COURSE_NAMES[course]} is not among the courses admitted ({', '.join(params.courses)})",
        )
    found = branch_outcome(ctx, course)
    if found is None:
        return criterion, Outcome(Verdict.NOT_MET, f"no inclusion branch for {COURSE_NAMES[course]}")
    return found


Evaluator = Callable[[Context, Any], Outcome]

EVALUATORS: dict[str, Evaluator] = {
    "relapsing_activity": relapsing_activity,
    "progressive_activity": progressive_activity,
    "course_branch_failed": course_branch_failed,
    "age_range": age_range,
    "disease_duration": disease_duration,
    "edss_range": edss_range,
    "no_infection": flags_false,
    "no_recent_therapy": no_recent_therapy,
    "no_recent_relapse": no_recent_relapse,
    "no_malignancy": no_malignancy,
    "flag_false": flags_false,
    "pregnancy": pregnancy,
    "renal_and_mri": renal_and_mri,
    "consent": consent,
}
"""Every rule of `KNOWN_RULES` but `ms_diagnosis`, which chooses among its items."""


def evaluate_rule(ctx: Context, criterion: Criterion) -> Outcome:
    if criterion.rule is None:
        return Outcome.unknown("to be answered by the investigator (no computable rule)", criterion.id)
    return EVALUATORS[criterion.rule](ctx, ctx.params[criterion.id])


_PARSED: dict[int, tuple[EligibilityVersion, dict[str, RuleParams]]] = {}


def parsed_params(version: EligibilityVersion) -> dict[str, RuleParams]:
    """The typed parameters of every computable criterion of `version`, by criterion id; parsed
    once per version object (the cache keeps the version alive, so its id stays its own)."""
    cached = _PARSED.get(id(version))
    if cached is None or cached[0] is not version:
        params = {
            c.id: KNOWN_RULES[c.rule].parse(c.params) for c in _walk(version.criteria) if c.rule is not None
        }
        if len(_PARSED) > 64:
            _PARSED.clear()
        cached = _PARSED[id(version)] = (version, params)
    return cached[1]


def evaluate_criteria(record: CandidateRecord, version: EligibilityVersion) -> tuple[CriterionResult, ...]:
    """Every criterion of `version` for `record`, in protocol order."""
    ctx = Context(record, version, parsed_params(version))
    results = []
    for criterion in version.criteria:
        shown, outcome = (
            ms_diagnosis(ctx, criterion)
            if criterion.rule == "ms_diagnosis"
            else (criterion, evaluate_rule(ctx, criterion))
        )
        results.append(
            CriterionResult(
                shown.id,
                shown.kind,
                shown.text,
                outcome.verdict,
                outcome.reason,
                dict(outcome.data),
                outcome.missing,
            )
        )
    return tuple(results)
