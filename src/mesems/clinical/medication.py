"""Concomitant medications, classified with the eligibility drug mapping.

Exclusions 5-7 (PROTOCOL.md) keep immunosuppressants, interferon-beta, glatiramer acetate and
corticosteroids away from randomisation; during the trial the same classes are flagged, since
a disease-modifying drug confounds the MRI endpoints. Corticosteroids are flagged too: they are
expected as relapse treatment, so the flag asks for the relapse they treat.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from mesems.clinical.problems import Problem, not_in_future, ordered, required
from mesems.eligibility.drugs import DrugClass, classify_drug

FLAGGED: dict[DrugClass, str] = {
    DrugClass.INTERFERON_BETA: "a disease-modifying therapy not allowed during the trial (exclusion 6)",
    DrugClass.GLATIRAMER: "a disease-modifying therapy not allowed during the trial (exclusion 6)",
    DrugClass.NATALIZUMAB: "an immunosuppressive therapy not allowed during the trial (exclusion 5)",
    DrugClass.FINGOLIMOD: "an immunosuppressive therapy not allowed during the trial (exclusion 5)",
    DrugClass.MITOXANTRONE: "an immunosuppressive therapy not allowed during the trial (exclusion 5)",
    DrugClass.OTHER_IMMUNOSUPPRESSANT: "an immunosuppressive therapy not allowed during the trial (exclusion 5)",
    DrugClass.CORTICOSTEROID: "a corticosteroid: allowed only to treat a relapse; link the relapse",
}


def drug_class_of(name: str | None) -> str:
    """The class name for storing ('' when unclassified)."""
    found = classify_drug(name) if name else None
    return found.value if found else ""


def medication_flag(drug_class: str) -> str:
    try:
        return FLAGGED.get(DrugClass(drug_class), "")
    except ValueError:
        return ""


def check_conmed(values: Mapping[str, Any], today: dt.date) -> list[Problem]:
    problems = required(values, ["drug", "indication", "start_date"], "for a concomitant medication")
    start, stop = values.get("start_date"), values.get("stop_date")
    problems += not_in_future(start, today, "start_date") + not_in_future(stop, today, "stop_date")
    problems += ordered(start, stop, "start_date", "stop_date")
    if values.get("ongoing") and stop is not None:
        problems.append(Problem("stop_date", "ongoing_with_stop", "an ongoing medication has no stop date"))
    if not values.get("ongoing") and stop is None and start is not None:
        problems.append(Problem("stop_date", "required", "enter the stop date, or tick ongoing"))
    return problems
