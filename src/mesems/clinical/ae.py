"""Adverse events: CTCAE grade, seriousness, causality, outcome, dates, and the period they count in.

PROTOCOL.md, primary safety endpoint: every adverse event from week 0 to week 48, coded by MedDRA
SOC and PT, graded by CTCAE 1-5, attributed to the treatment period in which it starts. The
seriousness criteria are those of ICH E2A (results in death, is life-threatening, needs or
prolongs hospitalisation, results in persistent or significant disability, is a congenital
anomaly, or is another important medical event). Grade 5 is death related to the event (CTCAE
v5), so grade 5, a fatal outcome and the seriousness criterion "death" go together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from mesems.clinical.meddra import check_coding
from mesems.clinical.problems import Problem, not_in_future, ordered, required
from mesems.protocol.model import Period
from mesems.schedule.periods import period_of_date


class Causality(StrEnum):
    NOT_RELATED = "not_related"
    UNLIKELY = "unlikely"
    POSSIBLE = "possible"
    PROBABLE = "probable"
    DEFINITE = "definite"


RELATED = frozenset({Causality.POSSIBLE, Causality.PROBABLE, Causality.DEFINITE})
"""A reasonable possibility of a causal relationship (ICH E2A): possible or more."""


class Outcome(StrEnum):
    RECOVERED = "recovered"
    RECOVERING = "recovering"
    NOT_RECOVERED = "not_recovered"
    RECOVERED_WITH_SEQUELAE = "recovered_with_sequelae"
    FATAL = "fatal"
    UNKNOWN = "unknown"


class Action(StrEnum):
    NONE = "none"
    INFUSION_INTERRUPTED = "infusion_interrupted"
    INFUSION_STOPPED = "infusion_stopped"
    TREATMENT_GIVEN = "treatment_given"
    WITHDRAWN = "withdrawn_from_study"
    OTHER = "other"


SERIOUSNESS_CRITERIA: tuple[str, ...] = (
    "serious_death",
    "serious_life_threatening",
    "serious_hospitalisation",
    "serious_disability",
    "serious_congenital_anomaly",
    "serious_important_medical_event",
)
"""The ICH E2A criteria, one yes/no field each; an event meeting any of them is serious."""

ENDED = frozenset({Outcome.RECOVERED, Outcome.RECOVERED_WITH_SEQUELAE, Outcome.FATAL})


def is_serious(values: Mapping[str, Any]) -> bool:
    return any(bool(values.get(c)) for c in SERIOUSNESS_CRITERIA)


def is_related(causality: str | None) -> bool:
    return causality in RELATED


def check_grade(grade: Any, max_grade: int = 5, field: str = "grade") -> list[Problem]:
    """CTCAE grades are the whole numbers 1 to 5 (the protocol's `safety.ctcae_max_grade`)."""
    if grade is None:
        return []
    if (
        isinstance(grade, bool)
        or not isinstance(grade, int | float)
        or int(grade) != grade
        or not 1 <= grade <= max_grade
    ):
        return [
            Problem(
                field,
                "invalid_grade",
                f"CTCAE grade {grade!r} is not valid; expected one of [{', '.join(str(g) for g in range(1, max_grade + 1))}]",
            )
        ]
    return []


def check_adverse_event(values: Mapping[str, Any], today: dt.date, max_grade: int = 5) -> list[Problem]:
    problems = required(
        values, ["term", "start_date", "grade", "causality", "outcome"], "for every adverse event"
    )
    problems += check_grade(values.get("grade"), max_grade)
    problems += check_coding(values.get("soc"), values.get("pt"))
    start, stop = values.get("start_date"), values.get("stop_date")
    problems += not_in_future(start, today, "start_date") + not_in_future(stop, today, "stop_date")
    problems += ordered(start, stop, "start_date", "stop_date")
    outcome, grade = values.get("outcome"), values.get("grade")
    fatal = outcome == Outcome.FATAL
    if grade == 5 and not fatal:
        problems.append(
            Problem(
                "outcome",
                "grade_5_not_fatal",
                "grade 5 is death related to the event: the outcome must be fatal",
            )
        )
    if fatal and grade is not None and grade != 5:
        problems.append(Problem("grade", "fatal_not_grade_5", f"a fatal event is grade 5, not {grade}"))
    if fatal != bool(values.get("serious_death")) and outcome is not None:
        problems.append(
            Problem(
                "serious_death",
                "death_criterion",
                "a fatal outcome and the seriousness criterion 'results in death' go together",
            )
        )
    if outcome in ENDED and stop is None:
        problems.append(
            Problem("stop_date", "required", f"the outcome '{outcome}' needs the date the event ended")
        )
    if outcome in {Outcome.RECOVERING, Outcome.NOT_RECOVERED} and stop is not None:
        problems.append(
            Problem("stop_date", "not_ended", f"an event that is '{outcome}' has no stop date yet")
        )
    return problems


def attribute_period(
    periods: Sequence[Period],
    randomisation_date: dt.date,
    start_date: dt.date,
    given: Mapping[int, dt.date] | None = None,
) -> int | None:
    """The treatment period an event counts in: the one in which it starts (PROTOCOL.md,
    primary safety), from the infusions given when known; None before the first infusion."""
    return period_of_date(periods, randomisation_date, start_date, given)
