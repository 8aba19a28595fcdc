"""Command groups of each area, added to the root app; an area adds its line here."""

from __future__ import annotations

import typer

from mesems.cli import screening


def register_commands(app: typer.Typer) -> None:
    """Areas add their command groups here, one line each."""
    screening.register(app)
