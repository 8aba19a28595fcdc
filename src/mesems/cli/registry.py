"""Command groups of each area, added to the root app; an area adds its line here."""

from __future__ import annotations

import typer

from mesems.cli import demo, power, simulate


def register_commands(app: typer.Typer) -> None:
    app.command("demo")(demo.demo)
    app.command("simulate")(simulate.simulate)
    app.add_typer(power.app, name="power")
    app.command("samplesize")(power.samplesize)
