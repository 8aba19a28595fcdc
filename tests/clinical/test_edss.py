"""EDSS steps and the increase rule (PROTOCOL.md inclusion 1b(i)/1c(i); the progression endpoint)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesems.clinical.edss import (
    CONFIRMED_PROGRESSION,
    EDSS_STEPS,
    INCLUSION_PROGRESSION,
    IncreaseRule,
    check_edss,
    is_edss_step,
)
from mesems.errors import ClinicalError

steps = st.sampled_from(EDSS_STEPS)


def test_the_scale_has_twenty_steps_without_half_a_point() -> None:
    assert EDSS_STEPS[:3] == (0.0, 1.0, 1.5)
    assert EDSS_STEPS[-2:] == (9.5, 10.0)
    assert len(EDSS_STEPS) == 20
    assert 0.5 not in EDSS_STEPS


@pytest.mark.parametrize("value", [0, 0.0, 1, 1.5, 3.0, 6.5, 9.5, 10])
def test_valid_steps_are_accepted(value: float) -> None:
    assert check_edss(value) == float(value)


@pytest.mark.parametrize(
    "value", [0.5, 3.25, -1.0, 10.5, 11, 2.499999, float("nan"), float("inf"), True, "3.0", None]
)
def test_anything_else_is_an_input_error_naming_the_field(value: object) -> None:
    with pytest.raises(ClinicalError) as caught:
        check_edss(value, "edss_history[2].value")  # type: ignore[arg-type]
    assert caught.value.field == "edss_history[2].value"
    assert caught.value.message.startswith("edss_history[2].value: ")


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_a_value_is_a_step_exactly_when_it_is_listed(value: float) -> None:
    assert is_edss_step(value) == (value in EDSS_STEPS)


def test_inclusion_rule_asks_one_point_up_to_5_0_and_half_a_point_from_5_5() -> None:
    assert INCLUSION_PROGRESSION.required(5.0) == 1.0
    assert INCLUSION_PROGRESSION.required(5.5) == 0.5
    assert INCLUSION_PROGRESSION.is_increase(4.0, 5.0, reference=5.0)
    assert not INCLUSION_PROGRESSION.is_increase(4.5, 5.0, reference=5.0)
    assert INCLUSION_PROGRESSION.is_increase(5.0, 5.5, reference=5.5)
    assert not INCLUSION_PROGRESSION.is_increase(5.5, 5.5, reference=5.5)


def test_progression_rule_takes_5_5_as_its_threshold() -> None:
    assert CONFIRMED_PROGRESSION.required(5.5) == 1.0
    assert CONFIRMED_PROGRESSION.required(6.0) == 0.5


@given(steps, steps)
def test_an_increase_is_the_difference_reaching_the_step_of_the_reference(
    earlier: float, later: float
) -> None:
    rule = IncreaseRule(threshold=5.0, at_or_below=1.0, above=0.5)
    needed = 1.0 if later <= 5.0 else 0.5
    assert rule.is_increase(earlier, later, reference=later) == (later - earlier >= needed)
