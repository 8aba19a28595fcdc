"""Confirmed disability progression (secondary endpoint `confirmed_progression`): CDP per
participant (`mesems.clinical.progression`), Kaplan-Meier curves by sequence (pooled when
blinded) and, unblinded, the log-rank test between sequences."""

from __future__ import annotations

import polars as pl

from mesems.clinical.progression import EdssAssessment, ProgressionOutcome, confirmed_progression
from mesems.errors import ClinicalError
from mesems.stats.context import SapContext
from mesems.stats.survival import KaplanMeier, kaplan_meier, logrank_test
from mesems.stats.tabulate import ReportTable, n_pct, p_value, table

WEEK_24, WEEK_48 = 24 * 7, 48 * 7


def progression_outcomes(ctx: SapContext, edss: pl.DataFrame) -> pl.DataFrame:
    """participant_id, group, time_days, progressed for every randomised participant with a baseline EDSS."""
    participants = ctx.with_group(ctx.participants).filter(pl.col("baseline_edss").is_not_null())
    days = (edss.join(participants.select("participant_id", "randomisation_date"), on="participant_id")
            .select("participant_id", (pl.col("assessment_date") - pl.col("randomisation_date")).dt.total_days()
                    .alias("day"), "edss")
            .filter(pl.col("edss").is_not_null()))
    by_participant: dict[str, list[EdssAssessment]] = {}
    for pid, day, value in days.iter_rows():
        by_participant.setdefault(pid, []).append(EdssAssessment(int(day), float(value)))
    rows = []
    for pid, group, baseline in participants.select("participant_id", "group", "baseline_edss").iter_rows():
        try:
            outcome: ProgressionOutcome = confirmed_progression(float(baseline), by_participant.get(pid, []))
        except ClinicalError as exc:
            raise ClinicalError(f"participant {pid}: {exc.message}", field="edss") from None
        rows.append((pid, group, outcome.time_days, outcome.progressed))
    return pl.DataFrame(rows, schema={"participant_id": pl.String, "group": pl.String, "time_days": pl.Int64,
                                      "progressed": pl.Boolean}, orient="row")


def progression_analysis(ctx: SapContext) -> tuple[ReportTable | None, tuple[KaplanMeier, ...]]:
    edss = ctx.table("edss")
    if edss is None:
        return None, ()
    outcomes = progression_outcomes(ctx, edss)
    curves = []
    rows = []
    for group in ctx.groups:
        part = outcomes.filter(pl.col("group") == group)
        km = kaplan_meier(part["time_days"].to_numpy(), part["progressed"].to_numpy(), group)
        curves.append(km)
        rows.append([group, km.n, n_pct(km.events, km.n), f"{100 * (1 - km.at(WEEK_24)):.1f}",
                     f"{100 * (1 - km.at(WEEK_48)):.1f}"])
    notes = [("CDP: EDSS +1.0 from a baseline <= 5.5 or +0.5 above, sustained to a visit >= 12 weeks later; "
              "Kaplan-Meier estimates; censored at the last EDSS assessment.")]
    if not ctx.blinded and len(ctx.groups) == 2:
        test = logrank_test(outcomes["time_days"].to_numpy(), outcomes["progressed"].to_numpy(),
                            (outcomes["group"] == ctx.groups[0]).to_numpy())
        notes.append(f"Log-rank test between sequences: chi-square {test.statistic:.2f}, p = {p_value(test.p_value)}.")
    report = table("confirmed_progression", "Confirmed disability progression" + (" (pooled)" if ctx.blinded else " by sequence"),
                   ["Group", "Participants", "With CDP, n (%)", "KM % progressed by week 24", "KM % progressed by week 48"],
                   rows, notes)
    return report, tuple(curves)

