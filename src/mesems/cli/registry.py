"""Command groups of each area, added to the root app; an area adds its line here."""

from __future__ import annotations

import typer


def register_commands(app: typer.Typer) -> None:
    """Areas add their command groups here, one line each."""
    from mesems.cli import power, simulate

    app.command("simulate")(simulate.simulate)
    app.add_typer(power.app, name="power")
    app.command("samplesize")(power.samplesize)
