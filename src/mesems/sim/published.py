"""How closely simulated trials reproduce the published MESEMS result (PROTOCOL.md, results paper).

Each seed gives a whole trial; its `gel` table goes through the analysis's own reading and
primary analysis set (`mesems.stats.gel`), and the primary model of DESIGN.md (NB2 of the week
4-24 total on arm + log(baseline + 1), offset log(scans done)) is fitted to all seeds at once by
the vectorised glm.nb fitter (equal to `mesems analyse gel`'s fit to 1e-6, tested), and the spread of the estimates is
set beside the published rate ratio 0.94 (95% CI 0.58-1.50, p = 0.78).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from mesems.sim.follow_up import Row
from mesems.sim.scenario import Scenario, build_scenario
from mesems.sim.trial import simulate_trial
from mesems.stats.gel import gel_design, validate_gel
from mesems.stats.gel import primary_data as gel_primary_data
from mesems.stats.power import SimulatedTrials

PUBLISHED = {"randomised": 144, "rate_ratio": 0.94, "ci_low": 0.58, "ci_high": 1.50, "p_value": 0.78}


def primary_data(gel_rows: list[Row]) -> SimulatedTrials:
    """DESIGN.md's primary analysis set as one trial, made by the analysis itself
    (`mesems.stats.gel`): y the week 4-24 total, scans the number done, arm 1 on MSC."""
    design = gel_design()
    frame = pl.DataFrame(gel_rows, schema={"participant_id": pl.String, "sequence": pl.String,
                                           "week": pl.Int64, "gel": pl.Int64})
    data = gel_primary_data(validate_gel(frame, design), design)
    return SimulatedTrials(y=data.total[None], baseline=data.baseline[None], scans=data.scans[None],
                           arm=data.treatment[None].astype(np.float64))


@dataclass(frozen=True)
class PublishedCheck:
    """Primary results of simulated trials, one entry per seed, and their summary."""

    seeds: tuple[int, ...]
    rate_ratio: NDArray[np.float64]
    ci_low: NDArray[np.float64]
    ci_high: NDArray[np.float64]
    p_value: NDArray[np.float64]
    analysed: NDArray[np.int64]
    msc_first: NDArray[np.int64]
    true_rate_ratio: float

    def summary(self) -> dict[str, float]:
        width = self.ci_high / self.ci_low
        covered = (self.ci_low <= self.true_rate_ratio) & (self.true_rate_ratio <= self.ci_high)
        return {
            "trials": float(len(self.seeds)),
            "median_rate_ratio": float(np.median(self.rate_ratio)),
            "rate_ratio_2.5%": float(np.quantile(self.rate_ratio, 0.025)),
            "rate_ratio_97.5%": float(np.quantile(self.rate_ratio, 0.975)),
            "median_ci_low": float(np.median(self.ci_low)),
            "median_ci_high": float(np.median(self.ci_high)),
            "median_ci_ratio": float(np.median(width)),
            "published_ci_ratio": PUBLISHED["ci_high"] / PUBLISHED["ci_low"],
            "share_p_above_0.05": float(np.mean(self.p_value >= 0.05)),
            "ci_coverage_of_truth": float(np.mean(covered)),
            "median_analysed": float(np.median(self.analysed)),
            "median_msc_first": float(np.median(self.msc_first)),
        }


def check_published(seeds: Sequence[int], scenario: Scenario | None = None) -> PublishedCheck:
    """Simulate a default trial per seed and fit all their primary analyses at once."""
    scenario = scenario or build_scenario()
    data = [primary_data(simulate_trial(scenario, np.random.default_rng(seed)).rows("gel")) for seed in seeds]
    width = max(d.y.shape[1] for d in data)

    def padded(name: str) -> NDArray[Any]:
        """Trials side by side; a trial with fewer participants is padded with ones without scans."""
        return np.concatenate([np.pad(getattr(d, name), ((0, 0), (0, width - d.y.shape[1]))) for d in data])

    fit = SimulatedTrials(y=padded("y"), baseline=padded("baseline"), scans=padded("scans"), arm=padded("arm")).fit()
    wald = fit.wald(1)
    b, se = fit.coef[:, 1], fit.se[:, 1]
    return PublishedCheck(seeds=tuple(seeds), rate_ratio=np.exp(b), ci_low=np.exp(b - 1.959964 * se),
                          ci_high=np.exp(b + 1.959964 * se), p_value=wald.p_value,
                          analysed=np.array([d.y.shape[1] for d in data]), msc_first=np.array([int(d.arm.sum()) for d in data]),
                          true_rate_ratio=scenario.gel.rate_ratio)
