"""`mesems demo`: everything `make demo` does after installing."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from mesems.protocol import load_protocol


def demo(
    serve: bool = typer.Option(True, help="Serve the web app after seeding."),
    host: str = typer.Option("127.0.0.1", help="Address to serve on."),
    port: int = typer.Option(8000, help="Port to serve on."),
) -> None:
    """Migrate the database, seed the demo trial, print each role's login and serve the web app."""
    from django.core.management import call_command

    from mesems.web.bootstrap import setup_django

    setup_django()
    from mesems.web.demo import seed_demo

    console = Console(width=max(Console().width, 120))
    console.print("[bold]Migrating the database[/]")
    call_command("migrate", interactive=False, verbosity=0)
    logins = seed_demo(load_protocol())
    table = Table(title="Demo logins (one per role; site roles at two sites)")
    for column in ("username", "password", "role", "site"):
        table.add_column(column)
    for login in logins:
        table.add_row(login.username, login.password, login.role.label, login.site or "all sites")
    console.print(table)
    if serve:
        console.print(f"Serving on http://{host}:{port}/ (Ctrl-C to stop)")
        call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
