"""`mesems prescreen` end to end: read and check the extract, evaluate it, write the verdicts,
the attrition funnel (CSV) and its figure (PNG)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mesems.eligibility.funnel import Funnel, attrition_funnel, plot_funnel
from mesems.eligibility.prescreen import as_verdicts, criterion_ids, prescreen
from mesems.eligibility.registry import check_extract, fill_date, read_extract
from mesems.protocol import Protocol


@dataclass(frozen=True)
class PrescreenReport:
    rows: int
    funnel: Funnel
    verdicts_path: Path
    funnel_path: Path
    figure_path: Path


def criterion_texts(protocol: Protocol, versions_used: list[str]) -> dict[str, str]:
    """Each criterion id's text, in protocol order; the latest version used gives the wording
    (INC-1 keeps its umbrella text, since the funnel counts all three branches)."""
    chosen = [protocol.eligibility_version(v) for v in versions_used] or list(protocol.eligibility)
    texts: dict[str, str] = {}
    for version in sorted(chosen, key=lambda v: v.effective_from):
        for criterion in version.criteria:
            texts[criterion.id] = criterion.text
    ordered = list(dict.fromkeys(i for v in protocol.eligibility for i in criterion_ids(v)))
    return {i: texts[i] for i in ordered if i in texts}


def run_prescreen(
    extract: Path,
    out: Path,
    protocol: Protocol,
    *,
    version: str | None = None,
    on: dt.date | None = None,
    start: Callable[[str, int], None] | None = None,
    advance: Callable[[int], None] | None = None,
) -> PrescreenReport:
    """Pre-screen `extract` into `out` (verdicts in the extract's format, funnel.csv, funnel.png).
    `start(step, total)` and `advance(n)` report progress to a caller that shows it."""
    begin = start or (lambda step, total: None)
    begin("reading", 1)
    frame = fill_date(read_extract(extract), on)
    begin("checking", 1)
    check_extract(frame, extract.name)
    begin("screening", frame.height)
    codes = prescreen(frame, protocol, version, progress=advance)
    begin("writing", 1)
    out.mkdir(parents=True, exist_ok=True)
    versions_used = codes["protocol_version"].drop_nulls().unique().to_list()
    texts = criterion_texts(protocol, versions_used)
    verdicts = as_verdicts(codes, list(texts))
    verdicts_path = out / (
        "verdicts.parquet" if extract.suffix.lower() in (".parquet", ".pq") else "verdicts.csv"
    )
    if verdicts_path.suffix == ".parquet":
        verdicts.write_parquet(verdicts_path)
    else:
        verdicts.write_csv(verdicts_path)
    funnel = attrition_funnel(codes, texts)
    funnel_path, figure_path = out / "funnel.csv", out / "funnel.png"
    funnel.as_frame().write_csv(funnel_path)
    plot_funnel(funnel, figure_path, title=f"{protocol.identity.id} pre-screening of {extract.name}")
    return PrescreenReport(frame.height, funnel, verdicts_path, funnel_path, figure_path)
