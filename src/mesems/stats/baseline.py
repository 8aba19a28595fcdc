"""Baseline characteristics by sequence (pooled when blinded); no tests between randomised groups (CONSORT item 15)."""

from __future__ import annotations

import numpy as np
import polars as pl

from mesems.stats.context import POOLED, SapContext
from mesems.stats.tabulate import ReportTable, mean_sd, median_iqr, n_pct, table


def _values(frame: pl.DataFrame, column: str) -> np.ndarray:
    return frame[column].cast(pl.Float64).to_numpy().astype(float)


def baseline_table(ctx: SapContext) -> ReportTable:
    participants = ctx.with_group(ctx.participants)
    columns = [*ctx.groups, *([] if ctx.blinded else ["Total"])]
    frames = [participants.filter(pl.col("group") == g) for g in ctx.groups]
    if not ctx.blinded:
        frames.append(participants)
    rows: list[list[str]] = [["Participants, n", *(str(f.height) for f in frames)]]
    rows.append(["Age, years, mean (SD)", *(mean_sd(_values(f, "age")) for f in frames)])
    rows.append(["Female, n (%)", *(n_pct(int((f["sex"] == "F").sum()), f.height) for f in frames)])
    for course in ("RR", "SP", "PP"):
        rows.append([f"Disease course {course}, n (%)",
                     *(n_pct(int((f["ms_course"] == course).sum()), f.height) for f in frames)])
    rows.append(["Disease duration, years, median (IQR)",
                 *(median_iqr(_values(f, "disease_duration_years")) for f in frames)])
    rows.append(["EDSS, median (IQR)", *(median_iqr(_values(f, "baseline_edss")) for f in frames)])
    rows.append(["Baseline GEL, mean (SD)", *(mean_sd(_values(f, "baseline_gel")) for f in frames)])
    rows.append(["Baseline GEL >= 1, n (%)",
                 *(n_pct(int((f["baseline_gel"] >= 1).sum()), int(f["baseline_gel"].is_not_null().sum())) for f in frames)])
    rows.append(["Relapses in prior 12 months, mean (SD)",
                 *(mean_sd(_values(f, "relapses_prior_12m")) for f in frames)])
    rows.append(["Weight, kg, mean (SD)", *(mean_sd(_values(f, "weight_kg")) for f in frames)])
    title = "Baseline characteristics" + (" (pooled)" if ctx.blinded else " by sequence")
    notes = ["Percentages of participants with the value recorded."]
    if ctx.groups == (POOLED,):
        notes.append("Blinded report: all randomised participants together.")
    return table("baseline", title, ["Characteristic", *columns], rows, notes)
