"""Informed consent and re-consent (PROTOCOL.md, exclusion 14; ICH E6 4.8).

Consent is given on the form version in force on the day it is signed. An amendment that changes
what participants are told issues a new version marked `requires_reconsent`: every participant
whose latest consent is on an older version must consent again on the new one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mesems.clinical.problems import Problem, not_in_future, required


@dataclass(frozen=True)
class ConsentVersion:
    version: str
    effective_from: dt.date
    requires_reconsent: bool = False


def version_in_force(versions: Sequence[ConsentVersion], on: dt.date) -> ConsentVersion | None:
    in_force = [v for v in versions if v.effective_from <= on]
    return max(in_force, key=lambda v: v.effective_from) if in_force else None


def check_consent(
    values: Mapping[str, Any], today: dt.date, versions: Sequence[ConsentVersion]
) -> list[Problem]:
    problems = required(values, ["form_version", "consented_on"], "for informed consent")
    problems += not_in_future(values.get("consented_on"), today, "consented_on")
    chosen, signed = values.get("form_version"), values.get("consented_on")
    known = {v.version: v for v in versions}
    if chosen and chosen not in known:
        listed = ", ".join(known) or "none yet"
        problems.append(
            Problem(
                "form_version",
                "unknown_version",
                f"consent form version {chosen!r} is not known; expected one of [{listed}]",
            )
        )
    elif chosen and signed is not None:
        current = version_in_force(versions, signed)
        if current is None or known[chosen].effective_from > signed:
            problems.append(
                Problem(
                    "form_version",
                    "not_yet_in_force",
                    f"version {chosen} takes effect on {known[chosen].effective_from.isoformat()}, after {signed.isoformat()}",
                )
            )
        elif current.version != chosen:
            problems.append(
                Problem(
                    "form_version",
                    "superseded",
                    f"on {signed.isoformat()} the version in force was {current.version}, not {chosen}",
                )
            )
    if values.get("withdrawn_on") is not None and signed is not None and values["withdrawn_on"] < signed:
        problems.append(
            Problem("withdrawn_on", "before_start", "consent cannot be withdrawn before it was given")
        )
    return problems


def reconsent_needed(
    consented_versions: Sequence[str], versions: Sequence[ConsentVersion], today: dt.date
) -> ConsentVersion | None:
    """The version on which the participant must consent again, or None.

    Needed when a version requiring re-consent is in force today and the participant has not
    consented on it or on a later one."""
    current = version_in_force(versions, today)
    if current is None or not consented_versions:
        return None
    order = {v.version: v.effective_from for v in versions}
    latest = max((order[v] for v in consented_versions if v in order), default=None)
    needing = [
        v
        for v in versions
        if v.requires_reconsent
        and v.effective_from <= today
        and (latest is None or v.effective_from > latest)
    ]
    return max(needing, key=lambda v: v.effective_from) if needing else None
