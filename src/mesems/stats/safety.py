"""Safety tables of the SAP (primary safety endpoint): adverse events attributed to the treatment
period in which they start, by treatment and period (by period only when blinded): any AE,
grade >= 3, serious, related, infusion reactions, deaths; MedDRA system organ class and preferred
term. Cells count participants with at least one such event over those exposed in that period
(an infusion given in it; without the infusions table, follow-up reaching it), and events."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from mesems.stats.context import SapContext
from mesems.stats.relapse import participant_periods
from mesems.stats.tabulate import ReportTable, n_pct, table

CATEGORIES: tuple[tuple[str, pl.Expr], ...] = (
    ("Any adverse event", pl.lit(True)),
    ("Grade >= 3", pl.col("grade") >= 3),
    ("Serious", pl.col("serious")),
    ("Related to study treatment", pl.col("related")),
    ("Infusion reaction", pl.col("infusion_reaction")),
    ("Fatal", (pl.col("outcome") == "fatal") | (pl.col("grade") == 5)),
)


@dataclass(frozen=True)
class AeBar:
    """Share of exposed participants with an AE of one system organ class in one column."""

    soc: str
    column: str
    percent: float


def _exposed(ctx: SapContext) -> pl.DataFrame:
    infusions = ctx.table("infusions")
    base = (infusions.select("participant_id", "period").unique() if infusions is not None
            else participant_periods(ctx).select("participant_id", "period"))
    return ctx.with_treatment(base)


def _column(period: int, treatment: str) -> str:
    return f"Period {period}, {treatment}"


def safety_tables(ctx: SapContext) -> tuple[tuple[ReportTable, ...], tuple[AeBar, ...]]:
    events = ctx.table("adverse_events")
    if events is None:
        return (), ()
    events = ctx.with_treatment(events)
    exposed = _exposed(ctx)
    columns = [(p, t) for p in sorted(exposed["period"].unique().to_list()) for t in ctx.treatments]
    denominators = {c: exposed.filter((pl.col("period") == c[0]) & (pl.col("treatment") == c[1])).height for c in columns}
    headers = [f"{_column(*c)} (N={denominators[c]})" for c in columns]

    def cells(frame: pl.DataFrame) -> list[str]:
        out = []
        for period, treatment in columns:
            part = frame.filter((pl.col("period") == period) & (pl.col("treatment") == treatment))
            out.append(f"{n_pct(part['participant_id'].n_unique(), denominators[(period, treatment)])} [{part.height}]")
        return out

    summary_rows = [[label, *cells(events.filter(condition))] for label, condition in CATEGORIES]
    summary = table("ae_summary", "Adverse events by treatment period" + (" (pooled)" if ctx.blinded else ""),
                    ["Category", *headers], summary_rows,
                    ["Cells: participants with at least one event, n (% of exposed) [events]."])

    soc_order = (events.group_by("soc").agg(pl.col("participant_id").n_unique().alias("n"))
                 .sort(["n", "soc"], descending=[True, False])["soc"].to_list())
    soc_rows = []
    bars = []
    for soc in soc_order:
        in_soc = events.filter(pl.col("soc") == soc)
        soc_rows.append([soc, "", *cells(in_soc)])
        for period, treatment in columns:
            n = in_soc.filter((pl.col("period") == period) & (pl.col("treatment") == treatment))["participant_id"].n_unique()
            total = denominators[(period, treatment)]
            bars.append(AeBar(soc, _column(period, treatment), 100.0 * n / total if total else 0.0))
        pts = (in_soc.group_by("pt").agg(pl.col("participant_id").n_unique().alias("n"))
               .sort(["n", "pt"], descending=[True, False])["pt"].to_list())
        soc_rows.extend(["", pt, *cells(in_soc.filter(pl.col("pt") == pt))] for pt in pts)
    by_term = table("ae_by_soc_pt", "Adverse events by system organ class and preferred term",
                    ["System organ class", "Preferred term", *headers], soc_rows,
                    ["Cells: participants, n (% of exposed) [events]; MedDRA coding as recorded."])

    deaths = events.filter(CATEGORIES[-1][1]).sort("start_date")
    death_rows = [[r["participant_id"], r["period"], *([] if ctx.blinded else [r["treatment"]]), r["pt"],
                   str(r["start_date"]), r["related"]] for r in deaths.iter_rows(named=True)]
    listing = table("deaths", "Deaths (fatal adverse events)",
                    ["Participant", "Period", *([] if ctx.blinded else ["Treatment"]), "Preferred term", "Onset", "Related"],
                    death_rows, ["None recorded."] if not death_rows else [])
    return (summary, by_term, listing), tuple(bars)
