from __future__ import annotations

import numpy as np
import pytest

from mesems.errors import SimulationError
from mesems.stats.power import PowerDesign, estimate_power
from mesems.stats.samplesize import analytic_n, smallest_n


def test_smallest_n_reaches_the_target_and_n_minus_2_does_not() -> None:
    design = PowerDesign(rate_ratio=0.5, placebo_mean=1.0, theta=0.5)
    found = smallest_n(design, 0.8, 1000, seed=3)
    assert found.n % 2 == 0 and found.power >= 0.8
    assert estimate_power(PowerDesign(n=found.n - 2, rate_ratio=0.5), 1000, np.random.default_rng(3)).power < 0.8
    assert abs(found.n - found.analytic_n) <= 0.25 * found.analytic_n


def test_analytic_n_is_even_and_grows_as_the_effect_shrinks() -> None:
    ns = [analytic_n(PowerDesign(rate_ratio=rr), 0.8) for rr in (0.5, 0.6, 0.7, 0.8)]
    assert all(n % 2 == 0 for n in ns) and ns == sorted(ns)


@pytest.mark.parametrize(("target", "rate_ratio", "n_max"), [(1.2, 0.5, 5000), (0.8, 1.0, 5000), (0.8, 0.5, 7)])
def test_impossible_questions_are_refused(target: float, rate_ratio: float, n_max: int) -> None:
    with pytest.raises(SimulationError):
        smallest_n(PowerDesign(rate_ratio=rate_ratio), target, 100, 0, n_max)


def test_a_cap_below_the_answer_is_said() -> None:
    with pytest.raises(SimulationError, match="n-max"):
        smallest_n(PowerDesign(rate_ratio=0.8), 0.9, 200, 0, n_max=20)
