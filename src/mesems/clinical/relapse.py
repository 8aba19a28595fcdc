"""Relapses after randomisation: what counts as one, and when it is confirmed [default].

A relapse is new or worsening neurological symptoms attributed to MS, lasting at least 24 hours,
without fever or infection, and starting at least 30 days after the onset of the previous relapse
(the definition used in the MS trials that MESEMS follows; symptoms with fever are a
pseudo-relapse, to be recorded as an adverse event). A relapse is confirmed when the examination
at its unscheduled visit shows an EDSS increase of >= 0.5 from the last EDSS before it, or an
increase of >= 1 point in at least two functional systems, or >= 2 points in one. Relapses feed
the annualised relapse rate (PROTOCOL.md, secondary endpoints), counted in the period of onset.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from mesems.clinical.problems import Problem, not_in_future, required

MIN_DURATION_HOURS = 24
MIN_DAYS_BETWEEN_ONSETS = 30
EDSS_CONFIRMATION = 0.5


def check_relapse(
    values: Mapping[str, Any],
    today: dt.date,
    randomisation_date: dt.date | None,
    other_onsets: Iterable[dt.date] = (),
) -> list[Problem]:
    problems = required(values, ["onset_date", "symptoms", "duration_hours"], "for a relapse")
    onset = values.get("onset_date")
    problems += not_in_future(onset, today, "onset_date")
    if onset is not None and randomisation_date is not None and onset < randomisation_date:
        problems.append(
            Problem(
                "onset_date",
                "before_randomisation",
                f"onset {onset.isoformat()} is before randomisation ({randomisation_date.isoformat()}); record it in the MS history",
            )
        )
    hours = values.get("duration_hours")
    if hours is not None and hours < MIN_DURATION_HOURS:
        problems.append(
            Problem(
                "duration_hours",
                "too_short",
                f"symptoms lasting {hours:g} h are not a relapse; a relapse lasts at least {MIN_DURATION_HOURS} h",
            )
        )
    if values.get("fever_or_infection"):
        problems.append(
            Problem(
                "fever_or_infection",
                "pseudo_relapse",
                "symptoms with fever or infection are a pseudo-relapse; record them as an adverse event",
            )
        )
    if onset is not None:
        for other in other_onsets:
            if abs((onset - other).days) < MIN_DAYS_BETWEEN_ONSETS:
                problems.append(
                    Problem(
                        "onset_date",
                        "too_close",
                        f"onset is within {MIN_DAYS_BETWEEN_ONSETS} days of the relapse starting {other.isoformat()}: the same relapse",
                    )
                )
    return problems


def relapse_confirmed(
    edss_before: float | None,
    edss_at_relapse: float | None,
    fs_before: Mapping[str, int | None] | None = None,
    fs_at_relapse: Mapping[str, int | None] | None = None,
) -> bool:
    """True when the examination at the relapse shows the increase defined above."""
    if (
        edss_before is not None
        and edss_at_relapse is not None
        and edss_at_relapse - edss_before >= EDSS_CONFIRMATION
    ):
        return True
    before, after = fs_before or {}, fs_at_relapse or {}
    rises = [after[k] - before[k] for k in after if after.get(k) is not None and before.get(k) is not None]  # type: ignore[operator]
    return sum(r >= 1 for r in rises) >= 2 or any(r >= 2 for r in rises)
