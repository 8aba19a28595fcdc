"""`mesems protocol show|validate|import-ctgov`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from mesems.errors import ProtocolError
from mesems.protocol import Criterion, Protocol, dump_protocol, load_protocol, protocol_problems
from mesems.protocol.ctgov import import_ctgov

app = typer.Typer(help="Show, validate and import trial protocols.", no_args_is_help=True)


def _criteria_tree(tree: Tree, criteria: list[Criterion]) -> None:
    for criterion in criteria:
        how = f"[green]{criterion.rule}[/]" if criterion.rule else "[yellow]answered by a person[/]"
        branch = tree.add(f"[bold]{criterion.id}[/] {criterion.text} ({how})")
        _criteria_tree(branch, criterion.items)


def render_protocol(protocol: Protocol, console: Console) -> None:
    ident, design = protocol.identity, protocol.design
    console.rule(f"[bold]{ident.id}[/]: {ident.title}")
    facts = Table.grid(padding=(0, 2))
    facts.add_row("Registry", ", ".join(ident.registry_ids) or "-")
    facts.add_row("Sponsor", ident.sponsor or "-")
    facts.add_row("Phases", ", ".join(ident.phases) or "-")
    facts.add_row("Design", f"{design.allocation}, {design.intervention_model}, masking {design.masking.level}"
                  + (f" ({', '.join(design.masking.who_masked)})" if design.masking.who_masked else ""))
    facts.add_row("Allocation ratio", ":".join(str(r) for r in design.allocation_ratio))
    facts.add_row("Planned enrolment", str(design.planned_enrolment or "-"))
    facts.add_row("Follow-up", f"{protocol.schedule.weeks_of_follow_up} weeks in {len(protocol.periods)} period(s)")
    countries = sorted({s.country for s in protocol.sites if s.country})
    facts.add_row("Sites", f"{len(protocol.sites)} in {len(countries)} countries ({', '.join(countries)})" if protocol.sites else "-")
    console.print(facts)

    arms = Table(title="Arms", show_lines=False)
    arms.add_column("id")
    arms.add_column("label")
    arms.add_column("interventions by period")
    for arm in protocol.arms:
        arms.add_row(arm.id, arm.label, " -> ".join(arm.interventions))
    console.print(arms)

    interventions = Table(title="Interventions")
    for column in ("id", "name", "kind", "dose"):
        interventions.add_column(column)
    for item in protocol.interventions:
        dose = f"{item.dose.min_per_kg:.2g}-{item.dose.max_per_kg:.2g} {item.dose.unit}/kg" if item.dose else "-"
        interventions.add_row(item.id, item.name, item.kind, dose)
    console.print(interventions)

    visits = Table(title="Schedule of assessments")
    visits.add_column("visit")
    visits.add_column("week", justify="right")
    visits.add_column("window (days)")
    visits.add_column("assessments")
    for visit in protocol.schedule.visits:
        window = "exact" if not (visit.window_before_days or visit.window_after_days) else f"-{visit.window_before_days}/+{visit.window_after_days}"
        visits.add_row(visit.id, str(visit.week), window, ", ".join(visit.assessments))
    console.print(visits)

    if protocol.endpoints:
        endpoints = Table(title="Endpoints")
        for column in ("id", "kind", "title", "time frame"):
            endpoints.add_column(column)
        for endpoint in protocol.endpoints:
            endpoints.add_row(endpoint.id, endpoint.kind, endpoint.title, endpoint.time_frame or "-")
        console.print(endpoints)

    strata = ", ".join(f.id for f in protocol.randomisation.strata) or "none"
    console.print(f"[bold]Randomisation[/]: {protocol.randomisation.method}, strata {strata}, blocks {protocol.randomisation.block_sizes}")
    for version in protocol.eligibility:
        tree = Tree(f"[bold]Eligibility {version.id}[/] ({version.label}), in force from {version.effective_from}")
        _criteria_tree(tree, version.criteria)
        console.print(tree)


@app.command("show")
def show(file: Path | None = typer.Argument(None, help="A protocol YAML file; the embedded MESEMS protocol when omitted.")) -> None:
    """Print a readable summary of a protocol."""
    render_protocol(load_protocol(file), Console())


@app.command("validate")
def validate(file: Path = typer.Argument(..., help="The protocol YAML file to check.")) -> None:
    """Report every problem in a protocol file with its path in the file."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"cannot read {file}: {exc.strerror if isinstance(exc, OSError) else exc}") from None
    problems = protocol_problems(text, str(file))
    if problems:
        for problem in problems:
            typer.echo(f"{file}: {problem}", err=True)
        raise typer.Exit(2)
    typer.echo(f"{file}: valid protocol")


@app.command("import-ctgov")
def import_ctgov_command(
    record: Path = typer.Argument(..., help="A ClinicalTrials.gov API v2 study record (JSON)."),
    out: Path = typer.Option(..., "--out", help="Where to write the protocol YAML."),
) -> None:
    """Make a protocol file from a ClinicalTrials.gov record."""
    protocol = import_ctgov(record)
    out.write_text(dump_protocol(protocol), encoding="utf-8")
    counts = {kind: sum(1 for c in protocol.eligibility[0].criteria if c.kind == kind) for kind in ("inclusion", "exclusion")}
    typer.echo(f"wrote {out}: {protocol.identity.id}, {len(protocol.arms)} arm(s), {counts['inclusion']} inclusion and {counts['exclusion']} exclusion criteria")
