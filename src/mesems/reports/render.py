"""The trial report: one self-contained HTML file (figures inline) and its PDF (weasyprint), the
tables as CSV and the key results as JSON. Blinded and unblinded variants differ only in the
SAP result they are given; nothing here reads trial data."""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from mesems.reports.consort import consort_figure
from mesems.reports.figures import ae_bars_figure, forest_figure, gel_per_visit_figure, km_figure
from mesems.stats.sap import SapResult

BLINDED_BANNER = ("BLINDED REPORT for the trial team: all participants pooled; no result by sequence or "
                  "treatment arm.")
UNBLINDED_BANNER = ("UNBLINDED REPORT: CONFIDENTIAL, for the data-safety board's closed session and the "
                    "unblinded statistician only.")


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    pdf: Path | None
    tables: tuple[Path, ...]
    results: Path


def figures(result: SapResult) -> dict[str, bytes]:
    out = {"consort": consort_figure(result.consort), "gel_per_visit": gel_per_visit_figure(result.gel_means)}
    if result.rate_ratios:
        out["forest"] = forest_figure(result.rate_ratios)
    if result.km_curves:
        out["km"] = km_figure(result.km_curves)
    if result.ae_bars:
        out["ae_bars"] = ae_bars_figure(result.ae_bars)
    return out


def render_html(result: SapResult, images: dict[str, bytes], protocol_title: str) -> str:
    environment = Environment(loader=PackageLoader("mesems.reports", "templates"), autoescape=select_autoescape())
    variant = "blinded" if result.blinded else "unblinded"
    return environment.get_template("report.html.j2").render(
        title=f"{protocol_title}: trial report ({variant})",
        banner=BLINDED_BANNER if result.blinded else UNBLINDED_BANNER,
        blinded=result.blinded, provenance=result.provenance, sections=result.sections,
        figures={name: base64.b64encode(data).decode("ascii") for name, data in images.items()},
    )


def _json_ready(value: object) -> object:
    """NaN and infinity become null: JSON has no such numbers."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value


def write_report(result: SapResult, directory: Path, protocol_title: str, pdf: bool = True) -> ReportFiles:
    """Write report.html (+ report.pdf), tables/*.csv, figures/*.png and results.json into `directory`."""
    tables_dir = directory / "tables"
    figures_dir = directory / "figures"
    tables_dir.mkdir(parents=True, exist_ok=True)
    figures_dir.mkdir(parents=True, exist_ok=True)
    tables = tuple(t.write_csv(tables_dir) for t in result.tables())
    images = figures(result)
    for name, data in images.items():
        (figures_dir / f"{name}.png").write_bytes(data)
    html = render_html(result, images, protocol_title)
    html_path = directory / "report.html"
    html_path.write_text(html, encoding="utf-8")
    pdf_path = None
    if pdf:
        from weasyprint import HTML  # imported here: it takes a second to load and only the PDF needs it

        pdf_path = directory / "report.pdf"
        HTML(string=html, base_url=str(directory)).write_pdf(pdf_path)
    results_path = directory / "results.json"
    results_path.write_text(json.dumps(_json_ready(result.key_results()), indent=2) + "\n", encoding="utf-8")
    return ReportFiles(html_path, pdf_path, tables, results_path)
