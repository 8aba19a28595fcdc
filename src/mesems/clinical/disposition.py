"""End of study, protocol deviations, demographics and MS history: the participant-level forms.

End of study feeds the CONSORT diagram (completed, withdrawn, lost to follow-up): a participant
completes with the week-48 visit; withdrawal and loss to follow-up need a reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from mesems.clinical.problems import Problem, in_range, not_in_future, ordered, required

END_STATUSES = ("completed", "withdrawn", "lost_to_follow_up")
DEVIATION_CATEGORIES = ("visit_window", "eligibility", "dosing", "procedure", "consent", "other")
FOUND_HOW = ("monitoring_visit", "data_review", "site_report", "system_check")


def check_end_of_study(
    values: Mapping[str, Any],
    today: dt.date,
    randomisation_date: dt.date | None,
    last_visit_week: int | None,
    final_week: int,
) -> list[Problem]:
    problems = required(values, ["status", "end_date"], "at the end of study")
    status, end = values.get("status"), values.get("end_date")
    problems += not_in_future(end, today, "end_date")
    problems += ordered(randomisation_date, end, "randomisation date", "end_date")
    if status and status != "completed" and not values.get("reason"):
        problems.append(
            Problem("reason", "required", f"give the reason the participant is {status.replace('_', ' ')}")
        )
    if status == "completed" and last_visit_week != final_week:
        done = "no visit" if last_visit_week is None else f"week {last_visit_week}"
        problems.append(
            Problem(
                "status",
                "not_completed",
                f"completion needs the week-{final_week} visit done; the last visit done is {done}",
            )
        )
    return problems


def check_deviation(values: Mapping[str, Any], today: dt.date) -> list[Problem]:
    problems = required(
        values, ["category", "description", "found_how", "found_on"], "for a protocol deviation"
    )
    return problems + not_in_future(values.get("found_on"), today, "found_on")


def check_demographics(values: Mapping[str, Any], today: dt.date) -> list[Problem]:
    problems = required(values, ["birth_date", "sex"], "in the demographics")
    problems += not_in_future(values.get("birth_date"), today, "birth_date")
    born = values.get("birth_date")
    if born is not None and (today.year - born.year) > 120:
        problems.append(
            Problem("birth_date", "implausible", f"birth date {born.isoformat()} gives an age over 120")
        )
    return problems + in_range(values.get("height_cm"), 120, 220, "height_cm", "Height", "cm")


def check_ms_history(values: Mapping[str, Any], today: dt.date) -> list[Problem]:
    problems = required(values, ["onset_date", "diagnosis_date", "ms_course"], "in the MS history")
    onset, diagnosis = values.get("onset_date"), values.get("diagnosis_date")
    problems += not_in_future(onset, today, "onset_date") + not_in_future(diagnosis, today, "diagnosis_date")
    problems += ordered(onset, diagnosis, "onset_date", "diagnosis_date")
    relapses = values.get("relapses_prior_12m")
    if relapses is not None and relapses < 0:
        problems.append(
            Problem("relapses_prior_12m", "not_a_count", "a number of relapses cannot be negative")
        )
    return problems
