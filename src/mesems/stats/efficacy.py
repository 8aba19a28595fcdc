"""GEL efficacy analyses of the SAP: GEL per visit, the primary model with its sensitivity
analyses (without baseline adjustment; per-scan mixed model of period 1) and the crossover model.

Protocol: co-primary endpoint `gel_first_period`, secondary endpoint `gel_crossover`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from mesems.errors import AnalysisError
from mesems.stats.context import SapContext
from mesems.stats.gel import (
    INTERCEPT,
    LOG_BASELINE,
    TREATMENT,
    crossover_data,
    fit_crossover,
    fit_primary,
    primary_data,
    validate_gel,
)
from mesems.stats.glmm import fit_nb_glmm
from mesems.stats.results import Z_975, RateRatioSummary, summarise
from mesems.stats.tabulate import ReportTable, p_value, ratio_ci, table


@dataclass(frozen=True)
class VisitMean:
    """Mean GEL at one MRI week in one group, with a normal-approximation 95% CI."""

    group: str
    week: int
    n: int
    mean: float
    ci_low: float
    ci_high: float


def gel_scans(ctx: SapContext) -> pl.DataFrame:
    """The snapshot's GEL scans, validated, with period, group (and treatment when unblinded).

    A scan of someone not in participants.csv, or whose sequence differs from the participant's,
    is an error: dropping or re-labelling it would change the numbers silently.
    """
    scans = validate_gel(ctx.snapshot.tables["gel"], ctx.design)
    known = ctx.participants.select("participant_id", *([] if ctx.blinded else [pl.col("sequence").alias("allocated")]))
    checked = scans.with_row_index("row").join(known, on="participant_id", how="left", maintain_order="left")
    orphan = checked.filter(~pl.col("participant_id").is_in(known["participant_id"].implode()))
    if orphan.height:
        row = orphan.row(0, named=True)
        raise AnalysisError(f"gel.csv line {row['row'] + 2}: participant {row['participant_id']} is not in "
                            "participants.csv", field="participant_id")
    if not ctx.blinded:
        differ = checked.filter(pl.col("sequence") != pl.col("allocated"))
        if differ.height:
            row = differ.row(0, named=True)
            raise AnalysisError(f"gel.csv line {row['row'] + 2}: sequence {row['sequence']} of participant "
                                f"{row['participant_id']} differs from participants.csv ({row['allocated']})",
                                field="sequence")
    return ctx.with_group(scans)


def gel_per_visit(ctx: SapContext, scans: pl.DataFrame) -> tuple[ReportTable, tuple[VisitMean, ...]]:
    stats = (scans.group_by("group", "week").agg(pl.len().alias("n"), pl.col("gel").mean().alias("mean"),
                                                 pl.col("gel").std().alias("sd"), pl.col("gel").median().alias("median"))
             .sort("group", "week"))
    means = []
    rows = []
    for row in stats.iter_rows(named=True):
        half = Z_975 * (row["sd"] or 0.0) / math.sqrt(row["n"])
        means.append(VisitMean(row["group"], row["week"], row["n"], row["mean"], row["mean"] - half, row["mean"] + half))
        rows.append([row["group"], row["week"], row["n"], f"{row['mean']:.2f}",
                     f"{row['sd']:.2f}" if row["sd"] is not None else "-", f"{row['median']:.1f}"])
    return (table("gel_per_visit", "GEL per MRI visit" + (" (pooled)" if ctx.blinded else " by sequence"),
                  ["Group", "Week", "Scans", "Mean", "SD", "Median"], rows),
            tuple(means))


def gel_models(ctx: SapContext, scans: pl.DataFrame) -> tuple[RateRatioSummary, ...]:
    """Primary (glm.nb, adjusted), sensitivity without baseline adjustment, per-scan mixed model
    of period 1 (adjusted), crossover mixed model over both periods."""
    design = ctx.design
    primary = primary_data(scans, design)
    out = []
    for label, adjust in (("Primary: first period, adjusted for baseline GEL", True),
                          ("Sensitivity: first period, no baseline adjustment", False)):
        try:
            fit = fit_primary(primary, adjust)
            out.append(summarise(label, fit.coefficient(TREATMENT), fit.n, fit.theta))
        except AnalysisError as exc:
            out.append(RateRatioSummary(label, len(primary.total), reason=exc.message))
    label = "Sensitivity: per-scan mixed model, first period, adjusted"
    per_scan = crossover_data(scans, periods=(1,))
    keep = np.isfinite(per_scan.log_baseline)
    try:
        _, codes = np.unique(per_scan.group[keep], return_inverse=True)
        x = np.column_stack([np.ones(int(keep.sum())), per_scan.treatment[keep], per_scan.log_baseline[keep]])
        mixed = fit_nb_glmm(x.astype(float), per_scan.gel[keep], codes, (INTERCEPT, TREATMENT, LOG_BASELINE))
        if not mixed.converged:
            raise AnalysisError("; ".join(mixed.warnings))
        out.append(summarise(label, mixed.coefficient(TREATMENT), mixed.n, mixed.theta, mixed.random_intercept_sd))
    except AnalysisError as exc:
        out.append(RateRatioSummary(label, int(keep.sum()), reason=exc.message))
    label = "Crossover: per-scan mixed model, both periods, period effect"
    crossover = crossover_data(scans)
    try:
        mixed = fit_crossover(crossover)
        out.append(summarise(label, mixed.coefficient(TREATMENT), mixed.n, mixed.theta, mixed.random_intercept_sd))
    except AnalysisError as exc:
        out.append(RateRatioSummary(label, int(crossover.gel.size), reason=exc.message))
    return tuple(out)


def models_table(key: str, title: str, summaries: tuple[RateRatioSummary, ...], notes: tuple[str, ...]) -> ReportTable:
    rows = []
    for s in summaries:
        if s.estimable:
            rows.append([s.label, s.n, ratio_ci(s.rate_ratio, s.ci_low, s.ci_high), p_value(s.p_value),
                         f"{s.theta:.3f}", "-" if math.isnan(s.random_intercept_sd) else f"{s.random_intercept_sd:.3f}"])
        else:
            rows.append([s.label, s.n, f"not estimable: {s.reason}", "-", "-", "-"])
    return table(key, title, ["Model", "n", "Rate ratio MSC vs placebo (95% CI)", "p", "theta", "Random-intercept SD"],
                 rows, notes)
