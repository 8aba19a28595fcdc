"""The smallest even n whose simulated power reaches a target.

Every n is simulated from the same seed (common random numbers), which makes the estimated
power nearly monotone in n, so a bisection over even n between an n below the target and one
above it finds the boundary. The analytic normal approximation gives the first bracket.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from scipy import special

from mesems.errors import SimulationError
from mesems.stats.power import SCANS, PowerDesign, PowerResult, estimate_power


@dataclass(frozen=True)
class SampleSize:
    n: int
    target_power: float
    power: float
    mc_se: float
    power_below: float | None
    analytic_n: int
    sims: int
    design: PowerDesign


def analytic_n(design: PowerDesign, target: float) -> int:
    """Smallest even n by the normal approximation of `analytic_power`:
    n/2 = (z_{1-alpha/2} + z_{power})^2 [1/(k m0) + 1/(k m1) + 2/(k theta)] / log(RR)^2."""
    k, m0 = SCANS, design.placebo_mean
    spread = 1 / (k * m0) + 1 / (k * m0 * design.rate_ratio) + 2 / (k * design.theta)
    z = special.ndtri(1 - design.alpha / 2) + special.ndtri(target)
    return max(4, 2 * math.ceil(float(z) ** 2 * spread / math.log(design.rate_ratio) ** 2))


def smallest_n(design: PowerDesign, target: float, sims: int, seed: int, n_max: int = 5000) -> SampleSize:
    """Bisection on even n with simulated power; `design.n` is ignored."""
    if not 0.0 < target < 1.0:
        raise SimulationError(f"power must be between 0 and 1, got {target:g}", field="power")
    if design.rate_ratio == 1.0:
        raise SimulationError("rate ratio 1 has no power to find: every n gives the type I error", field="rate_ratio")
    if n_max < 4 or n_max % 2:
        raise SimulationError(f"n-max must be even and at least 4, got {n_max}", field="n_max")

    cache: dict[int, PowerResult] = {}

    def power_at(n: int) -> PowerResult:
        if n not in cache:
            cache[n] = estimate_power(replace(design, n=n), sims, np.random.default_rng(seed))
        return cache[n]

    hi = min(analytic_n(design, target), n_max)
    lo = 2  # power at n = 2 is taken as below any target
    if power_at(hi).power >= target:
        while hi > 4:
            lo = max(4, (hi // 4) * 2)
            if power_at(lo).power < target:
                break
            hi, lo = lo, 2
    else:
        while power_at(hi).power < target:
            if hi == n_max:
                raise SimulationError(
                    f"power {power_at(hi).power:.3f} at n-max {n_max} is below {target:g}; raise --n-max", field="n_max")
            lo, hi = hi, min(n_max, hi * 2)
    while hi - lo > 2:
        mid = (lo + hi) // 2
        mid -= mid % 2
        if power_at(mid).power >= target:
            hi = mid
        else:
            lo = mid
    found = power_at(hi)
    below = cache[lo].power if lo in cache else None
    return SampleSize(n=hi, target_power=target, power=found.power, mc_se=found.mc_se, power_below=below,
                      analytic_n=analytic_n(design, target), sims=sims, design=replace(design, n=hi))

