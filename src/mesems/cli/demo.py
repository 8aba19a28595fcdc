"""`mesems demo`: everything `make demo` does after installing."""

from __future__ import annotations

import datetime as dt
import time

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from mesems.protocol import load_protocol


def demo(
    serve: bool = typer.Option(True, help="Serve the web app after seeding."),
    host: str = typer.Option("127.0.0.1", help="Address to serve on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to serve on."),
) -> None:
    """Migrate the database, seed a simulated trial in progress, print each role's login and serve the web app."""
    from django.core.management import call_command

    from mesems.cli.serve import require_free_address, serve_web_app
    from mesems.web.bootstrap import setup_django

    if serve:
        require_free_address(host, port)  # before the minute of seeding, not after

    setup_django()
    from mesems.web.demo import DEMO_SITES, seed_demo

    console = Console(width=max(Console().width, 120))
    console.print("[bold]Migrating the database[/]")
    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("Seeding the demo trial", total=None)

        def advance(day: dt.date, done: int, known: int) -> None:
            bar.update(task, completed=done, total=known, description=f"Replaying the trial: {day.isoformat()}")

        trial = seed_demo(load_protocol(), advance)
    if trial.seeded:
        console.print(f"Seeded the demo trial: {trial.steps} steps in {time.perf_counter() - started:.1f} s")
    else:
        console.print("The database already holds the demo trial: not seeded again")
    table = Table(title=f"Demo logins (one per role; site roles at {', '.join(DEMO_SITES)})")
    for column in ("username", "password", "role", "site"):
        table.add_column(column, no_wrap=True, overflow="fold")
    for login in trial.logins:
        table.add_row(login.username, login.password, login.role.label, login.site or "all sites")
    console.print(table)
    if serve:
        from django.db import connections

        connections.close_all()  # the server's processes are forked from this one: each opens its own
        console.print(f"Serving on http://{host}:{port}/ (Ctrl-C to stop)")
        serve_web_app(host, port, workers=2, threads=8)
