"""Candidates, their screening, and the randomised participants.

Candidates come from a population wider than the protocol (older, younger, milder, more
disabled, quieter disease), and are judged under the eligibility version in force on their
screening date (PROTOCOL.md: v1 before the amendment, final after), with that version's age,
duration and EDSS ranges (inclusions 2-4). Activity is drawn from each candidate's own
disease: a gamma frailty (their long-run GEL rate) times a transient flare; inclusion 1 asks
for recent relapses or GEL, so it selects the active, and most of all those in a flare, which
is where regression to the mean after randomisation comes from.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from math import exp, lgamma, sqrt
from typing import TypeVar

import numpy as np

from mesems.errors import SimulationError
from mesems.protocol import EligibilityVersion, Protocol
from mesems.randomisation import Member, allocate_cohort, randomisation_number
from mesems.sim.scenario import Course, Scenario

K = TypeVar("K", bound=str)
EDSS_STEPS = np.array([0.0, *np.arange(1.0, 10.01, 0.5)])
"""Valid EDSS values: 0, 1.0, 1.5, ..., 9.5, 10 (PROTOCOL.md: no 0.5)."""
DAYS_PER_MONTH = 365.25 / 12
BRANCH = {"RR": ("INC-1a", "EXC-1"), "SP": ("INC-1b", "EXC-2"), "PP": ("INC-1c", "EXC-3")}
"""Inclusion branch of each course and the exclusion that mirrors it (exclusions 1-3)."""


@dataclass(frozen=True)
class Candidate:
    """A screened candidate; the activity fields are the simulator's hidden truth."""

    index: int
    site_id: str
    ms_course: Course
    screened_date: dt.date
    planned_randomisation_date: dt.date
    protocol_version: str
    age: int
    disease_duration_years: float
    edss: float
    frailty: float
    qualifying_flare: float
    qualifying_gel: int
    relapses_prior_12m: int
    eligible: str
    failed_criteria: tuple[str, ...]
    consented: bool
    withdrawn_before_randomisation: bool
    sex: str = ""
    weight_kg: float = 0.0
    screening_id: str = ""

    @property
    def randomised(self) -> bool:
        return self.eligible == "eligible" and self.consented and not self.withdrawn_before_randomisation


@dataclass(frozen=True)
class Participant:
    """A randomised participant: the candidate plus allocation."""

    candidate: Candidate
    participant_id: str
    randomisation_number: str
    sequence: str

    @property
    def randomisation_date(self) -> dt.date:
        return self.candidate.planned_randomisation_date


@dataclass(frozen=True)
class Enrolment:
    """The screening log (every candidate, in screening order) and the randomised participants."""

    candidates: list[Candidate]
    participants: list[Participant]


def snap_edss(value: float) -> float:
    """The valid EDSS step nearest to `value`, within 0-9.5 (10 is death, never simulated)."""
    return float(EDSS_STEPS[np.argmin(np.abs(EDSS_STEPS[:-1] - value))])


def quotas(weights: Mapping[K, float], total: int) -> dict[K, int]:
    """Largest-remainder split of `total` in proportion to `weights` (the exact composition)."""
    keys = [k for k, v in weights.items() if v > 0]
    whole = sum(weights[k] for k in keys)
    raw = {k: total * weights[k] / whole for k in keys}
    counts = {k: int(raw[k]) for k in keys}
    for k in sorted(keys, key=lambda k: raw[k] - counts[k], reverse=True)[: total - sum(counts.values())]:
        counts[k] += 1
    return counts


def _range(version: EligibilityVersion, rule: str) -> tuple[str, float, float]:
    for criterion in version.criteria:
        if criterion.rule == rule:
            params = criterion.params
            low, high = params.get("min_years", params.get("min")), params.get("max_years", params.get("max"))
            if low is not None and high is not None:
                return criterion.id, float(low), float(high)
    raise SimulationError(f"eligibility version {version.id!r} has no {rule} criterion to draw within", field="eligibility")


def relapse_multiplier(frailty: float, flare: float, scenario: Scenario) -> float:
    """Relapse rate multiplier sqrt(frailty x exp(flare)), scaled to mean 1 over candidates.

    E[sqrt(u)] = Gamma(a + 1/2) / (Gamma(a) sqrt(a)) for u ~ Gamma(a, 1/a);
    E[exp(z/2)] = exp(-sigma^2/8) for z ~ N(-sigma^2/2, sigma^2).
    """
    a, sigma = scenario.gel.frailty_shape, scenario.gel.flare_sd
    mean = exp(lgamma(a + 0.5) - lgamma(a)) / sqrt(a) * exp(-(sigma**2) / 8)
    return sqrt(frailty * exp(flare)) / mean


