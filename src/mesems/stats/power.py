"""Power of the primary GEL analysis by simulation: thousands of first-period trials at once.

The design is DESIGN.md's `mesems power` contract. Each trial has n participants, n/2 on MSC
and n/2 on placebo; each participant has a baseline scan NB(M, theta) in both arms and three
post-baseline scans, independent, NB(M, theta) on placebo and NB(RR M, theta) on MSC; y is
their sum and k = 3. Every trial is analysed with the primary model, NB2 of y on arm +
log(baseline + 1) with offset log(k), and its Wald test; power is the share with p < alpha.

The sum of k independent NB(m, theta) scans is NB(k m, k theta) (both are gamma-Poisson with
the same gamma scale), so y is drawn in one draw with that law. With `dropout` d a share d of
participants stop early and do k = 0, 1 or 2 of the scans (equally likely); k = 0 leaves
them out of the analysis, as in the primary analysis set.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special

from mesems.errors import SimulationError
from mesems.stats.nb_vectorised import BatchNBFit, fit_nb_batch

CHUNK = 5000
"""Trials simulated and fitted together; bounds memory (a chunk of 144 participants is ~30 MB)."""
SCANS = 3
"""Post-baseline scans of the first period (weeks 4, 12 and 24)."""


@dataclass(frozen=True)
class PowerDesign:
    """One design of the first-period comparison. Validation raises SimulationError naming the field."""

    n: int = 144
    rate_ratio: float = 0.5
    placebo_mean: float = 1.0
    theta: float = 0.5
    dropout: float = 0.0
    alpha: float = 0.05

    def __post_init__(self) -> None:
        if isinstance(self.n, bool) or not isinstance(self.n, int | np.integer):
            raise SimulationError(f"n must be a whole number of participants, got {self.n!r}", field="n")
        if self.n < 4 or self.n % 2:
            raise SimulationError(f"n must be even and at least 4 for a 1:1 design, got {self.n}", field="n")
        for name in ("rate_ratio", "placebo_mean", "theta"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value > 0):
                raise SimulationError(f"{name.replace('_', ' ')} must be > 0, got {value:g}", field=name)
        if not 0.0 <= self.dropout < 1.0:
            raise SimulationError(f"dropout must be in [0, 1), got {self.dropout:g}", field="dropout")
        if not 0.0 < self.alpha < 1.0:
            raise SimulationError(f"alpha must be in (0, 1), got {self.alpha:g}", field="alpha")


@dataclass(frozen=True)
class SimulatedTrials:
    """First-period data of many trials, (trials, participants) each; arm is 1 for MSC, shared by
    all trials (participants) or per trial (trials, participants)."""

    y: NDArray[np.int64]
    baseline: NDArray[np.int64]
    scans: NDArray[np.int64]
    arm: NDArray[np.float64]

    def design_matrix(self) -> NDArray[np.float64]:
        """Columns of the primary model: intercept, arm (MSC), log(baseline + 1)."""
        trials, n = self.y.shape
        return np.stack([np.ones((trials, n)), np.broadcast_to(self.arm, (trials, n)), np.log1p(self.baseline)], axis=2)

    def fit(self, workers: int | None = None) -> BatchNBFit:
        """The primary model for every trial; participants without a post-baseline scan are left out."""
        with np.errstate(divide="ignore"):
            offset = np.log(self.scans.astype(np.float64))
        included = self.scans > 0
        return fit_nb_batch(self.y, self.design_matrix(), np.where(included, offset, 0.0),
                            included.astype(np.float64), workers=workers)


@dataclass(frozen=True)
class PowerResult:
    design: PowerDesign
    sims: int
    power: float
    mc_se: float
    rejections: int
    not_converged: int
    theta_at_bound: int
    seconds: float

    def contract(self) -> dict[str, float | int]:
        """The JSON of DESIGN.md's `mesems power`: power, sims, seconds."""
        return {"power": self.power, "sims": self.sims, "seconds": self.seconds}

    def row(self) -> dict[str, float | int]:
        return {**asdict(self.design), "sims": self.sims, "power": self.power, "mc_se": self.mc_se,
                "not_converged": self.not_converged, "theta_at_bound": self.theta_at_bound, "seconds": self.seconds}


