"""Kaplan-Meier estimates with Greenwood confidence intervals, and the log-rank test.

S(t) = prod_{t_i <= t} (1 - d_i/n_i); Var[log S(t)] = sum d_i / (n_i (n_i - d_i)) (Greenwood);
95% CI exp(log S -/+ 1.96 sqrt(Var)), capped at 1: R `survfit`'s default conf.type = "log".
Log-rank: chi^2 = (O - E)^2 / V for the first group of two (Mantel-Haenszel variance), 1 df.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.stats import chi2

from mesems.stats.likelihood import FloatArray
from mesems.stats.results import Z_975


@dataclass(frozen=True)
class KaplanMeier:
    """A step function: survival after each distinct time (time 0 first), with its CI and numbers at risk."""

    label: str
    times: FloatArray
    survival: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    at_risk: NDArray[np.int_]
    events: int
    n: int

    def at_risk_after(self, time: float) -> int:
        """Participants still followed (and event-free) at `time`: those whose time is >= it."""
        later = np.searchsorted(self.times[1:], time, side="left")
        return int(self.at_risk[1:][later]) if later < self.at_risk.size - 1 else 0

    def at(self, time: float) -> float:
        """S(time): the last step at or before `time`."""
        return float(self.survival[np.searchsorted(self.times, time, side="right") - 1])


def kaplan_meier(time: FloatArray, event: NDArray[np.bool_], label: str = "") -> KaplanMeier:
    time = np.asarray(time, dtype=float)
    event = np.asarray(event, dtype=bool)
    distinct = np.unique(time)
    at_risk = np.array([np.sum(time >= t) for t in distinct])
    deaths = np.array([np.sum((time == t) & event) for t in distinct])
    factor = np.where(at_risk > 0, 1.0 - deaths / np.maximum(at_risk, 1), 1.0)
    survival = np.cumprod(factor)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.cumsum(np.where(at_risk > deaths, deaths / (at_risk * (at_risk - deaths)), 0.0))
    half = Z_975 * np.sqrt(greenwood)
    with np.errstate(divide="ignore"):
        log_s = np.log(survival)
    low = np.where(survival > 0, np.exp(log_s - half), 0.0)
    high = np.where(survival > 0, np.minimum(1.0, np.exp(log_s + half)), 0.0)
    return KaplanMeier(label=label, times=np.concatenate([[0.0], distinct]), survival=np.concatenate([[1.0], survival]),
                       ci_low=np.concatenate([[1.0], low]), ci_high=np.concatenate([[1.0], high]),
                       at_risk=np.concatenate([[time.size], at_risk]), events=int(event.sum()), n=int(time.size))


@dataclass(frozen=True)
class LogRank:
    statistic: float
    p_value: float
    observed: float
    expected: float


def logrank_test(time: FloatArray, event: NDArray[np.bool_], first_group: NDArray[np.bool_]) -> LogRank:
    """Two-group log-rank test (R `survdiff`, rho = 0)."""
    time = np.asarray(time, dtype=float)
    event = np.asarray(event, dtype=bool)
    first_group = np.asarray(first_group, dtype=bool)
    observed = expected = variance = 0.0
    for t in np.unique(time[event]):
        at_risk = time >= t
        n = at_risk.sum()
        n1 = (at_risk & first_group).sum()
        d = ((time == t) & event).sum()
        d1 = ((time == t) & event & first_group).sum()
        observed += d1
        expected += d * n1 / n
        if n > 1:
            variance += d * (n1 / n) * (1 - n1 / n) * (n - d) / (n - 1)
    statistic = (observed - expected) ** 2 / variance if variance > 0 else float("nan")
    return LogRank(float(statistic), float(chi2.sf(statistic, 1)) if variance > 0 else float("nan"),
                   float(observed), float(expected))
