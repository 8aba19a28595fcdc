"""Speed claim of `mesems power`: 10,000 simulated trials of 144 participants, fitted all at once,
against a loop that fits each trial with statsmodels' NegativeBinomial (timed on a few hundred
trials and scaled to 10,000), in the same process. Run: `python benchmarks/power.py [trials]`.

Each figure is the best of three runs (as timeit reports), in wall-clock and in CPU seconds of
this process: the machine is shared, and CPU time is what other processes disturb least.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from statsmodels.discrete.discrete_model import NegativeBinomial

from mesems.stats.power import PowerDesign, SimulatedTrials, estimate_power, simulate_first_period

TRIALS = 10_000
LOOP_TRIALS = 300
REPEATS = 3
DESIGN = PowerDesign(n=144, rate_ratio=0.7, placebo_mean=1.0, theta=0.5)


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float

    def scaled(self, factor: float) -> Timing:
        return Timing(self.wall * factor, self.cpu * factor)


def best(run: Callable[[], object]) -> Timing:
    walls, cpus = [], []
    for _ in range(REPEATS):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return Timing(min(walls), min(cpus))


def statsmodels_fits(data: SimulatedTrials, trials: int) -> np.ndarray:
    """The arm coefficient of the first `trials` trials, fitted one by one. Newton from
    statsmodels' own start; where it does not converge, BFGS and a Newton polish, as a careful
    user would (that time counts too)."""
    X = data.design_matrix()
    offset = np.log(data.scans.astype(float))
    coefs = np.full(trials, np.nan)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for t in range(trials):
            model = NegativeBinomial(data.y[t], X[t], offset=offset[t])
            result = model.fit(method="newton", disp=0, maxiter=100)
            if not (result.mle_retvals["converged"] and np.isfinite(result.params).all()):
                rough = model.fit(method="bfgs", disp=0, maxiter=5000)
                result = model.fit(start_params=rough.params, method="newton", disp=0, maxiter=100)
            coefs[t] = result.params[1]
    return coefs


def main() -> None:
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else TRIALS
    estimate_power(DESIGN, 200, np.random.default_rng(0))  # warm-up: imports, first allocations
    data = simulate_first_period(DESIGN, trials, np.random.default_rng(1))
    fit = data.fit()

    engine = best(lambda: estimate_power(DESIGN, trials, np.random.default_rng(2)))
    fit_all = best(lambda: data.fit())
    fit_one = best(lambda: data.fit(workers=1))
    loop = best(lambda: statsmodels_fits(data, LOOP_TRIALS)).scaled(trials / LOOP_TRIALS)
    coefs = statsmodels_fits(data, LOOP_TRIALS)
    power = estimate_power(DESIGN, trials, np.random.default_rng(2)).power

    print(f"load average (1, 5, 15 min) on {os.cpu_count()} cores: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"design: n={DESIGN.n}, RR={DESIGN.rate_ratio}, placebo mean={DESIGN.placebo_mean}/scan, theta={DESIGN.theta}")
    print(f"{'':52s} {'wall s':>9s} {'CPU s':>9s}")
    rows = [(f"mesems power, {trials} trials (simulate, fit, test)", engine),
            (f"vectorised fit of {trials} trials, all cores", fit_all),
            (f"vectorised fit of {trials} trials, one thread", fit_one),
            (f"statsmodels loop, {LOOP_TRIALS} timed, scaled to {trials}", loop)]
    for label, timing in rows:
        print(f"{label:52s} {timing.wall:9.3f} {timing.cpu:9.3f}")
    print(f"ratio, loop / vectorised fit (one thread):     wall {loop.wall / fit_one.wall:6.1f}x   CPU {loop.cpu / fit_one.cpu:6.1f}x")
    print(f"ratio, loop / vectorised fit (all cores):      wall {loop.wall / fit_all.wall:6.1f}x")
    print(f"ratio, loop / whole mesems power run:          wall {loop.wall / engine.wall:6.1f}x   CPU {loop.cpu / engine.cpu:6.1f}x")
    print(f"power {power:.4f}; largest difference of the arm coefficient from statsmodels on {LOOP_TRIALS} trials: "
          f"{np.nanmax(np.abs(fit.coef[:LOOP_TRIALS, 1] - coefs)):.1e}")


if __name__ == "__main__":
    main()
