"""`mesems screen` (one candidate) and `mesems prescreen` (a registry extract)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from mesems.eligibility import ScreeningResult, Verdict, parse_candidate_json, screen_candidate
from mesems.errors import EligibilityError
from mesems.protocol import load_protocol

if TYPE_CHECKING:
    from mesems.eligibility.report import PrescreenReport

PROTOCOL_OPTION = typer.Option(
    None, "--protocol", help="A protocol file; default: the embedded MESEMS protocol."
)
_STYLE = {Verdict.MET: "green", Verdict.NOT_MET: "bold red", Verdict.UNKNOWN: "yellow"}
_WORDS = {Verdict.MET: "met", Verdict.NOT_MET: "not met", Verdict.UNKNOWN: "unknown"}


def _read_text(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EligibilityError(f"{what} {path} does not exist", field=what) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EligibilityError(f"{what} {path} cannot be read: {exc}", field=what) from None


def _summary(result: ScreeningResult) -> str:
    if result.eligible:
        return "[bold green]ELIGIBLE[/]: every criterion is met"
    if result.eligible is False:
        return f"[bold red]NOT ELIGIBLE[/]: {', '.join(result.failed)} not met"
    return (
        f"[bold yellow]UNKNOWN[/]: no criterion excludes, but these are missing: {', '.join(result.missing)}"
    )


def render_screening(result: ScreeningResult, console: Console) -> None:
    """The criteria as a table, then the verdict in a line."""
    when = result.planned_randomisation_date or "not given"
    table = Table(
        title=f"Candidate {result.candidate_id or '(no id)'}: eligibility {result.protocol_version}, planned randomisation {when}",
        caption="For an exclusion, met means the candidate is clear of it.",
        show_lines=True,
        expand=True,
    )
    table.add_column("criterion", ratio=2)
    table.add_column("verdict", no_wrap=True, min_width=7)
    table.add_column("reason", ratio=3)
    for criterion in result.criteria:
        table.add_row(
            f"[bold]{criterion.id}[/]\n{criterion.text}",
            f"[{_STYLE[criterion.verdict]}]{_WORDS[criterion.verdict]}[/]",
            criterion.reason,
        )
    console.print(table)
    if result.unclassified_drugs:
        console.print(f"[yellow]could not classify: {', '.join(result.unclassified_drugs)}[/]")
    console.print(_summary(result))


def screen(
    candidate: Path = typer.Argument(..., help="The candidate record (JSON, DESIGN.md format)."),
    version: str | None = typer.Option(
        None,
        "--version",
        help="Eligibility version (v1 or final); default: the one in force on the planned randomisation date.",
    ),
    json_out: Path | None = typer.Option(
        None, "--json", help="Write the verdicts as JSON here ('-' for standard output)."
    ),
    protocol_file: Path | None = PROTOCOL_OPTION,
) -> None:
    """Screen one candidate against every eligibility criterion."""
    record = parse_candidate_json(_read_text(candidate, "candidate"), candidate.name)
    result = screen_candidate(record, load_protocol(protocol_file), version)
    if json_out is None:
        render_screening(result, Console())
        return
    text = json.dumps(result.as_dict(), indent=2, ensure_ascii=False)
    if str(json_out) == "-":
        typer.echo(text)
        return
    json_out.write_text(text + "\n", encoding="utf-8")
    verdict = {True: "eligible", False: "not eligible", None: "unknown"}[result.eligible]
    typer.echo(f"wrote {json_out}: {verdict} under eligibility {result.protocol_version}")


class _Bar:
    """The rich progress bar that `run_prescreen` reports to."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def start(self, step: str, total: int) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=self.progress.tasks[self.task].total)
        self.task = self.progress.add_task(step, total=max(total, 1))

    def advance(self, rows: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, rows)

    def finish(self) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=self.progress.tasks[self.task].total)


def _render_report(report: PrescreenReport, console: Console) -> None:
    table = Table(title=f"Attrition funnel ({report.rows:,} rows)", expand=True)
    table.add_column("criterion", no_wrap=True)
    table.add_column("text", ratio=1)
    for column in ("removed", "unknown", "remaining"):
        table.add_column(column, justify="right", no_wrap=True)
    for step in report.funnel.steps:
        table.add_row(
            step.criterion, step.text, f"{step.removed:,}", f"{step.unknown:,}", f"{step.remaining:,}"
        )
    console.print(table)
    funnel = report.funnel
    console.print(
        f"eligible {funnel.eligible:,}, not eligible {funnel.not_eligible:,}, unknown {funnel.unknown:,}"
    )
    console.print(f"wrote {report.verdicts_path}, {report.funnel_path}, {report.figure_path}")


def prescreen(
    extract: Path = typer.Argument(
        ...,
        help="A registry extract, one row a patient (.csv or .parquet); columns in the README (Eligibility).",
    ),
    out: Path = typer.Option(..., "--out", help="Directory for verdicts, funnel.csv and funnel.png."),
    version: str | None = typer.Option(
        None,
        "--version",
        help="Eligibility version for every row; default: the one in force on each row's planned randomisation date.",
    ),
    on: str | None = typer.Option(
        None, "--date", help="Planned randomisation date (YYYY-MM-DD) for rows that have none."
    ),
    protocol_file: Path | None = PROTOCOL_OPTION,
) -> None:
    """Pre-screen a registry extract: per-patient verdicts and the attrition funnel."""
    from mesems.eligibility.report import run_prescreen  # polars and matplotlib load only for this command

    try:
        day = dt.date.fromisoformat(on) if on is not None else None
    except ValueError:
        raise EligibilityError(f"--date: expected YYYY-MM-DD, got {on!r}", field="date") from None
    protocol = load_protocol(protocol_file)
    console = Console(stderr=True)
    columns = (TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        bar = _Bar(progress)
        report = run_prescreen(
            extract, out, protocol, version=version, on=day, start=bar.start, advance=bar.advance
        )
        bar.finish()
    _render_report(report, Console())


def register(app: typer.Typer) -> None:
    """Adds `screen` and `prescreen` to the root command."""
    app.command("screen")(screen)
    app.command("prescreen")(prescreen)
