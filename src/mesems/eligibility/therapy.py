"""Therapy history: classified courses, the last day each class was taken, and exposure.

Exclusions 5-7 ask when a class was last taken; inclusion 1a/1b how long the approved therapies
were taken. A course without a stop date (or stopping after the planned randomisation date)
is ongoing and counts as taken on that date (PROTOCOL.md). A drug that cannot be
classified might belong to any class: where it could change a verdict, the verdict is unknown
and the reason names it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from mesems.eligibility.drugs import DrugClass, classify_drug
from mesems.eligibility.lookback import days_before, exposure_days, therapy_days_required, window_start
from mesems.eligibility.record import Therapy
from mesems.eligibility.rules import RecentTherapyParams
from mesems.eligibility.verdicts import Outcome, Verdict


@dataclass(frozen=True)
class Course:
    """One therapy course as the criteria see it, up to the planned randomisation date."""

    drug: str
    drug_class: DrugClass | None
    start: dt.date | None
    last: dt.date
    ongoing: bool


def therapy_courses(therapies: Sequence[Therapy], randomisation: dt.date) -> tuple[Course, ...]:
    """The courses, classified, each with the last day taken on or before `randomisation`."""
    return tuple(
        Course(
            drug=t.drug,
            drug_class=classify_drug(t.drug),
            start=t.start,
            last=randomisation if t.stop is None else min(t.stop, randomisation),
            ongoing=t.stop is None or t.stop > randomisation,
        )
        for t in therapies
    )


def unclassified_drugs(therapies: Sequence[Therapy]) -> tuple[str, ...]:
    """The drug names that no class matched, in record order without repeats."""
    return tuple(dict.fromkeys(t.drug for t in therapies if classify_drug(t.drug) is None))


def class_list(classes: Sequence[DrugClass], joiner: str = "or") -> str:
    labels = [c.label for c in classes]
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} {joiner} {labels[-1]}"


def _listed(names: Sequence[str], quote: bool = False) -> str:
    return ", ".join(repr(n) if quote else n for n in dict.fromkeys(names))


def recent_therapy(courses: Sequence[Course], randomisation: dt.date, params: RecentTherapyParams) -> Outcome:
    """Exclusions 5, 6, 7: no therapy of `params.classes` within `days` days or `months` months
    before randomisation (taken on or after the window's first day excludes)."""
    first_day = window_start(randomisation, days=params.days, months=params.months)
    if params.days is not None:
        span, clear = f"{params.days} days", f"more than {params.days}"
        stop = f"more than {params.days} days before it"
    else:
        span = f"{params.months} months"
        clear = stop = f"before {first_day} ({params.months} months before randomisation)"
    label = class_list(params.classes)
    data: dict[str, object] = {
        "window_start": first_day.isoformat(),
        "classes": [str(c) for c in params.classes],
    }
    taken = [c for c in courses if c.drug_class in params.classes]
    latest = max(taken, key=lambda c: c.last, default=None)
    if latest is not None:
        when = days_before(latest.last, randomisation)
        data |= {"last_taken": latest.last.isoformat(), "drug": latest.drug, "days_before": when}
        name = latest.drug_class.label if latest.drug_class else latest.drug
        if latest.ongoing:
            return Outcome(
                Verdict.NOT_MET,
                f"{name} ({latest.drug}) ongoing, counted as taken on the randomisation date {randomisation}; must stop {stop}",
                data,
            )
        if latest.last >= first_day:
            return Outcome(
                Verdict.NOT_MET,
                f"last {name} {latest.last} ({latest.drug}), {when} days before randomisation; must be {clear}",
                data,
            )
    unclassified = [c.drug for c in courses if c.drug_class is None and c.last >= first_day]
    if unclassified:
        return Outcome.unknown(
            f"could not classify {_listed(unclassified, quote=True)}, taken within {span} before randomisation: it may be {label}",
            "therapies",
            data=data,
        )
    if latest is None:
        return Outcome(Verdict.MET, f"no {label} recorded", data)
    return Outcome(
        Verdict.MET,
        f"last {name} {latest.last} ({latest.drug}), {when} days before randomisation ({clear})",
        data,
    )


def therapy_failure(courses: Sequence[Course], months: int, classes: Sequence[DrugClass]) -> Outcome:
    """Inclusion 1a/1b: at least `months` months (ceil(months x 365 / 12) days) of the approved
    therapies, overlapping courses counted once, up to the planned randomisation date."""
    needed = therapy_days_required(months)
    taken = [c for c in courses if c.drug_class in classes]
    days = exposure_days((c.start, c.last) for c in taken if c.start is not None)
    data = {"approved_therapy_days": days, "approved_therapy_days_needed": needed}
    drugs = _listed([c.drug for c in taken])
    if days >= needed:
        return Outcome(
            Verdict.MET,
            f"approved therapy for {days} days ({drugs}), at least {needed} ({months} months) needed",
            data,
        )
    doubts = [f"start of {c.drug!r} unknown" for c in taken if c.start is None]
    doubts += [f"could not classify {c.drug!r}" for c in courses if c.drug_class is None]
    had = (
        f"approved therapy for {days} days ({drugs})"
        if taken
        else f"no approved therapy recorded ({class_list(classes)})"
    )
    if doubts:
        return Outcome.unknown(
            f"{had}, at least {needed} ({months} months) needed; {'; '.join(dict.fromkeys(doubts))}",
            "therapies",
            data=data,
        )
    return Outcome(Verdict.NOT_MET, f"{had}; at least {needed} ({months} months) needed", data)
