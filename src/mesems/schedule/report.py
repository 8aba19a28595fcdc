"""The visit report: the date a visit was done, or that it was not done and why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from mesems.clinical.problems import Problem, not_in_future


def check_visit_report(
    values: Mapping[str, Any], today: dt.date, randomisation_date: dt.date
) -> list[Problem]:
    """Either a date (on or after randomisation, not in the future) or 'not done' with a reason.
    A date outside the window is allowed: it is logged as a deviation, not refused."""
    done_on, missed = values.get("visit_date"), bool(values.get("missed"))
    problems = not_in_future(done_on, today, "visit_date")
    if done_on is None and not missed:
        problems.append(
            Problem("visit_date", "required", "enter the date of the visit, or mark it as not done")
        )
    if done_on is not None and missed:
        problems.append(
            Problem(
                "missed",
                "done_and_missed",
                "a visit with a date was done; clear the date or untick 'not done'",
            )
        )
    if missed and not (values.get("missed_reason") or "").strip():
        problems.append(Problem("missed_reason", "required", "say why the visit was not done"))
    if done_on is not None and done_on < randomisation_date:
        problems.append(
            Problem(
                "visit_date",
                "before_randomisation",
                f"{done_on.isoformat()} is before randomisation ({randomisation_date.isoformat()})",
            )
        )
    return problems
