"""The `mesems` command: one file per command group, joined here with add_typer.

Expected stops are a `MesemsError`: one line on stderr and exit code 2. Tracebacks appear
only with `--debug`, and never show local variables (they may hold patient data).
"""

from __future__ import annotations

import os
import sys

import typer

from mesems.cli import protocol as protocol_commands
from mesems.cli.registry import register_commands
from mesems.errors import MesemsError

app = typer.Typer(
    name="mesems",
    help="Run the MESEMS trial (or another protocol) from protocol to published analysis.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(protocol_commands.app, name="protocol")
register_commands(app)

_DEBUG_ENV = "MESEMS_DEBUG"


@app.callback()
def _root(debug: bool = typer.Option(False, "--debug", help="Show tracebacks of unexpected errors.")) -> None:
    if debug:
        os.environ[_DEBUG_ENV] = "1"


def fail(message: str) -> typer.Exit:
    """A one-line refusal; callers `raise fail(...)`."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def main() -> None:
    debug = "--debug" in sys.argv[1:] or os.environ.get(_DEBUG_ENV) == "1"
    try:
        app(standalone_mode=True)
    except MesemsError as exc:
        if debug:
            raise
        typer.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the last line of defence: no traceback with patient data on a user's screen
        if debug:
            raise
        typer.echo(f"internal error ({type(exc).__name__}); run again with --debug for details", err=True)
        sys.exit(1)
