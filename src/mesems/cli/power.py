"""`mesems power`, `mesems power sweep` and `mesems samplesize`: the power engine."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from mesems.errors import SimulationError
from mesems.stats.power import PowerDesign, PowerResult, analytic_power, estimate_power
from mesems.stats.samplesize import smallest_n
from mesems.stats.sweep import SweepGrid, run_sweep, write_sweep

app = typer.Typer(help="Power of the primary GEL analysis by simulation.", invoke_without_command=True)
err = Console(stderr=True)
RATE_RATIO = typer.Option(0.5, "--rate-ratio", help="GEL rate ratio MSC vs placebo.")
PLACEBO_MEAN = typer.Option(1.0, "--placebo-mean", help="Mean GEL per scan on placebo.")
THETA = typer.Option(0.5, "--theta", help="Negative binomial size of one scan.")
DROPOUT = typer.Option(0.0, "--dropout", help="Share of participants who stop early in period 1.")


def _sims(sims: int) -> int:
    if sims < 1:
        raise SimulationError(f"sims must be >= 1, got {sims}", field="sims")
    return sims


def _write_json(path: Path, data: dict[str, Any]) -> None:
    try:
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise SimulationError(f"cannot write {path}: {exc.strerror}", field="json") from None


@app.callback()
def power(
    ctx: typer.Context,
    sims: int = typer.Option(1000, "--sims", help="Simulated trials."),
    n: int = typer.Option(144, "--n", help="Participants, even (n/2 per arm)."),
    rate_ratio: float = RATE_RATIO,
    placebo_mean: float = PLACEBO_MEAN,
    theta: float = THETA,
    dropout: float = DROPOUT,
    seed: int = typer.Option(0, "--seed", help="Seed: the same seed gives the same answer."),
    json_out: Path | None = typer.Option(None, "--json", help="Write {power, sims, seconds} here."),
) -> None:
    """Power of the primary analysis for one design (DESIGN.md contract); `sweep` for a grid."""
    if ctx.invoked_subcommand is not None:
        return
    design = PowerDesign(n=n, rate_ratio=rate_ratio, placebo_mean=placebo_mean, theta=theta, dropout=dropout)
    result = estimate_power(design, _sims(sims), np.random.default_rng(seed))
    if json_out is not None:
        _write_json(json_out, result.contract())
    typer.echo(f"power {result.power:.4f} (Monte Carlo SE {result.mc_se:.4f}) from {result.sims} trials of "
               f"{n} in {result.seconds:.2f} s; normal approximation {analytic_power(design):.4f}"
               + (f"; {result.not_converged} fits did not converge" if result.not_converged else ""))


def _floats(text: str, name: str) -> tuple[float, ...]:
    try:
        return tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise SimulationError(f"--{name} takes numbers separated by commas, got {text!r}", field=name) from None


def _ints(text: str, name: str) -> tuple[int, ...]:
    values = _floats(text, name)
    if any(v != int(v) for v in values):
        raise SimulationError(f"--{name} takes whole numbers, got {text!r}", field=name)
    return tuple(int(v) for v in values)


@app.command("sweep")
def sweep(
    n: str = typer.Option("72,108,144,180,216", "--n", help="Participant counts, comma-separated."),
    rate_ratio: str = typer.Option("0.5,0.6,0.7,0.8", "--rate-ratio", help="Rate ratios, comma-separated."),
    placebo_mean: str = typer.Option("1.0", "--placebo-mean", help="Placebo means per scan, comma-separated."),
    theta: str = typer.Option("0.5", "--theta", help="Negative binomial sizes, comma-separated."),
    dropout: str = typer.Option("0", "--dropout", help="Dropout shares, comma-separated."),
    sims: int = typer.Option(2000, "--sims", help="Simulated trials per design."),
    seed: int = typer.Option(0, "--seed", help="Seed of the sweep; each design gets its own stream from it."),
    out: Path = typer.Option(Path("power_sweep"), "--out", help="Folder for power_sweep.csv/.json and power_curves.png."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Address of a Dask scheduler (default: a local cluster)."),
    workers: int = typer.Option(2, "--workers", help="Processes of the local cluster."),
) -> None:
    """Power over a grid of designs on Dask, with power curves."""
    grid = SweepGrid(n=_ints(n, "n"), rate_ratio=_floats(rate_ratio, "rate-ratio"), placebo_mean=_floats(placebo_mean, "placebo-mean"),
                     theta=_floats(theta, "theta"), dropout=_floats(dropout, "dropout"))
    designs = grid.designs()
    _sims(sims)
    from dask.distributed import Client, LocalCluster

    started = time.perf_counter()
    cluster = None
    if scheduler is None:
        if workers < 1:
            raise SimulationError(f"workers must be >= 1, got {workers}", field="workers")
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        client = Client(scheduler if scheduler is not None else cluster, timeout="20s")
    except OSError as exc:
        raise SimulationError(f"cannot reach the Dask scheduler at {scheduler}: {exc}", field="scheduler") from None
    try:
        with Progress(TextColumn("designs"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err) as bar:
            task = bar.add_task("sweep", total=len(designs))

            def done(_: PowerResult) -> None:
                bar.advance(task)

            results = run_sweep(grid, sims, seed, client, on_done=done)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    meta = {"sims": sims, "seed": seed, "scheduler": scheduler or f"LocalCluster({workers} processes)",
            "seconds": time.perf_counter() - started}
    paths = write_sweep(results, out, meta)
    typer.echo(f"{len(results)} designs x {sims} trials in {meta['seconds']:.1f} s: " + ", ".join(str(p) for p in paths.values()))


def samplesize(
    target: float = typer.Option(0.8, "--power", help="Target power."),
    rate_ratio: float = RATE_RATIO,
    placebo_mean: float = PLACEBO_MEAN,
    theta: float = THETA,
    dropout: float = DROPOUT,
    sims: int = typer.Option(2000, "--sims", help="Simulated trials per n tried."),
    seed: int = typer.Option(0, "--seed", help="Seed, the same for every n (common random numbers)."),
    n_max: int = typer.Option(5000, "--n-max", help="Largest n to try."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the answer as JSON here."),
) -> None:
    """The smallest even n whose simulated power reaches --power."""
    design = PowerDesign(n=144, rate_ratio=rate_ratio, placebo_mean=placebo_mean, theta=theta, dropout=dropout)
    found = smallest_n(design, target, _sims(sims), seed, n_max)
    if json_out is not None:
        _write_json(json_out, {"n": found.n, "power": found.power, "mc_se": found.mc_se, "target_power": target,
                               "power_at_n_minus_2": found.power_below, "analytic_n": found.analytic_n, "sims": sims})
    below = f"; {found.power_below:.3f} at n = {found.n - 2}" if found.power_below is not None else ""
    typer.echo(f"n = {found.n} ({found.n // 2} per arm): power {found.power:.3f} (MC SE {found.mc_se:.3f}){below}; "
               f"normal approximation n = {found.analytic_n}")
