"""Pocock-Simon minimisation (Pocock & Simon, Biometrics 1975;31:103-115).

For each arm a new participant could get, the imbalance it would leave is summed over the
stratification factors: for factor f, the range (max - min) across arms of the counts of
participants with the new participant's level of f, counting the new one in arm a. With the
protocol's `minimisation_probability` the arm with the smallest total is given; otherwise
another arm. Ties go to the drawn arm. The draws are made in advance (blocks.minimisation_draws)
so a list can be sealed and verified like a block list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Assigned:
    """A participant already allocated: their factor levels and the sequence they got."""

    levels: Mapping[str, str]
    sequence: str


def imbalance_scores(history: Sequence[Assigned], levels: Mapping[str, str], arms: Sequence[str]) -> dict[str, int]:
    """Total range imbalance over the factors if the new participant went to each arm."""
    counts: dict[str, Counter[str]] = {factor: Counter() for factor in levels}
    for previous in history:
        for factor, level in levels.items():
            if previous.levels.get(factor) == level:
                counts[factor][previous.sequence] += 1
    scores: dict[str, int] = {}
    for candidate in arms:
        total = 0
        for factor in levels:
            after = [counts[factor][arm] + (arm == candidate) for arm in arms]
            total += max(after) - min(after)
        scores[candidate] = total
    return scores


def minimise(history: Sequence[Assigned], levels: Mapping[str, str], arms: Sequence[str], follow: bool, drawn: str) -> str:
    """The arm for the next participant given the position's pre-drawn `follow` flag and arm."""
    scores = imbalance_scores(history, levels, arms)
    best = min(scores.values())
    preferred = [arm for arm in arms if scores[arm] == best]
    if len(preferred) == len(arms):
        return drawn
    pool = preferred if follow else [arm for arm in arms if arm not in preferred]
    return drawn if drawn in pool else pool[0]
