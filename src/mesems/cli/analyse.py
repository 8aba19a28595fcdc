"""`mesems analyse gel|all`: the statistical analysis plan from the command line."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from mesems.protocol import load_protocol
from mesems.stats.gel import analyse_gel

app = typer.Typer(help="Analyse trial data as the statistical analysis plan says.", no_args_is_help=True)


class Variant(StrEnum):
    BOTH = "both"
    BLINDED = "blinded"
    UNBLINDED = "unblinded"


@app.command("gel")
def gel(
    input: Path = typer.Option(..., "--input", help="GEL scans CSV: participant_id,sequence,week,gel."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the results as JSON here."),
) -> None:
    """Primary first-period GEL model (glm.nb) and crossover mixed model (glmmTMB nbinom2)."""
    result = analyse_gel(input)
    summary = result.as_json()
    if json_out is not None:
        json_out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    table = Table(title="GEL rate ratio, MSC vs placebo (Wald 95% CI)")
    for column in ("model", "rate ratio", "95% CI", "p", "theta", "n"):
        table.add_column(column)
    for name, row in summary.items():
        table.add_row(name, f"{row['rate_ratio']:.3f}", f"{row['ci_low']:.3f}-{row['ci_high']:.3f}",
                      f"{row['p_value']:.3g}", f"{row['theta']:.3f}", str(row["n"]))
    Console().print(table)
    for warning in result.primary.warnings + result.crossover.warnings:
        typer.echo(f"warning: {warning}", err=True)


def _from_db(out: Path, variant: Variant, pdf: bool, user: str | None, role: str | None) -> None:
    """The reports of the live database (Django set up here only), each recorded in its audit trail;
    the unblinded one only for a `--user` who may have it (`mesems.access.datasets`)."""
    from mesems.web.bootstrap import setup_django

    setup_django()
    from mesems.access.datasets import may_unblind_reports
    from mesems.errors import AnalysisError
    from mesems.web.apps.datasets.services import report_to, taker_for_cli

    taker = taker_for_cli(user, role)
    wanted = [Variant.BLINDED, Variant.UNBLINDED] if variant is Variant.BOTH else [variant]
    if variant is Variant.BOTH and (taker.user is None or not may_unblind_reports(taker.role)):
        typer.echo("note: blinded report only (the unblinded one needs --user naming the unblinded statistician or a DSMB member)", err=True)
        wanted = [Variant.BLINDED]
    taken = [w for w in wanted if (out / w.value).exists()]
    if taken:
        raise AnalysisError(f"{out / taken[0].value} already exists; choose a new --out or remove it first", field="out")
    with Progress(transient=True) as progress:
        task = progress.add_task("reading the database", total=len(wanted))
        for which in wanted:
            progress.update(task, description=f"the {which.value} report")
            files, record = report_to(taker, out / which.value, unblinded=which is Variant.UNBLINDED, pdf=pdf)
            progress.advance(task)
            typer.echo(f"{which.value}: {files.html}" + (f", {files.pdf}" if files.pdf else "") +
                       f", {len(files.tables)} tables in {files.html.parent / 'tables'}; recorded as report {record.pk}")
            typer.echo(f"data snapshot {record.snapshot_digest} ({files.html.parent / 'data'})")


@app.command("all")
def analyse_all(
    input: Path | None = typer.Option(None, "--input", help="Directory of trial tables (<table>.csv, mesems.exports.tables)."),
    out: Path = typer.Option(..., "--out", help="Directory for the reports: <variant>/report.html, report.pdf, tables/."),
    variant: Variant = typer.Option(Variant.BOTH, "--variant", help="Which report(s) to write."),
    protocol_file: Path | None = typer.Option(None, "--protocol", help="Protocol YAML; the embedded MESEMS one by default."),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Also write the PDF (weasyprint)."),
    from_db: bool = typer.Option(False, "--from-db", help="Analyse the live database (MESEMS_DATABASE_URL / MESEMS_DATA_DIR) instead of --input."),
    user: str | None = typer.Option(None, "--user", help="With --from-db: who takes the report (recorded); needed for the unblinded one."),
    role: str | None = typer.Option(None, "--role", help="With --from-db: the role of the person taking it (must match --user's)."),
) -> None:
    """The whole SAP: tables, figures, CONSORT diagram, HTML and PDF reports (blinded and unblinded)."""
    from mesems.errors import AnalysisError
    from mesems.reports.render import write_report
    from mesems.stats.sap import run_sap
    from mesems.stats.snapshot import read_snapshot

    if from_db == (input is not None):
        raise AnalysisError("give either --input DIR or --from-db", field="input")
    if not from_db and (user or role):
        raise AnalysisError("--user and --role name a person in the database: use them with --from-db", field="user")
    if from_db:
        if protocol_file is not None:
            raise AnalysisError("--protocol cannot be used with --from-db: the database's protocol is used", field="protocol")
        _from_db(out, variant, pdf, user, role)
        return
    protocol = load_protocol(protocol_file)
    with Progress(transient=True) as progress:
        task = progress.add_task("reading tables", total=1 + 2 * (2 if variant is Variant.BOTH else 1))
        snapshot = read_snapshot(input)  # type: ignore[arg-type]
        progress.advance(task)
        wanted = [Variant.BLINDED, Variant.UNBLINDED] if variant is Variant.BOTH else [variant]
        if snapshot.blinded and Variant.UNBLINDED in wanted:
            if variant is Variant.UNBLINDED:
                raise AnalysisError(f"{input} has no sequences (a blinded export): only a blinded report can be made")
            wanted = [Variant.BLINDED]
        written = []
        for which in wanted:
            progress.update(task, description=f"analysing ({which.value})")
            result = run_sap(snapshot, protocol, blinded=which is Variant.BLINDED)
            progress.advance(task)
            progress.update(task, description=f"writing the {which.value} report")
            files = write_report(result, out / which.value, protocol.identity.id, pdf=pdf)
            progress.advance(task)
            written.append((which, files))
    for which, files in written:
        typer.echo(f"{which.value}: {files.html}" + (f", {files.pdf}" if files.pdf else "") +
                   f", {len(files.tables)} tables in {files.html.parent / 'tables'}")
    typer.echo(f"data snapshot {snapshot.digest}")