def _negative_binomial(rng: np.random.Generator, mean: NDArray[Any], size: NDArray[Any]) -> NDArray[np.int64]:
    """NB(mean, size) draws; size 0 (no scans) gives 0."""
    safe = np.where(size > 0, size, 1.0)
    draws = rng.negative_binomial(safe, safe / (safe + mean))
    return np.where(size > 0, draws, 0)


def simulate_first_period(design: PowerDesign, trials: int, rng: np.random.Generator) -> SimulatedTrials:
    """Draw `trials` first-period trials of `design` (see the module docstring for the law)."""
    half = design.n // 2
    arm = np.repeat([0.0, 1.0], half)
    shape = (trials, design.n)
    baseline = rng.negative_binomial(design.theta, design.theta / (design.theta + design.placebo_mean), size=shape)
    scans = np.full(shape, SCANS, dtype=np.int64)
    if design.dropout > 0:
        stops = rng.random(shape) < design.dropout
        scans = np.where(stops, rng.integers(0, SCANS, size=shape), scans)
        mean = scans * design.placebo_mean * np.where(arm == 1.0, design.rate_ratio, 1.0)
        y = _negative_binomial(rng, mean, scans * design.theta)
    else:  # every participant has all scans: two draws with scalar parameters, numpy's fast path
        size = SCANS * design.theta
        y = np.empty(shape, dtype=np.int64)
        for arm_value, mean_per_scan in ((0, design.placebo_mean), (1, design.rate_ratio * design.placebo_mean)):
            columns = slice(arm_value * half, (arm_value + 1) * half)
            y[:, columns] = rng.negative_binomial(size, size / (size + SCANS * mean_per_scan), size=(trials, half))
    return SimulatedTrials(y=y, baseline=baseline, scans=scans, arm=arm)


def estimate_power(design: PowerDesign, sims: int, rng: np.random.Generator, workers: int | None = None) -> PowerResult:
    """Monte Carlo power: the share of `sims` simulated trials whose Wald p for arm is below alpha.

    Monte Carlo standard error sqrt(p (1 - p) / sims). Trials are drawn in chunks of CHUNK in a
    fixed order, so the same generator state gives the same answer.
    """
    if isinstance(sims, bool) or not isinstance(sims, int | np.integer) or sims < 1:
        raise SimulationError(f"sims must be a whole number >= 1, got {sims!r}", field="sims")
    started = time.perf_counter()
    rejections = not_converged = at_bound = 0
    for start in range(0, sims, CHUNK):
        fit = simulate_first_period(design, min(CHUNK, sims - start), rng).fit(workers)
        rejections += int(np.sum(fit.wald(1).p_value < design.alpha))
        not_converged += int(np.sum(~fit.converged))
        at_bound += int(np.sum(fit.theta_at_bound))
    power = rejections / sims
    return PowerResult(design=design, sims=sims, power=power, mc_se=float(np.sqrt(power * (1 - power) / sims)),
                       rejections=rejections, not_converged=not_converged, theta_at_bound=at_bound,
                       seconds=time.perf_counter() - started)


def analytic_power(design: PowerDesign) -> float:
    """Normal-approximation power of the Wald test (Keene et al. 2007; Zhu & Lakkis 2014, method 1).

    A participant's total over k scans is NB(k m, k theta), so Var(log RR hat) is about
    [1/(k m0) + 1/(k m1) + 2/(k theta)] / (n/2) with m1 = RR m0; dropout is ignored here.
    """
    variance = (1 / (SCANS * design.placebo_mean) + 1 / (SCANS * design.placebo_mean * design.rate_ratio)
                + 2 / (SCANS * design.theta)) / (design.n / 2)
    shift = abs(np.log(design.rate_ratio)) / np.sqrt(variance)
    z = special.ndtri(1 - design.alpha / 2)
    return float(special.ndtr(shift - z) + special.ndtr(-shift - z))
