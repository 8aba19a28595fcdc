"""T2 and black-hole outcomes of the SAP (secondary endpoint `t2_black_holes`): new/enlarging T2
lesions, T2 lesion volume and T1 black holes at weeks 24 and 48, with change from the week-0 scan;
the first-period rate ratio of new T2 lesions by NB2 GLM (glm.nb) when unblinded."""

from __future__ import annotations

import numpy as np
import polars as pl

from mesems.errors import AnalysisError
from mesems.stats.context import SapContext
from mesems.stats.gel import INTERCEPT, TREATMENT
from mesems.stats.negbin import fit_negbin
from mesems.stats.results import RateRatioSummary, summarise
from mesems.stats.tabulate import ReportTable, mean_sd, median_iqr, table

OUTCOME_WEEKS = (24, 48)


def _cell(values: np.ndarray) -> str:
    values = values[~np.isnan(values)]
    return f"{mean_sd(values)}; {median_iqr(values)} [n={values.size}]" if values.size else "-"


def mri_outcomes(ctx: SapContext) -> tuple[ReportTable | None, RateRatioSummary | None]:
    mri = ctx.table("mri")
    if mri is None:
        return None, None
    mri = ctx.with_group(mri)
    baseline = mri.filter(pl.col("week") == 0).select(
        "participant_id", pl.col("t2_volume_ml").alias("t2_0"), pl.col("black_holes").alias("bh_0"))
    later = mri.filter(pl.col("week").is_in(OUTCOME_WEEKS)).join(baseline, on="participant_id", how="left").with_columns(
        (pl.col("t2_volume_ml") - pl.col("t2_0")).alias("t2_change"),
        (pl.col("black_holes") - pl.col("bh_0")).alias("bh_change"))
    outcomes = (("New/enlarging T2 lesions", "new_t2"), ("T2 lesion volume, mL", "t2_volume_ml"),
                ("Change in T2 volume from week 0, mL", "t2_change"), ("T1 black holes", "black_holes"),
                ("Change in black holes from week 0", "bh_change"))
    rows = []
    for label, column in outcomes:
        for week in OUTCOME_WEEKS:
            at = later.filter(pl.col("week") == week)
            rows.append([label, week, *(_cell(at.filter(pl.col("group") == g)[column].cast(pl.Float64)
                                              .to_numpy().astype(float)) for g in ctx.groups)])
    report = table("t2_black_holes", "T2 lesions and black holes" + (" (pooled)" if ctx.blinded else " by sequence"),
                   ["Outcome", "Week", *ctx.groups], rows,
                   ["Cells: mean (SD); median (IQR) [n]. Week 24 ends period 1, week 48 period 2."])
    if ctx.blinded:
        return report, None
    first = ctx.with_treatment(later.filter((pl.col("week") == 24) & pl.col("new_t2").is_not_null())
                               .with_columns(pl.lit(1).alias("period")))
    active = {i.id for i in ctx.protocol.interventions if i.active}
    label = "New/enlarging T2 lesions at week 24 (first period, glm.nb)"
    try:
        y = first["new_t2"].to_numpy().astype(float)
        x = np.column_stack([np.ones(first.height), first["treatment"].is_in(list(active)).to_numpy().astype(float)])
        fit = fit_negbin(x, y, (INTERCEPT, TREATMENT))
        if not fit.converged:
            raise AnalysisError("; ".join(fit.warnings) or "did not converge")
        return report, summarise(label, fit.coefficient(TREATMENT), fit.n, fit.theta)
    except AnalysisError as exc:
        return report, RateRatioSummary(label, first.height, reason=exc.message)
