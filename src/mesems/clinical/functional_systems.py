"""The EDSS form: the EDSS on its valid steps and Kurtzke's functional-system (FS) scores.

Each FS has its own scale (Kurtzke 1983): pyramidal, sensory, bowel and bladder and visual 0-6;
cerebellar, brainstem and cerebral 0-5; other 0-1. The EDSS itself is checked by `mesems.clinical.edss`
(0, 1.0, 1.5, ..., 9.5, 10; no 0.5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from mesems.clinical.edss import is_edss_step
from mesems.clinical.problems import Problem, not_in_future, required

FS_MAXIMUM: dict[str, int] = {
    "fs_pyramidal": 6,
    "fs_cerebellar": 5,
    "fs_brainstem": 5,
    "fs_sensory": 6,
    "fs_bowel_bladder": 6,
    "fs_visual": 6,
    "fs_cerebral": 5,
    "fs_other": 1,
}
"""Highest grade of each Kurtzke functional system (Kurtzke, Neurology 1983;33:1444-52); "other" is
0 or 1 (any other finding attributable to MS)."""

SCORED_FS: tuple[str, ...] = tuple(name for name in FS_MAXIMUM if name != "fs_other")
"""The seven systems the EDSS form scores; "other" is carried by exports when a source records it."""


def check_fs_score(field: str, value: Any) -> list[Problem]:
    if value is None:
        return []
    top = FS_MAXIMUM[field]
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or int(value) != value
        or not 0 <= value <= top
    ):
        return [
            Problem(
                field,
                "invalid_fs_score",
                f"{value!r} is not a score of this functional system; expected a whole number 0-{top}",
            )
        ]
    return []


def check_edss_assessment(values: Mapping[str, Any], today: dt.date) -> list[Problem]:
    problems = required(values, ["assessed_on", "edss"], "for an EDSS assessment")
    problems += not_in_future(values.get("assessed_on"), today, "assessed_on")
    edss = values.get("edss")
    if edss is not None and not is_edss_step(edss):
        problems.append(
            Problem(
                "edss",
                "invalid_edss",
                f"{edss:g} is not an EDSS step; expected 0 or 1.0 to 10 in steps of 0.5 (no 0.5)",
            )
        )
    for field in FS_MAXIMUM:
        problems += check_fs_score(field, values.get(field))
    return problems
