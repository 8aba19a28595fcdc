"""`mesems audit verify`: checks the tamper-evident audit trail of the configured database.

Exit 0: the trail is intact (its size and head digest are printed: keep the head outside the
database and pass it to a later check with --anchor). Exit 1: the trail was tampered with, one
line per finding on stderr. Exit 2: the check could not run (no database, not migrated).
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from mesems.errors import MesemsError

app = typer.Typer(help="Check the tamper-evident audit trail.", no_args_is_help=True)


def progress_bar(console: Console) -> Progress:
    """A progress bar on a terminal; nothing at all when the output goes to a file or a pipe."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=console, transient=True, disable=not console.is_terminal)


@app.command("verify")
def verify(
    anchor: str | None = typer.Option(None, "--anchor", help="A head digest printed by an earlier check: the trail must still hold that record."),
) -> None:
    """Finds every changed, deleted or inserted audit record."""
    from django.db import DatabaseError

    from mesems.web.bootstrap import setup_django

    setup_django()
    from mesems.web.apps.audit.services import trail_head, verify_audit_trail

    try:
        head = trail_head()
        with progress_bar(Console(stderr=True)) as progress:
            task = progress.add_task("Verifying the audit trail", total=head.records)
            problems = verify_audit_trail(lambda n: progress.advance(task, n), anchor=anchor)
    except DatabaseError as exc:
        raise MesemsError(f"cannot read the audit trail: {str(exc).strip().splitlines()[0]} (is the database migrated?)") from None
    if problems:
        for problem in problems:
            typer.echo(f"audit record {problem.seq}: {problem.message}", err=True)
        typer.echo(f"audit trail TAMPERED: {len(problems)} finding(s) in {head.records} records", err=True)
        raise typer.Exit(1)
    typer.echo(f"audit trail intact: {head.records} records, head {head.digest}")
