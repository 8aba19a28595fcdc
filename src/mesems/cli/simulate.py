"""`mesems simulate`: a whole in-silico trial written as the flat tables' CSV files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import typer

from mesems.errors import SimulationError
from mesems.sim.scenario import load_scenario
from mesems.sim.trial import simulate_trial, write_tables


def simulate(
    participants: int | None = typer.Option(None, "--participants", help="Randomised participants (default: the scenario's, 144)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the random generator: the same seed gives the same trial."),
    out: Path = typer.Option(..., "--out", help="Folder for the CSV files, one per table."),
    scenario: Path | None = typer.Option(None, "--scenario", help="A scenario YAML over the defaults (sim/default_scenario.yaml)."),
    as_of: str | None = typer.Option(None, "--as-of", help="Data cut-off YYYY-MM-DD: the trial as seen that day."),
) -> None:
    """Simulate a whole MESEMS trial (screening to week 48) and write every table as CSV."""
    chosen = load_scenario(scenario)
    if as_of is not None:
        try:
            chosen = chosen.model_copy(update={"data_cutoff": dt.date.fromisoformat(as_of)})
        except ValueError:
            raise SimulationError(f"--as-of must be a date YYYY-MM-DD, got {as_of!r}", field="as_of") from None
    if seed < 0:
        raise SimulationError(f"seed must be >= 0, got {seed}", field="seed")
    trial = simulate_trial(chosen, np.random.default_rng(seed), participants=participants)
    paths = write_tables(trial, out)
    counts = ", ".join(f"{name} {len(trial.rows(name))}" for name in paths)
    typer.echo(f"wrote {len(paths)} tables to {out}: {counts}")
