from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from mesems.protocol import load_protocol
from mesems.sim.disease import DiseaseCourse, Relapse, draw_edss, exposure, period_of_week, simulate_disease
from mesems.sim.population import enrol
from mesems.sim.scenario import build_scenario

PROTOCOL = load_protocol()


def test_periods_and_exposure_follow_the_sequences() -> None:
    assert [period_of_week(PROTOCOL, w) for w in (0, 4, 12, 24, 28, 36, 48)] == [1, 1, 1, 1, 2, 2, 2]
    assert exposure(PROTOCOL, "MSC-placebo", 1, 0.3) == 1.0
    assert exposure(PROTOCOL, "MSC-placebo", 2, 0.3) == 0.3
    assert exposure(PROTOCOL, "placebo-MSC", 1, 0.3) == 0.0
    assert exposure(PROTOCOL, "placebo-MSC", 2, 0.3) == 1.0


def test_treatment_and_period_effects_scale_the_gel_rate() -> None:
    """With no flare, the expected GEL of a scan is m x u x RR^exposure x period effect."""
    scenario = build_scenario({"gel": {"flare_sd": 0.0, "rate_ratio": 0.5, "period_effect": 0.8}})
    participant = enrol(build_scenario({"participants": 4, "gel": {"flare_sd": 0.0}}), PROTOCOL,
                        np.random.default_rng(3)).participants[0]
    early = replace(participant, sequence="MSC-placebo")
    course = simulate_disease(early, PROTOCOL, scenario, np.random.default_rng(0))
    base = course.gel_mean[0]
    assert course.gel_mean[12] == pytest.approx(base * 0.5)
    assert course.gel_mean[36] == pytest.approx(base * 0.8)
    late = simulate_disease(replace(participant, sequence="placebo-MSC"), PROTOCOL, scenario, np.random.default_rng(0))
    assert late.gel_mean[12] == pytest.approx(base) and late.gel_mean[36] == pytest.approx(base * 0.8 * 0.5)


def test_regression_to_the_mean_after_selection() -> None:
    """Selected on activity, participants' flares are high at the qualifying scan and fall back
    (to E exp(z) = 1) by the end of follow-up."""
    scenario = build_scenario({"gel": {"rate_ratio": 1.0, "period_effect": 1.0, "flare_sd": 1.2, "qualifying_scans": 1}})
    people = enrol(scenario, PROTOCOL, np.random.default_rng(5)).participants
    rng = np.random.default_rng(6)
    courses = [simulate_disease(p, PROTOCOL, scenario, rng) for p in people]
    qualifying = np.mean([np.exp(p.candidate.qualifying_flare) for p in people])
    later = np.mean([c.gel_mean[48] / (scenario.gel.mean_per_scan[p.candidate.ms_course] * p.candidate.frailty)
                     for p, c in zip(people, courses, strict=True)])
    assert qualifying > 1.2 * later


def test_edss_progression_is_sustained_and_relapses_recover() -> None:
    scenario = build_scenario({"edss": {"rater_error": 0.0}})
    rng = np.random.default_rng(0)
    course = DiseaseCourse(gel_mean={}, relapses=[Relapse(day=100, worsening=1.5, residual=0.0, hospitalised=False)],
                           progression_day=200, baseline_edss=4.0, t2_volume_ml=5.0, black_holes=1)
    assert draw_edss(course, 0, scenario, rng) == 4.0
    assert draw_edss(course, 105, scenario, rng) >= 5.0
    assert draw_edss(course, 199 + 84, scenario, rng) == 5.0  # +1.0 from <= 5.5, relapse recovered
    high = replace(course, baseline_edss=6.0, relapses=[])
    assert draw_edss(high, 300, scenario, rng) == 6.5  # +0.5 above 5.5
