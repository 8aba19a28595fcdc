"""`mesems analyse gel|all`: the statistical analysis plan from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from mesems.stats.gel import analyse_gel

app = typer.Typer(help="Analyse trial data as the statistical analysis plan says.", no_args_is_help=True)


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
