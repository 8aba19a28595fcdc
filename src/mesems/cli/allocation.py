"""`mesems allocation generate|load|verify|balance`: the unblinded statistician's list commands."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from mesems.errors import RandomisationError
from mesems.protocol import Protocol, load_protocol
from mesems.randomisation import BalanceReport, all_strata, balance_report, generate_list, generator_from_seed, read_list, write_list

app = typer.Typer(help="Generate, load and verify the concealed allocation list.", no_args_is_help=True)


def _protocol(path: Path | None) -> Protocol:
    return load_protocol(path)


def _print_balance(report: BalanceReport, console: Console, title: str) -> None:
    table = Table(title=title)
    table.add_column("stratum")
    table.add_column("n", justify="right")
    arms = list(report.totals)
    for arm in arms:
        table.add_column(arm, justify="right")
    table.add_column("imbalance", justify="right")
    for row in report.strata:
        table.add_row(row.stratum, str(row.n), *(str(row.counts[a]) for a in arms), str(row.imbalance))
    table.add_row("all", str(sum(report.totals.values())), *(str(report.totals[a]) for a in arms), "")
    console.print(table)


def _django() -> None:
    from mesems.web.bootstrap import setup_django

    setup_django()


@app.command()
def generate(
    seed: str = typer.Option(..., envvar="MESEMS_ALLOCATION_SEED", help="The secret seed (keep it sealed; at least 8 characters)."),
    out: Path = typer.Option(..., help="Where to write the list (JSON with its digest)."),
    per_stratum: int = typer.Option(30, min=1, help="Positions per stratum, rounded up to whole blocks."),
    protocol_file: Path | None = typer.Option(None, "--protocol", help="A protocol file; the built-in MESEMS protocol when absent."),
    method: str | None = typer.Option(None, help="permuted_blocks, simple or minimisation; the protocol's method when absent."),
) -> None:
    """Generate the allocation list from a secret seed and print its SHA-256 digest and balance."""
    protocol = _protocol(protocol_file)
    config = protocol.randomisation
    if method is not None:
        if method not in ("permuted_blocks", "simple", "minimisation"):
            raise RandomisationError(f"unknown method {method!r}; expected one of [permuted_blocks, simple, minimisation]", field="method")
        config = config.model_copy(update={"method": method})
    arms = [arm.id for arm in protocol.arms]
    alist = generate_list(config, arms, all_strata(config, [s.id for s in protocol.sites]), per_stratum, generator_from_seed(seed))
    digest = write_list(alist, out)
    console = Console()
    if alist.method != "minimisation":
        _print_balance(balance_report(alist.entries, arms), console, f"{alist.method}: balance of the whole list")
    console.print(f"{len(alist.entries)} positions in {len(alist.strata)} strata written to {out}")
    console.print(f"SHA-256 digest: {digest}")


@app.command()
def load(file: Path = typer.Argument(..., help="A list written by `mesems allocation generate`.")) -> None:
    """Load a generated list into the trial database (refused once allocations were made)."""
    alist = read_list(file)
    _django()
    from django.core.management import call_command

    from mesems.web.apps.allocation.services import load_list

    call_command("migrate", interactive=False, verbosity=0)
    stored = load_list(alist)
    typer.echo(f"loaded {stored.entry_count} positions; digest {stored.digest}")


@app.command()
def verify(
    digest: str | None = typer.Option(None, help="The digest you kept from generation, to compare as well."),
    file: Path | None = typer.Option(None, help="The generated list file, whose digest is compared as well."),
) -> None:
    """Prove the stored list is unchanged and every allocation follows it; exit 2 when not."""
    expected = read_list(file).digest if file else digest
    _django()
    from mesems.web.apps.allocation.verification import verify_stored_list

    result = verify_stored_list(expected)
    typer.echo(f"digest of stored rows: {result.digest}")
    typer.echo(f"digest recorded at generation: {result.recorded_digest}")
    typer.echo(f"{result.entries} positions, {result.allocations} allocations")
    for problem in result.problems:
        typer.echo(f"problem: {problem}")
    if not result.ok:
        raise RandomisationError(f"the allocation list failed verification ({len(result.problems)} problem(s))", code="list_tampered")
    typer.echo("verified: the stored list is the one generated")


@app.command()
def balance(file: Path | None = typer.Option(None, help="Report on a list file; the allocations made in the database when absent.")) -> None:
    """Balance of arms per stratum: of a whole list file, or of the allocations made so far."""
    console = Console()
    if file is not None:
        alist = read_list(file)
        _print_balance(balance_report(alist.entries, list(alist.arms)), console, "balance of the whole list")
        return
    _django()
    from mesems.web.apps.allocation.reports import allocated_balance

    _print_balance(allocated_balance(), console, "balance of the allocations made")
