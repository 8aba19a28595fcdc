from __future__ import annotations

import subprocess

import numpy as np
import pytest

from mesems.stats.survival import kaplan_meier, logrank_test

TIME = np.array([6, 6, 6, 7, 10, 13, 16, 22, 23, 6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35], dtype=float)
EVENT = np.array([1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], dtype=bool)


def test_kaplan_meier_by_hand() -> None:
    km = kaplan_meier(np.array([1.0, 2.0, 2.0, 3.0, 4.0]), np.array([True, True, False, True, False]))
    assert km.times.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    expected = [1.0, 4 / 5, 4 / 5 * 3 / 4, 4 / 5 * 3 / 4 * 1 / 2, 4 / 5 * 3 / 4 * 1 / 2]
    assert np.allclose(km.survival, expected)
    assert km.at(2.5) == pytest.approx(0.6)
    assert km.at_risk_after(2.5) == 2
    assert km.events == 3


def test_the_gehan_leukaemia_example() -> None:
    """6-MP arm of Gehan (1965): S(23) = 0.448 (Kalbfleisch & Prentice, table 1.1)."""
    km = kaplan_meier(TIME, EVENT)
    assert km.at(23) == pytest.approx(0.4482, abs=1e-4)
    assert km.at(6) == pytest.approx(0.8571, abs=1e-4)


@pytest.mark.r
def test_kaplan_meier_and_log_rank_equal_r_survival() -> None:
    group = np.arange(TIME.size) % 2 == 0
    script = (
        "suppressMessages(library(survival));"
        f"t <- c({','.join(map(str, TIME))}); e <- c({','.join(str(int(v)) for v in EVENT)});"
        f"g <- c({','.join(str(int(v)) for v in group)});"
        "f <- survfit(Surv(t, e) ~ 1); d <- survdiff(Surv(t, e) ~ g);"
        "for (v in list(f$time, f$surv, f$lower, f$upper, d$chisq)) cat(sprintf('%.17g', v), '\\n')"
    )
    lines = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True,
                           timeout=120).stdout.splitlines()
    reference = dict(zip(("time", "surv", "lower", "upper", "chisq"),
                         ([float(v) for v in line.split()] for line in lines), strict=True))
    km = kaplan_meier(TIME, EVENT)
    assert np.allclose(km.times[1:], reference["time"])
    assert np.allclose(km.survival[1:], reference["surv"], rtol=1e-10)
    assert np.allclose(km.ci_low[1:], reference["lower"], rtol=1e-8)
    assert np.allclose(km.ci_high[1:], reference["upper"], rtol=1e-8)
    assert logrank_test(TIME, EVENT, group).statistic == pytest.approx(reference["chisq"][0], rel=1e-8)
