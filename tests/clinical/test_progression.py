from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesems.clinical.progression import (
    EDSS_STEPS,
    EdssAssessment,
    confirmed_progression,
    progression_threshold,
)
from mesems.errors import ClinicalError

steps = st.sampled_from(sorted(EDSS_STEPS))


def visits(*pairs: tuple[int, float]) -> list[EdssAssessment]:
    return [EdssAssessment(day, value) for day, value in pairs]


@given(steps)
def test_threshold_is_one_point_up_to_5_5_and_half_a_point_above(baseline: float) -> None:
    assert progression_threshold(baseline) == (1.0 if baseline <= 5.5 else 0.5)


@given(steps.filter(lambda b: b <= 8.5))
def test_an_increase_of_exactly_the_threshold_sustained_84_days_is_progression(baseline: float) -> None:
    raised = baseline + progression_threshold(baseline)
    if baseline == 0.0:
        raised = 1.0
    outcome = confirmed_progression(baseline, visits((84, raised), (168, raised)))
    assert outcome.progressed
    assert (outcome.onset_day, outcome.confirmed_day, outcome.time_days) == (84, 168, 84)


@given(steps.filter(lambda b: 1.0 <= b <= 5.5))
def test_half_a_point_less_than_the_threshold_is_not_progression(baseline: float) -> None:
    outcome = confirmed_progression(baseline, visits((84, baseline + 0.5), (168, baseline + 0.5)))
    assert not outcome.progressed
    assert outcome.time_days == 168


def test_confirmation_needs_a_visit_at_least_12_weeks_later() -> None:
    assert not confirmed_progression(3.0, visits((84, 4.0), (167, 4.0))).progressed
    assert confirmed_progression(3.0, visits((84, 4.0), (168, 4.0))).progressed


def test_an_increase_that_falls_back_before_confirmation_is_not_confirmed() -> None:
    outcome = confirmed_progression(3.0, visits((84, 4.0), (120, 3.0), (170, 4.0), (254, 4.0)))
    assert outcome.progressed
    assert outcome.onset_day == 170


def test_above_5_5_half_a_point_counts() -> None:
    assert confirmed_progression(6.0, visits((84, 6.5), (168, 6.5))).progressed
    assert not confirmed_progression(5.5, visits((84, 6.0), (168, 6.0))).progressed


def test_no_later_assessment_is_censored_at_day_0() -> None:
    outcome = confirmed_progression(3.0, [])
    assert not outcome.progressed
    assert outcome.time_days == 0


@pytest.mark.parametrize("value", [0.5, 3.25, 10.5, -1.0])
def test_invalid_edss_values_are_refused(value: float) -> None:
    with pytest.raises(ClinicalError, match="not a valid EDSS step"):
        confirmed_progression(3.0, visits((84, value)))
