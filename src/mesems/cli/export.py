"""`mesems export csv|odm|sdtm|import-odm`: the trial's tables in flat, CDISC ODM and SDTM form.

Exports are blinded unless `--unblinded` is given with `--role` of an unblinded role
(mesems.access); a blinded role is refused. `--from-db` exports the live database instead of a
directory (Django is set up only then); an unblinded export from it names its taker with
`--user`, and every export from it is recorded in the audit trail. Input that breaks the table
contract or a standard is refused with one line per problem on stderr and exit code 2; nothing
is left under the output name unless the whole export succeeded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from mesems.errors import ExportError
from mesems.exports.access import require_export_access
from mesems.exports.flat import write_flat
from mesems.exports.odm.reader import read_odm
from mesems.exports.odm.writer import write_odm
from mesems.exports.sdtm.writer import write_sdtm
from mesems.exports.staging import ExportResult
from mesems.exports.tableset import InputProblems, TrialTables, blind, read_tables
from mesems.protocol import Protocol, load_protocol

app = typer.Typer(help="Export the trial as CSV/Parquet, CDISC ODM 1.3.2 or SDTM, and import ODM back.", no_args_is_help=True)

INPUT = typer.Option(None, "--input", help="Directory of trial tables (what `mesems simulate --out DIR` writes).")
FROM_DB = typer.Option(False, "--from-db", help="Export the live database (MESEMS_DATABASE_URL / MESEMS_DATA_DIR) instead of --input.")
USER = typer.Option(None, "--user", help="With --from-db: the user taking the export (recorded); needed for --unblinded.")
UNBLINDED = typer.Option(False, "--unblinded/--blinded", help="Include sequence and product identity (unblinded roles only).")
ROLE = typer.Option(None, "--role", help="Role of the person taking the export, e.g. unblinded_statistician.")
PROTOCOL = typer.Option(None, "--protocol", help="Protocol YAML; the embedded MESEMS protocol when omitted.")


@contextmanager
def _steps(total: int) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr; call the yielded function at the start of each step."""
    console = Console(stderr=True)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task("starting", total=total)
        started = False

        def step(description: str) -> None:
            nonlocal started
            if started:
                progress.advance(task)
            started = True
            progress.update(task, description=description)

        yield step
        progress.update(task, completed=total)


def _report(problems: InputProblems) -> typer.Exit:
    for problem in problems.problems:
        typer.echo(f"error: {problem}", err=True)
    typer.echo(f"error: {problems.what}: {len(problems.problems)} problem(s); nothing was written", err=True)
    return typer.Exit(2)


def _prepare(tables: TrialTables, unblinded: bool, role: str | None) -> tuple[TrialTables, str | None]:
    checked = require_export_access(role, unblinded=unblinded)
    if unblinded and tables.blinded:
        raise InputProblems("unblinded export", ["the input holds no allocation columns (it is already blinded)"])
    return (tables if unblinded else blind(tables)), (checked.value if checked else None)


def _done(result: ExportResult) -> None:
    kind = "blinded" if result.blinded else f"UNBLINDED (role {result.role})"
    typer.echo(f"wrote {result.path}: {result.kind}, {kind}, {result.participants} participants, {len(result.files)} file(s)")


def _from_db(kind: str, out: Path, unblinded: bool, role: str | None, user: str | None) -> None:
    from mesems.web.bootstrap import setup_django

    setup_django()
    from mesems.web.apps.datasets.services import export_to, taker_for_cli

    with _steps(2) as step:
        step("reading the database")
        record = export_to(taker_for_cli(user, role), kind, out, unblinded=unblinded)
    kind_text = "blinded" if record.blinded else f"UNBLINDED (role {record.role}, user {record.taken_by})"
    typer.echo(f"wrote {out}: {kind}, {kind_text}, {record.participants} participants; recorded as export {record.pk}, data snapshot {record.snapshot_digest}")


Writer = Callable[[TrialTables, Path, Protocol, str | None, Callable[[str], None]], ExportResult]
"""Writes blinded-or-not tables to `out` for a role, telling each step."""


def _run(kind: str, out: Path, write: Writer, input_dir: Path | None, protocol_file: Path | None, unblinded: bool, role: str | None,
         from_db: bool, user: str | None) -> None:
    if from_db == (input_dir is not None):
        raise ExportError("give either --input DIR or --from-db", field="input")
    if from_db and protocol_file is not None:
        raise ExportError("--protocol cannot be used with --from-db: the database's protocol is used", field="protocol")
    if user is not None and not from_db:
        raise ExportError("--user names a user of the database: use it with --from-db", field="user")
    try:
        if from_db:
            _from_db(kind, out, unblinded, role, user)
            return
        with _steps(3) as step:
            step("reading protocol and tables")
            protocol = load_protocol(protocol_file)
            tables, checked_role = _prepare(read_tables(input_dir, protocol), unblinded, role)  # type: ignore[arg-type]
            step("writing")
            result = write(tables, out, protocol, checked_role, step)
    except InputProblems as problems:
        raise _report(problems) from None
    _done(result)


def _export_command(kind: str, out_help: str, summary: str, write: Writer) -> None:
    """The three exports share their options and their run; they differ in what they write."""

    def command(
        input_dir: Path | None = INPUT,
        out: Path = typer.Option(..., "--out", help=out_help),
        unblinded: bool = UNBLINDED,
        role: str | None = ROLE,
        protocol_file: Path | None = PROTOCOL,
        from_db: bool = FROM_DB,
        user: str | None = USER,
    ) -> None:
        _run(kind, out, write, input_dir, protocol_file, unblinded, role, from_db, user)

    command.__doc__ = summary
    app.command(kind)(command)


_export_command(
    "csv", "New directory for the CSV, Parquet and data dictionary files.", "Every table as CSV and Parquet, with a data dictionary.",
    lambda tables, out, protocol, role, step: write_flat(tables, out, protocol, role=role),
)
_export_command(
    "odm", "The ODM 1.3.2 XML file to write.", "Study metadata and clinical data with audit records as one ODM 1.3.2 file, schema-checked.",
    lambda tables, out, protocol, role, step: write_odm(tables, out, protocol, role=role, progress=step),
)
_export_command(
    "sdtm", "New directory for the .xpt datasets and define.xml.", "SDTM datasets as SAS transport v5 files with define.xml 2.0.",
    lambda tables, out, protocol, role, step: write_sdtm(tables, out, protocol, role=role),
)


@app.command("import-odm")
def import_odm_command(
    file: Path = typer.Argument(..., help="An ODM 1.3.2 file written by `mesems export odm` (or shaped like one)."),
    out: Path = typer.Option(..., "--out", help="New directory for the tables (CSV, Parquet, data dictionary)."),
    unblinded: bool = UNBLINDED,
    role: str | None = ROLE,
    protocol_file: Path | None = PROTOCOL,
) -> None:
    """Check an ODM file and turn its clinical data back into the flat tables; report every problem."""
    try:
        with _steps(2) as step:
            step("checking and reading the ODM file")
            protocol = load_protocol(protocol_file)
            tables, checked_role = _prepare(read_odm(file, protocol), unblinded, role)
            step("writing tables")
            result = write_flat(tables, out, protocol, role=checked_role)
    except InputProblems as problems:
        raise _report(problems) from None
    _done(result)
