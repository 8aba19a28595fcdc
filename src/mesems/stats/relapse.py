"""Annualised relapse rate (secondary endpoint `relapse_rate`): relapses per participant and
treatment period, NB2 GLM with offset log(years at risk), by treatment and period.

Time at risk in a period runs from its start (protocol weeks x 7 days after randomisation) to its
end or to the end of follow-up, whichever is first. When the counts show no overdispersion
(glm.nb's theta diverges) the model falls back to Poisson, its theta -> infinity limit, and says so.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from mesems.errors import AnalysisError
from mesems.stats.context import DAYS_PER_YEAR, SapContext, period_bounds
from mesems.stats.gel import INTERCEPT, PERIOD_2, TREATMENT
from mesems.stats.negbin import fit_negbin, fit_poisson
from mesems.stats.results import RateRatioSummary, summarise
from mesems.stats.tabulate import ReportTable, table


def participant_periods(ctx: SapContext) -> pl.DataFrame:
    """participant_id, period, years at risk and relapses, one row per participant-period with time at risk."""
    follow = ctx.follow_up_end().with_columns(
        (pl.col("end_date") - pl.col("randomisation_date")).dt.total_days().alias("end_day"))
    frames = []
    for number, (start, end) in period_bounds(ctx.protocol).items():
        frames.append(follow.select(
            "participant_id", pl.lit(number, dtype=pl.Int64).alias("period"),
            ((pl.min_horizontal(pl.col("end_day"), pl.lit(end)) - start).clip(0, None) / DAYS_PER_YEAR).alias("years")))
    periods = pl.concat(frames).filter(pl.col("years") > 0)
    relapses = ctx.table("relapses")
    counts = (relapses.group_by("participant_id", "period").agg(pl.len().alias("relapses"))
              if relapses is not None else pl.DataFrame(schema={"participant_id": pl.String, "period": pl.Int64,
                                                                 "relapses": pl.UInt32}))
    return (periods.join(counts, on=["participant_id", "period"], how="left")
            .with_columns(pl.col("relapses").fill_null(0).cast(pl.Int64)))


def relapse_rates(ctx: SapContext) -> tuple[ReportTable | None, RateRatioSummary | None]:
    if ctx.table("relapses") is None:
        return None, None
    data = ctx.with_treatment(participant_periods(ctx))
    rows = []
    for period in sorted(data["period"].unique().to_list()) + [None]:
        for treatment in ctx.treatments:
            part = data.filter(pl.col("treatment") == treatment)
            if period is not None:
                part = part.filter(pl.col("period") == period)
            years = float(part["years"].sum())
            count = int(part["relapses"].sum())
            rows.append(["all" if period is None else period, treatment, part["participant_id"].n_unique(),
                         count, f"{years:.1f}", f"{count / years:.3f}" if years > 0 else "-"])
    report = table("relapse_rate", "Annualised relapse rate by treatment period" + (" (pooled)" if ctx.blinded else ""),
                   ["Period", "Treatment", "Participants", "Relapses", "Years at risk", "ARR"], rows,
                   ["ARR = relapses / years at risk."])
    if ctx.blinded:
        return report, None
    active = {i.id for i in ctx.protocol.interventions if i.active}
    label = "Annualised relapse rate (NB, offset log years, treatment + period)"
    x = np.column_stack([np.ones(data.height), data["treatment"].is_in(list(active)).to_numpy().astype(float),
                         (data["period"] == 2).to_numpy().astype(float)])
    y = data["relapses"].to_numpy().astype(float)
    offset = np.log(data["years"].to_numpy())
    names = (INTERCEPT, TREATMENT, PERIOD_2)
    try:
        fit = fit_negbin(x, y, names, offset)
        if not fit.converged:
            fit = fit_poisson(x, y, names, offset)
            label = "Annualised relapse rate (Poisson: no overdispersion, NB theta diverged; offset log years)"
        if not fit.converged:
            raise AnalysisError("the relapse-rate model did not converge")
        return report, summarise(label, fit.coefficient(TREATMENT), fit.n, fit.theta)
    except AnalysisError as exc:
        return report, RateRatioSummary(label, data.height, reason=exc.message)