def _draw_candidate(index: int, course: Course, scenario: Scenario, protocol: Protocol, rng: np.random.Generator) -> Candidate:
    c, s, g = scenario.candidates, scenario.screening, scenario.gel
    days = round(scenario.recruitment_months * DAYS_PER_MONTH)
    screened = scenario.start_date + dt.timedelta(days=int(rng.integers(0, max(days, 1))))
    planned = screened + dt.timedelta(days=int(rng.integers(c.harvest_days[0], c.harvest_days[1] + 1)))
    try:
        version = protocol.eligibility_in_force(screened)
    except LookupError as exc:
        raise SimulationError(f"start_date {scenario.start_date}: {exc}", field="start_date") from None
    sites = [site.id for site in protocol.sites] or ["SITE-1"]
    weights = np.array([scenario.site_weights.get(site, scenario.other_site_weight) for site in sites], dtype=float)
    if weights.sum() <= 0:
        raise SimulationError("every site has recruitment weight 0", field="site_weights")
    site = sites[int(rng.choice(len(sites), p=weights / weights.sum()))]

    age = int(np.clip(round(rng.normal(c.age_mean, c.age_sd)), c.age_min, c.age_max))
    duration = round(float(rng.gamma(c.duration_shape, c.duration_mean_years[course] / c.duration_shape)), 1)
    edss = snap_edss(rng.normal(c.edss_mean[course], c.edss_sd))
    frailty = float(rng.gamma(g.frailty_shape, 1.0 / g.frailty_shape))
    flare = float(rng.normal(-(g.flare_sd**2) / 2, g.flare_sd))
    # the last scan carries the current flare; earlier scans of the year a fresh one each
    flares = [flare, *rng.normal(-(g.flare_sd**2) / 2, g.flare_sd, size=g.qualifying_scans - 1)]
    means = g.mean_per_scan[course] * frailty * np.exp(flares)
    qualifying_gel = int(rng.negative_binomial(g.scan_size, g.scan_size / (g.scan_size + means)).sum())
    relapse_rate = scenario.relapses.annual_rate[course] * relapse_multiplier(frailty, flare, scenario)
    relapses_12m = int(rng.poisson(relapse_rate))
    relapses_24m = relapses_12m + int(rng.poisson(scenario.relapses.annual_rate[course] * relapse_multiplier(frailty, 0.0, scenario)))

    failed: list[str] = []
    for rule, value in (("age_range", age), ("disease_duration", duration), ("edss_range", edss)):
        criterion_id, low, high = _range(version, rule)
        if not low <= value <= high:
            failed.append(criterion_id)
    failed_therapy = rng.random() < s.failed_therapy_share
    shares = {str(k): v for k, v in s.edss_increase_share.items()}
    edss_increase = rng.random() < shares.get(course, 1.0)
    if course == "RR":
        branch_met = failed_therapy and (relapses_12m >= 1 or relapses_24m >= 2 or qualifying_gel >= 1)
    elif course == "SP":
        branch_met = failed_therapy and edss_increase and (relapses_12m >= 1 or qualifying_gel >= 1)
    else:
        branch_met = edss_increase and qualifying_gel >= 1 and rng.random() < s.csf_positive_share
    if not branch_met:
        failed.extend(BRANCH[course])
    known = {criterion.id for criterion in version.criteria}
    failed.extend(cid for cid, rate in s.exclusion_rates.items() if cid in known and rng.random() < rate)
    unknown = not failed and rng.random() < s.unknown_share
    eligible = "not_eligible" if failed else "unknown" if unknown else "eligible"
    consented = eligible == "eligible" and rng.random() < s.consent_share
    withdrawn = consented and rng.random() < s.withdrawal_before_randomisation
    return Candidate(index=index, site_id=site, ms_course=course, screened_date=screened,
                     planned_randomisation_date=planned, protocol_version=version.id, age=age,
                     disease_duration_years=duration, edss=edss, frailty=frailty, qualifying_flare=flare,
                     qualifying_gel=qualifying_gel, relapses_prior_12m=relapses_12m, eligible=eligible,
                     failed_criteria=tuple(sorted(set(failed))), consented=consented, withdrawn_before_randomisation=withdrawn)


