"""Results objects shared by the models: Wald coefficients and rate ratios."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.stats import norm

from mesems.errors import AnalysisError

Z_975: float = float(norm.ppf(0.975))
"""The 97.5% normal quantile (R `qnorm(0.975)`), for two-sided 95% Wald intervals."""


@dataclass(frozen=True)
class Coefficient:
    """One coefficient on the log scale with its Wald inference.

    z = estimate / se; p = 2 (1 - Phi(|z|)); CI = estimate -/+ z_{0.975} se (R `summary` and
    `confint.default`).
    """

    name: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float

    @property
    def rate_ratio(self) -> float:
        return math.exp(self.estimate)

    @property
    def rate_ratio_ci(self) -> tuple[float, float]:
        return math.exp(self.ci_low), math.exp(self.ci_high)


def wald_coefficients(names: tuple[str, ...], estimates: NDArray[np.float64],
                      covariance: NDArray[np.float64]) -> tuple[Coefficient, ...]:
    """Wald z-tests and 95% intervals from estimates and their covariance matrix."""
    se = np.sqrt(np.diag(covariance))
    out = []
    for name, est, s in zip(names, estimates, se, strict=True):
        z = float(est / s)
        out.append(Coefficient(name=name, estimate=float(est), se=float(s), ci_low=float(est - Z_975 * s),
                               ci_high=float(est + Z_975 * s), z=z, p_value=float(2.0 * norm.sf(abs(z)))))
    return tuple(out)


def find_coefficient(coefficients: tuple[Coefficient, ...], name: str) -> Coefficient:
    for coefficient in coefficients:
        if coefficient.name == name:
            return coefficient
    known = ", ".join(c.name for c in coefficients)
    raise AnalysisError(f"no coefficient {name!r}; the model has [{known}]")


@dataclass(frozen=True)
class RateRatioSummary:
    """One model's treatment rate ratio as the report tables and the forest plot show it.

    A model that could not be estimated keeps its row with `reason` saying why, so a missing
    number is never silent.
    """

    label: str
    n: int
    rate_ratio: float = math.nan
    ci_low: float = math.nan
    ci_high: float = math.nan
    p_value: float = math.nan
    theta: float = math.nan
    random_intercept_sd: float = math.nan
    reason: str = ""

    @property
    def estimable(self) -> bool:
        return not self.reason


def summarise(label: str, coefficient: Coefficient, n: int, theta: float,
              random_intercept_sd: float = math.nan) -> RateRatioSummary:
    """The rate ratio exp(b) and its interval; a log-scale interval too wide for a float (a model
    fitted to a handful of participants) keeps the row as not estimable instead of failing the report."""
    try:
        low, high = coefficient.rate_ratio_ci
    except OverflowError:
        return RateRatioSummary(label, n, reason=(f"not estimable: the log rate ratio {coefficient.estimate:.3g} "
                                                  f"(SE {coefficient.se:.3g}) has an interval beyond any rate ratio"))
    return RateRatioSummary(label, n, coefficient.rate_ratio, low, high, coefficient.p_value, theta,
                            random_intercept_sd)
