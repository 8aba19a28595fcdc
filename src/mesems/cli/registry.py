"""Command groups of each area, added to the root app; an area adds its line here."""

from __future__ import annotations

import typer

from mesems.cli import allocation, analyse, audit, backup, demo, export, power, screening, serve, simulate


def register_commands(app: typer.Typer) -> None:
    app.command("demo")(demo.demo)
    app.command("serve")(serve.serve)
    app.add_typer(analyse.app, name="analyse")
    app.add_typer(export.app, name="export")
    app.add_typer(allocation.app, name="allocation")
    screening.register(app)
    app.command("simulate")(simulate.simulate)
    app.add_typer(power.app, name="power")
    app.command("samplesize")(power.samplesize)
    app.add_typer(audit.app, name="audit")
    backup.register(app)
