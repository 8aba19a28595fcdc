from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mesems.cellproduct import Outcome, evaluate_release, evaluate_test
from mesems.protocol import load_protocol
from mesems.protocol.model import ReleaseTest

SPECS = load_protocol().cell_product.release_tests  # type: ignore[union-attr]
PASSING = {"viability": 85, "cd73": 97, "cd90": 98, "cd105": 95, "cd45": 1.2, "sterility": "negative", "endotoxin": 0.3, "mycoplasma": "Negative "}


def test_all_within_specification_passes() -> None:
    verdict = evaluate_release(SPECS, PASSING)
    assert verdict.passed and verdict.problems == []


def test_missing_and_failed_tests_are_named() -> None:
    values = {**PASSING, "sterility": "positive", "endotoxin": "1.5"}
    del values["mycoplasma"]
    verdict = evaluate_release(SPECS, values)
    assert not verdict.passed
    assert verdict.problems == ["Sterility: 'positive', expected 'negative'", "Endotoxin: 1.5, expected at most 1 EU/mL", "Mycoplasma: no result recorded"]


@given(value=st.floats(60, 80, allow_nan=False))
def test_minimum_is_inclusive(value: float) -> None:
    spec = ReleaseTest(id="viability", name="Viability", unit="%", min=70)
    assert (evaluate_test(spec, value).outcome is Outcome.PASS) == (value >= 70)


def test_non_numbers_fail_with_the_expected_range() -> None:
    result = evaluate_test(ReleaseTest(id="v", name="V", min=1, max=2), "high")
    assert result.outcome is Outcome.FAIL and result.reason == "'high' is not a number; expected 1 to 2"
    assert evaluate_test(ReleaseTest(id="v", name="V", min=1), "  ").outcome is Outcome.MISSING
