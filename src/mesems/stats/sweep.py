"""Power over a grid of designs, one Dask task per design, and the power curves.

Each grid point gets its own seed, spawned from the sweep's seed by index
(numpy SeedSequence.spawn), so a point's answer does not depend on which worker ran it or
when: the same sweep with the same seed gives the same table on one core or fifty.
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mesems.errors import SimulationError
from mesems.stats.power import PowerDesign, PowerResult, estimate_power

GRID_FIELDS = ("n", "rate_ratio", "placebo_mean", "theta", "dropout")


@dataclass(frozen=True)
class SweepGrid:
    """The values of each design parameter; the grid is their Cartesian product."""

    n: tuple[int, ...] = (144,)
    rate_ratio: tuple[float, ...] = (0.5,)
    placebo_mean: tuple[float, ...] = (1.0,)
    theta: tuple[float, ...] = (0.5,)
    dropout: tuple[float, ...] = (0.0,)

    def designs(self) -> list[PowerDesign]:
        """Every design of the grid, validated (a bad value raises SimulationError naming it)."""
        for name in GRID_FIELDS:
            if not getattr(self, name):
                raise SimulationError(f"the sweep needs at least one value of {name}", field=name)
        return [PowerDesign(n=n, rate_ratio=rr, placebo_mean=m, theta=t, dropout=d)
                for n, rr, m, t, d in itertools.product(self.n, self.rate_ratio, self.placebo_mean, self.theta, self.dropout)]


def power_point(design: PowerDesign, sims: int, seed: np.random.SeedSequence) -> PowerResult:
    """One grid point, as a Dask task runs it: one thread, since Dask's workers use the cores."""
    return estimate_power(design, sims, np.random.default_rng(seed), workers=1)


def run_sweep(
    grid: SweepGrid,
    sims: int,
    seed: int,
    client: Any,
    on_done: Callable[[PowerResult], None] | None = None,
) -> list[PowerResult]:
    """Estimate power at every grid point on a dask.distributed `client`; results in grid order."""
    from dask.distributed import as_completed

    designs = grid.designs()
    if sims < 1:
        raise SimulationError(f"sims must be a whole number >= 1, got {sims}", field="sims")
    seeds = np.random.SeedSequence(seed).spawn(len(designs))
    futures = [client.submit(power_point, design, sims, s, pure=False) for design, s in zip(designs, seeds, strict=True)]
    index = {future.key: i for i, future in enumerate(futures)}
    results: list[PowerResult | None] = [None] * len(designs)
    for future in as_completed(futures):  # type: ignore[no-untyped-call]
        result = future.result()
        results[index[future.key]] = result
        if on_done is not None:
            on_done(result)
    return [r for r in results if r is not None]


def write_sweep(results: Sequence[PowerResult], out: Path, meta: dict[str, Any]) -> dict[str, Path]:
    """power_sweep.csv, power_sweep.json and power_curves.png in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    rows = [r.row() for r in results]
    paths = {"csv": out / "power_sweep.csv", "json": out / "power_sweep.json", "png": out / "power_curves.png"}
    with paths["csv"].open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    paths["json"].write_text(json.dumps({**meta, "results": rows}, indent=2), encoding="utf-8")
    plot_power_curves(results, paths["png"])
    return paths


def plot_power_curves(results: Sequence[PowerResult], path: Path) -> None:
    """Power against n, one line per rate ratio, one panel per (placebo mean, theta, dropout);
    bars are 95% Monte Carlo intervals, the dashed line is 80% power."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = sorted({(r.design.placebo_mean, r.design.theta, r.design.dropout) for r in results})
    cols = min(3, len(panels))
    rows = -(-len(panels) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.4 * rows), squeeze=False, sharey=True)
    for ax, panel in zip(axes.flat, panels, strict=False):
        here = [r for r in results if (r.design.placebo_mean, r.design.theta, r.design.dropout) == panel]
        for rr in sorted({r.design.rate_ratio for r in here}):
            line = sorted((r for r in here if r.design.rate_ratio == rr), key=lambda r: r.design.n)
            ax.errorbar([r.design.n for r in line], [r.power for r in line], yerr=[1.96 * r.mc_se for r in line],
                        marker="o", ms=3, capsize=2, label=f"RR {rr:g}")
        ax.axhline(0.8, ls="--", lw=0.8, color="grey")
        ax.set_title(f"placebo mean {panel[0]:g}/scan, theta {panel[1]:g}, dropout {panel[2]:g}", fontsize=8)
        ax.set_xlabel("participants (n)")
        ax.set_ylim(0, 1)
        ax.legend(fontsize=7)
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    axes[0, 0].set_ylabel("power (Wald, two-sided 5%)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
