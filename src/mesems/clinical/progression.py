"""Confirmed disability progression (CDP) from EDSS assessments (secondary endpoint
`confirmed_progression` of the protocol).

Rule: progression is an EDSS increase from baseline of at least 1.0 point when the baseline EDSS is
5.5 or less, or at least 0.5 point when it is above 5.5, confirmed at a visit at least 12 weeks
later. mesems reads "confirmed" as sustained: the increase must hold at every assessment from its
onset up to and including the first assessment at least 12 weeks after the onset. The event time
is the onset; a participant without a confirmed increase is censored at the last assessment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mesems.errors import ClinicalError

EDSS_STEPS: frozenset[float] = frozenset([0.0] + [x / 2 for x in range(2, 21)])
"""Valid EDSS values: 0, 1.0, 1.5, ..., 9.5, 10 (no 0.5)."""
CONFIRMATION_DAYS: int = 12 * 7
BASELINE_CUT: float = 5.5


def progression_threshold(baseline_edss: float) -> float:
    """The increase that counts as progression: 1.0 from a baseline <= 5.5, 0.5 above it."""
    return 1.0 if baseline_edss <= BASELINE_CUT else 0.5


@dataclass(frozen=True)
class EdssAssessment:
    """One EDSS assessment, `day` counted from randomisation (week 0 = day 0)."""

    day: int
    edss: float


@dataclass(frozen=True)
class ProgressionOutcome:
    """The CDP outcome of one participant: `time_days` is the onset (event) or the last assessment (censored)."""

    baseline_edss: float
    progressed: bool
    time_days: int
    onset_day: int | None = None
    confirmed_day: int | None = None


def _check(value: float, what: str) -> None:
    if value not in EDSS_STEPS:
        raise ClinicalError(f"{what} EDSS {value:g} is not a valid EDSS step (0, 1.0, 1.5, ..., 10)", field="edss")


def confirmed_progression(baseline_edss: float, assessments: Sequence[EdssAssessment],
                          confirmation_days: int = CONFIRMATION_DAYS) -> ProgressionOutcome:
    """Derive CDP from the baseline EDSS and the later assessments (any order; day 0 and earlier ignored)."""
    _check(baseline_edss, "baseline")
    later = sorted((a for a in assessments if a.day > 0), key=lambda a: a.day)
    for a in later:
        _check(a.edss, f"day {a.day}")
    threshold = progression_threshold(baseline_edss)
    raised = [a.edss - baseline_edss >= threshold for a in later]
    for i, onset in enumerate(later):
        if not raised[i]:
            continue
        for j in range(i + 1, len(later)):
            if not raised[j]:
                break
            if later[j].day - onset.day >= confirmation_days:
                return ProgressionOutcome(baseline_edss, True, onset.day, onset.day, later[j].day)
    return ProgressionOutcome(baseline_edss, False, later[-1].day if later else 0)
