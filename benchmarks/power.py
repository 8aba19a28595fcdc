"""Speed claim of `mesems power`: 10,000 simulated trials of 144 participants, fitted all at once,
against a loop that fits each trial with statsmodels' NegativeBinomial (timed on a few hundred
trials and scaled to 10,000), in the same process. Run: `python benchmarks/power.py [trials]`.
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
from statsmodels.discrete.discrete_model import NegativeBinomial

from mesems.stats.power import PowerDesign, estimate_power, simulate_first_period

TRIALS = 10_000
LOOP_TRIALS = 300
DESIGN = PowerDesign(n=144, rate_ratio=0.7, placebo_mean=1.0, theta=0.5)


def statsmodels_loop(trials: int) -> tuple[float, int, np.ndarray]:
    """Seconds to fit `trials` trials one by one; failed fits; the arm coefficients."""
    data = simulate_first_period(DESIGN, trials, np.random.default_rng(1))
    X = data.design_matrix()
    offset = np.log(data.scans.astype(float))
    coefs = np.full(trials, np.nan)
    failed = 0
    started = time.perf_counter()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for t in range(trials):
            result = NegativeBinomial(data.y[t], X[t], offset=offset[t]).fit(method="newton", disp=0, maxiter=100)
            coefs[t] = result.params[1]
            failed += not np.isfinite(result.params).all()
    return time.perf_counter() - started, failed, coefs


def main() -> None:
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else TRIALS
    estimate_power(DESIGN, 200, np.random.default_rng(0))  # warm-up: imports, first allocations

    data = simulate_first_period(DESIGN, trials, np.random.default_rng(1))
    started = time.perf_counter()
    fit = data.fit()
    fit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    data.fit(workers=1)
    fit_one_thread = time.perf_counter() - started
    end_to_end = estimate_power(DESIGN, trials, np.random.default_rng(2))

    loop_seconds, failed, coefs = statsmodels_loop(LOOP_TRIALS)
    scaled = loop_seconds * trials / LOOP_TRIALS
    ok = np.isfinite(coefs)
    agreement = np.max(np.abs(fit.coef[:LOOP_TRIALS, 1][ok] - coefs[ok]))

    print(f"design: n={DESIGN.n}, RR={DESIGN.rate_ratio}, placebo mean={DESIGN.placebo_mean}/scan, theta={DESIGN.theta}")
    print(f"mesems power, {trials} trials, simulate + fit + test: {end_to_end.seconds:8.3f} s  (power {end_to_end.power:.4f})")
    print(f"vectorised fit of {trials} trials, all cores:        {fit_seconds:8.3f} s")
    print(f"vectorised fit of {trials} trials, one thread:       {fit_one_thread:8.3f} s")
    print(f"statsmodels loop, {LOOP_TRIALS} trials:                     {loop_seconds:8.3f} s  ({failed} failed to converge)")
    print(f"statsmodels loop scaled to {trials} trials:           {scaled:8.3f} s")
    print(f"ratio, fit only (all cores / one thread):     {scaled / fit_seconds:8.1f}x / {scaled / fit_one_thread:.1f}x")
    print(f"ratio, whole mesems power vs the fit loop:    {scaled / end_to_end.seconds:8.1f}x")
    print(f"largest difference of the arm coefficient on the {int(ok.sum())} trials statsmodels fitted: {agreement:.2e}")


if __name__ == "__main__":
    main()
