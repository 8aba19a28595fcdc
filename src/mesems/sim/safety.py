"""Adverse events: background events by MedDRA SOC/PT with CTCAE grades, infusion reactions,
and relapses that put a participant in hospital (serious adverse events).

Events are attributed to the treatment period in which they start (PROTOCOL.md, primary
safety endpoint): on or after the second infusion is period 2.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from mesems.sim.disease import DAYS_PER_YEAR, Relapse
from mesems.sim.scenario import AdverseEventTerm, Scenario

INFUSION_REACTION = AdverseEventTerm(
    term="infusion reaction", soc="Injury, poisoning and procedural complications", pt="Infusion related reaction",
    weight=1.0, grades=(60.0, 35.0, 5.0, 0.0, 0.0), related=1.0, expected=True)
RELAPSE = AdverseEventTerm(
    term="MS relapse needing admission", soc="Nervous system disorders", pt="Multiple sclerosis relapse",
    weight=1.0, grades=(0.0, 0.0, 100.0, 0.0, 0.0), related=0.0, expected=True)


@dataclass(frozen=True)
class AdverseEvent:
    term: AdverseEventTerm
    start_day: int
    duration_days: int
    grade: int
    serious: bool
    related: bool
    infusion_reaction: bool


@dataclass(frozen=True)
class Infusion:
    day: int
    period: int
    product: str  # the intervention id, e.g. MSC or PLACEBO


def _event(term: AdverseEventTerm, day: int, scenario: Scenario, rng: np.random.Generator, *,
           serious: bool | None = None, infusion_reaction: bool = False) -> AdverseEvent:
    weights = np.array(term.grades, dtype=float)
    grade = int(rng.choice(5, p=weights / weights.sum())) + 1
    a = scenario.adverse_events
    if serious is None:
        serious = bool(rng.random() < (a.serious_share_grade3 if grade >= 3 else a.serious_share_low_grade))
    return AdverseEvent(term=term, start_day=day, duration_days=0 if grade == 5 else int(rng.geometric(1 / (4.0 * grade))),
                        grade=grade, serious=serious, related=bool(rng.random() < term.related),
                        infusion_reaction=infusion_reaction)


def simulate_adverse_events(
    follow_up_days: int,
    on_msc_until: list[tuple[int, int, bool]],
    infusions: list[Infusion],
    relapses: list[Relapse],
    scenario: Scenario,
    rng: np.random.Generator,
) -> list[AdverseEvent]:
    """Events from day 0 to `follow_up_days`. `on_msc_until` lists (first day, last day, on MSC)
    spans; the background rate is multiplied by `msc_rate_ratio` on MSC."""
    a = scenario.adverse_events
    catalogue = a.catalogue
    weights = np.array([t.weight for t in catalogue])
    events = []
    for first, last, on_msc in on_msc_until:
        span = min(last, follow_up_days) - first
        if span <= 0:
            continue
        mean = a.per_participant_year * span / DAYS_PER_YEAR * (a.msc_rate_ratio if on_msc else 1.0)
        for _ in range(int(rng.poisson(mean))):
            term = catalogue[int(rng.choice(len(catalogue), p=weights / weights.sum()))]
            events.append(_event(term, first + int(rng.integers(0, span)), scenario, rng))
    for infusion in infusions:
        if rng.random() < a.infusion_reaction.get(infusion.product if infusion.product == "MSC" else "PLACEBO", 0.0):  # type: ignore[call-overload]
            events.append(_event(INFUSION_REACTION, infusion.day, scenario, rng, infusion_reaction=True))
    for relapse in relapses:
        if relapse.hospitalised and relapse.day <= follow_up_days:
            events.append(_event(RELAPSE, relapse.day, scenario, rng, serious=True))
    return sorted(events, key=lambda e: e.start_day)


def outcome(event: AdverseEvent, stop: dt.date | None) -> str:
    """Fatal for grade 5; recovering while open at the data cut-off; else recovered, with
    sequelae for one severe event in five (by its start day, so the same seed gives the same)."""
    if event.grade == 5:
        return "fatal"
    if stop is None:
        return "recovering"
    return "recovered_with_sequelae" if event.grade >= 3 and event.start_day % 5 == 0 else "recovered"
