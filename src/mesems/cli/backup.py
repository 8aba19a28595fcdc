"""`mesems backup --out FILE` and `mesems restore FILE`: the whole database, SQLite or PostgreSQL,
in a portable file with its SHA-256 digest (format: `mesems.web.backup`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress

from mesems.cli.audit import progress_bar


def _advance(progress: Progress, description: str) -> Callable[[int, int], None]:
    task = progress.add_task(description, total=None)

    def advance(done: int, total: int) -> None:
        progress.update(task, total=total, advance=done)

    return advance


def backup(out: Path = typer.Option(..., "--out", help="The backup file to write (its digest goes to FILE.sha256 beside it).")) -> None:
    """Write every record of the trial database to one file, with its SHA-256 digest."""
    from mesems.web.bootstrap import setup_django

    setup_django()
    from mesems.web.backup import write_backup

    with progress_bar(Console(stderr=True)) as progress:
        summary = write_backup(out, _advance(progress, "Backing up"))
    typer.echo(f"wrote {out}: {summary.records} records of {summary.models} kinds, audit trail of {summary.audit_records} records "
               f"(head {summary.audit_head}); sha256 {summary.sha256}; data sha256 {summary.data_sha256}")


def restore(
    file: Path = typer.Argument(..., help="A file written by `mesems backup`."),
    replace: bool = typer.Option(False, "--replace", help="Delete what the database holds first (otherwise it must be empty)."),
) -> None:
    """Check a backup's digest, then load it into the configured database (migrated first) in one transaction."""
    from django.core.management import call_command

    from mesems.web.bootstrap import setup_django

    setup_django()
    from mesems.web.backup import restore_backup

    call_command("migrate", interactive=False, verbosity=0)
    with progress_bar(Console(stderr=True)) as progress:
        checked = restore_backup(file, replace=replace, progress=_advance(progress, "Restoring"))
    audit = checked.header.get("audit", {})
    typer.echo(f"restored {file}: {checked.records} records (data sha256 {checked.data_sha256}); "
               f"audit trail intact ({audit.get('records', 0)} records, head {audit.get('head', '')})")


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)
