"""Results objects: a coefficient too uncertain for a rate ratio is not estimable, never a crash."""

from __future__ import annotations

import math

from mesems.stats.results import Coefficient, summarise


def test_an_interval_beyond_any_rate_ratio_is_not_estimable() -> None:
    wild = Coefficient("treatment", estimate=-20.2, se=2.4e4, ci_low=-4.7e4, ci_high=4.7e4, z=0.0, p_value=1.0)
    summary = summarise("Secondary: new T2 lesions", wild, n=6, theta=1.0)
    assert not summary.estimable and math.isnan(summary.rate_ratio)
    assert summary.reason.startswith("not estimable: the log rate ratio -20.2")


def test_a_usual_coefficient_gives_its_rate_ratio_and_interval() -> None:
    usual = Coefficient("treatment", estimate=math.log(0.5), se=0.2, ci_low=math.log(0.5) - 0.392, ci_high=math.log(0.5) + 0.392, z=-3.5, p_value=0.0005)
    summary = summarise("Primary", usual, n=144, theta=1.2)
    assert summary.estimable and math.isclose(summary.rate_ratio, 0.5) and summary.ci_low < 0.5 < summary.ci_high
