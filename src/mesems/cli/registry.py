"""Command groups of each area, added to the root app; an area adds its line here."""

from __future__ import annotations

import typer

from mesems.cli import analyse, audit, backup, demo, export


def register_commands(app: typer.Typer) -> None:
    app.command("demo")(demo.demo)
    app.add_typer(analyse.app, name="analyse")
    app.add_typer(export.app, name="export")
    app.add_typer(audit.app, name="audit")
    backup.register(app)
