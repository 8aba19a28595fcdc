"""A participant's disease over the 48 weeks: MRI activity, relapses and disability.

GEL (per scan) is negative binomial given the participant's rate,
    rate(w) = m_course x u x exp(z(w)) x period_effect^[period 2] x RR^exposure(w),
with u the gamma frailty (mean 1) and z a stationary Ornstein-Uhlenbeck flare, mean -s^2/2 so
that E exp(z) = 1, correlation exp(-|dt| / tau). Candidates were selected on activity at the
qualifying scan, so z starts high and drifts back: regression to the mean. exposure is 1 on
MSC and `carryover` in the period after it. Relapses are Poisson in 4-week steps with rate
annual_rate x sqrt(u exp(z)) (normalised to mean 1). EDSS moves by sustained progression
(1.0 from <= 5.5, else 0.5: the protocol's progression sizes, so it is confirmed at later
visits) and by relapses, which recover with time and may leave half a point behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import exp, sqrt

import numpy as np

from mesems.protocol import Protocol
from mesems.sim.population import Participant, relapse_multiplier, snap_edss
from mesems.sim.scenario import Scenario

DAYS_PER_WEEK = 7
DAYS_PER_YEAR = 365.25
GRID_WEEKS = 4
SAME_RELAPSE_DAYS = 30


@dataclass(frozen=True)
class Relapse:
    day: int
    worsening: float
    residual: float
    hospitalised: bool


@dataclass(frozen=True)
class DiseaseCourse:
    """The hidden truth of one participant, days counted from randomisation (week 0)."""

    gel_mean: dict[int, float]
    relapses: list[Relapse]
    progression_day: int | None
    baseline_edss: float
    t2_volume_ml: float
    black_holes: int


def period_of_week(protocol: Protocol, week: int) -> int:
    """The treatment period of a protocol week: the one with start < week <= end (week 0: the first)."""
    for period in protocol.periods:
        if period.start_week < week <= period.end_week:
            return period.number
    return protocol.periods[0].number if week <= protocol.periods[0].start_week else protocol.periods[-1].number


def active_in_period(protocol: Protocol, sequence: str, period: int) -> bool:
    """Whether the sequence gives an active (non-placebo) intervention in the period."""
    interventions = protocol.arm(sequence).interventions
    if not 1 <= period <= len(interventions):
        return False
    return protocol.intervention(interventions[period - 1]).active


def exposure(protocol: Protocol, sequence: str, period: int, carryover: float) -> float:
    """1 on MSC; `carryover` in a period that follows one on MSC; else 0."""
    if active_in_period(protocol, sequence, period):
        return 1.0
    return carryover if period > 1 and active_in_period(protocol, sequence, period - 1) else 0.0


def _flare_path(weeks: list[int], start_week: int, start_value: float, scenario: Scenario, rng: np.random.Generator) -> dict[int, float]:
    """The OU flare at each week, by its exact transition from the qualifying scan onwards."""
    sigma, tau = scenario.gel.flare_sd, scenario.gel.flare_weeks
    mean = -(sigma**2) / 2
    path, last_week, last = {}, start_week, start_value
    for week in sorted(weeks):
        rho = exp(-(week - last_week) / tau)
        last = mean + rho * (last - mean) + sigma * sqrt(1 - rho**2) * float(rng.normal())
        path[week], last_week = last, week
    return path


def simulate_disease(participant: Participant, protocol: Protocol, scenario: Scenario, rng: np.random.Generator) -> DiseaseCourse:
    c, g = participant.candidate, scenario.gel
    end_week = protocol.schedule.weeks_of_follow_up
    grid = list(range(0, end_week + 1, GRID_WEEKS))
    mri_weeks = [v.week for v in protocol.schedule.visits if "mri_gel" in v.assessments]
    z = _flare_path(sorted(set(grid) | set(mri_weeks)), -g.qualifying_scan_weeks_before, c.qualifying_flare, scenario, rng)

    def rate(week: int) -> float:
        period = period_of_week(protocol, week)
        effect = 1.0 if week == 0 else g.rate_ratio ** exposure(protocol, participant.sequence, period, g.carryover)
        period_effect = g.period_effect if period > protocol.periods[0].number else 1.0
        return g.mean_per_scan[c.ms_course] * c.frailty * exp(z[week]) * effect * period_effect

    relapses = []
    r = scenario.relapses
    for week in grid[:-1]:
        period = period_of_week(protocol, week + 1)
        on_msc = exposure(protocol, participant.sequence, period, 0.0)
        intensity = (r.annual_rate[c.ms_course] * GRID_WEEKS * DAYS_PER_WEEK / DAYS_PER_YEAR
                     * relapse_multiplier(c.frailty, z[week], scenario) * r.rate_ratio**on_msc)
        for _ in range(int(rng.poisson(intensity))):
            relapses.append(Relapse(
                day=week * DAYS_PER_WEEK + int(rng.integers(0, GRID_WEEKS * DAYS_PER_WEEK)),
                worsening=float(rng.choice(scenario.edss.relapse_worsening)),
                residual=0.5 if rng.random() < scenario.edss.relapse_residual_share else 0.0,
                hospitalised=bool(rng.random() < r.hospitalised_share),
            ))
    relapses.sort(key=lambda x: x.day)
    distinct: list[Relapse] = []
    for relapse in relapses:  # a worsening within 30 days of a relapse's onset is the same relapse
        if not distinct or relapse.day - distinct[-1].day >= SAME_RELAPSE_DAYS:
            distinct.append(relapse)
    per_year = scenario.edss.progression_per_year[c.ms_course]
    progression = rng.exponential(DAYS_PER_YEAR / per_year) if per_year > 0 else np.inf
    return DiseaseCourse(
        gel_mean={week: rate(week) for week in mri_weeks},
        relapses=distinct,
        progression_day=int(progression) if progression <= end_week * DAYS_PER_WEEK else None,
        baseline_edss=c.edss,
        t2_volume_ml=float(rng.lognormal(np.log(8.0), 0.6)),
        black_holes=int(rng.poisson(4.0)),
    )


def draw_gel(course: DiseaseCourse, week: int, scenario: Scenario, rng: np.random.Generator) -> int:
    size = scenario.gel.scan_size
    return int(rng.negative_binomial(size, size / (size + course.gel_mean[week])))


def draw_edss(course: DiseaseCourse, day: int, scenario: Scenario, rng: np.random.Generator) -> float:
    """The EDSS a rater records on `day`: the latent disability plus, now and then, half a point off."""
    if day <= 0:
        return course.baseline_edss
    latent = course.baseline_edss
    if course.progression_day is not None and day >= course.progression_day:
        latent += 1.0 if course.baseline_edss <= 5.5 else 0.5
    for relapse in course.relapses:
        if relapse.day <= day:
            recovery = exp(-(day - relapse.day) / (scenario.edss.recovery_weeks * DAYS_PER_WEEK))
            latent += relapse.residual + (relapse.worsening - relapse.residual) * recovery
    if rng.random() < scenario.edss.rater_error:
        latent += float(rng.choice([-0.5, 0.5]))
    return snap_edss(latent)