def _check_exclusion_ids(scenario: Scenario, protocol: Protocol) -> None:
    known = {c.id for version in protocol.eligibility for c in version.criteria if c.kind == "exclusion"}
    unknown = sorted(set(scenario.screening.exclusion_rates) - known)
    if unknown:
        raise SimulationError(f"screening.exclusion_rates names {unknown}, which no eligibility version has as an "
                              f"exclusion; expected among [{', '.join(sorted(known))}]", field="screening.exclusion_rates")


MAX_CANDIDATES_PER_PARTICIPANT = 200


def enrol(scenario: Scenario, protocol: Protocol, rng: np.random.Generator) -> Enrolment:
    """Screen candidates until the scenario's participants are randomised; allocate them.

    With `composition: exact` each course is screened until its quota is met and the sexes of
    the randomised follow `female_share` to the person (sex plays no part in eligibility here);
    with `random` courses and sexes are drawn.
    """
    _check_exclusion_ids(scenario, protocol)
    n = scenario.participants
    mix: dict[Course, float] = {course: weight for course, weight in scenario.course_mix.items() if weight > 0}
    candidates: list[Candidate] = []
    drawn_so_far = 0
    if scenario.composition == "exact":
        plan: list[tuple[Course | None, int]] = [(course, quotas(mix, n)[course]) for course in mix]
    else:
        plan = [(None, n)]
    courses, probs = list(mix), np.array(list(mix.values())) / sum(mix.values())
    for course, quota in plan:
        got = 0
        while got < quota:
            drawn_so_far += 1
            if drawn_so_far > MAX_CANDIDATES_PER_PARTICIPANT * n:
                raise SimulationError(f"no {course or 'participant'} is eligible after {drawn_so_far} candidates; "
                                      "check the scenario's candidates and screening shares", field="screening")
            drawn = course or courses[int(rng.choice(len(courses), p=probs))]
            candidate = _draw_candidate(len(candidates), drawn, scenario, protocol, rng)
            if BRANCH[drawn][0] in candidate.failed_criteria and rng.random() >= scenario.screening.inactive_referred_share:
                continue  # a clinician saw no activity and did not refer: never screened
            candidates.append(candidate)
            got += candidate.randomised
    candidates.sort(key=lambda c: (c.screened_date, c.index))
    randomised = [c for c in candidates if c.randomised]
    if scenario.composition == "exact":
        women = quotas({"F": scenario.female_share, "M": 1 - scenario.female_share}, len(randomised)).get("F", 0)
        sexes_randomised = [str(s) for s in rng.permutation(["F"] * women + ["M"] * (len(randomised) - women))]
    else:
        sexes_randomised = ["F" if rng.random() < scenario.female_share else "M" for _ in randomised]
    sex_of = dict(zip((c.index for c in randomised), sexes_randomised, strict=True))
    dressed = []
    for number, candidate in enumerate(candidates, start=1):
        sex = sex_of.get(candidate.index) or ("F" if rng.random() < scenario.female_share else "M")
        mean, sd = scenario.candidates.weight_kg["F" if sex == "F" else "M"]
        dressed.append(replace(candidate, sex=sex, weight_kg=round(float(max(40.0, rng.normal(mean, sd))), 1),
                               screening_id=f"S-{number:04d}"))
    return Enrolment(candidates=dressed, participants=_allocate(dressed, protocol, rng))


def _allocate(candidates: list[Candidate], protocol: Protocol, rng: np.random.Generator) -> list[Participant]:
    """The shared allocation module (`mesems.randomisation`) allocates the cohort in order of
    randomisation date, exactly as the live trial would, stratified as the protocol says."""
    randomised = sorted((c for c in candidates if c.randomised), key=lambda c: (c.planned_randomisation_date, c.index))
    per_site: Counter[str] = Counter()
    ids = []
    for candidate in randomised:
        per_site[candidate.site_id] += 1
        ids.append(f"{candidate.site_id}-{per_site[candidate.site_id]:04d}")
    members = [Member(pid, {"site": c.site_id, "ms_course": c.ms_course}) for pid, c in zip(ids, randomised, strict=True)]
    allocated = allocate_cohort(members, protocol.randomisation, [arm.id for arm in protocol.arms], rng)
    return [Participant(candidate=candidate, participant_id=a.participant_id,
                        randomisation_number=randomisation_number(number), sequence=a.sequence)
            for number, (candidate, a) in enumerate(zip(randomised, allocated, strict=True), start=1)]
