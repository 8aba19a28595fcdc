"""Trial conduct: protocol deviations, the missing-data summary and the CONSORT flow counts."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from mesems.stats.context import SapContext
from mesems.stats.tabulate import ReportTable, n_pct, table


def deviations_table(ctx: SapContext) -> ReportTable | None:
    deviations = ctx.table("deviations")
    if deviations is None:
        return None
    data = ctx.with_group(deviations)
    sizes = {g: ctx.with_group(ctx.participants).filter(pl.col("group") == g).height for g in ctx.groups}
    rows = []
    for category in sorted(data["category"].unique().to_list()):
        part = data.filter(pl.col("category") == category)
        rows.append([category, *(f"{n_pct(part.filter(pl.col('group') == g)['participant_id'].n_unique(), sizes[g])}"
                                 f" [{part.filter(pl.col('group') == g).height}]" for g in ctx.groups)])
    rows.append(["any", *(f"{n_pct(data.filter(pl.col('group') == g)['participant_id'].n_unique(), sizes[g])}"
                          f" [{data.filter(pl.col('group') == g).height}]" for g in ctx.groups)])
    return table("deviations", "Protocol deviations by category", ["Category", *(f"{g} (N={sizes[g]})" for g in ctx.groups)],
                 rows, ["Cells: participants with a deviation, n (%) [deviations]."])


def missing_data_table(ctx: SapContext) -> ReportTable:
    """Assessments expected (follow-up reached the week) against done, per scheduled week and group."""
    follow = ctx.with_group(ctx.follow_up_end().with_columns(
        ((pl.col("end_date") - pl.col("randomisation_date")).dt.total_days() / 7).alias("weeks_followed")))
    rows: list[list[object]] = []
    sources = (("MRI (GEL)", "gel", "mri_gel"), ("EDSS", "edss", "edss"))
    for label, name, assessment in sources:
        frame = ctx.table(name)
        if frame is None:
            rows.append([label, "-", *(f"no {name}.csv in the snapshot" for _ in ctx.groups)])
            continue
        done = frame.filter(pl.col("week").is_not_null()).select("participant_id", "week").unique()
        for week in sorted(v.week for v in ctx.protocol.schedule.visits if assessment in v.assessments):
            cells = []
            for group in ctx.groups:
                expected = follow.filter((pl.col("group") == group) & (pl.col("weeks_followed") >= week - 1))
                n_done = done.filter(pl.col("week") == week).join(expected, on="participant_id").height
                missing = expected.height - n_done
                cells.append(f"{n_pct(missing, expected.height)} of {expected.height}")
            rows.append([label, week, *cells])
    participants = ctx.with_group(ctx.participants)
    for column in ("baseline_edss", "baseline_gel", "weight_kg"):
        rows.append([f"Baseline {column.removeprefix('baseline_')}", 0,
                     *(n_pct(int(participants.filter(pl.col("group") == g)[column].is_null().sum()),
                             participants.filter(pl.col("group") == g).height) for g in ctx.groups)])
    notes = ["Cells: missing, n (% of expected) of expected; expected = follow-up reached the week (within a week)."]
    if ctx.snapshot.missing_tables:
        notes.append(f"Tables not in the snapshot: {', '.join(ctx.snapshot.missing_tables)}.")
    return table("missing_data", "Missing data", ["Assessment", "Week", *ctx.groups], rows, notes)


@dataclass(frozen=True)
class ConsortCounts:
    """The numbers of the CONSORT flow diagram; per-group lists follow `groups`."""

    screened: int | None
    not_eligible: int | None
    declined: int | None
    withdrawn_before_randomisation: int | None
    top_reasons: tuple[tuple[str, int], ...]
    randomised: int
    groups: tuple[str, ...]
    allocated: tuple[int, ...]
    received_first: tuple[int | None, ...]
    received_second: tuple[int | None, ...]
    discontinued: tuple[tuple[tuple[str, int], ...], ...]
    completed: tuple[int | None, ...]
    analysed_primary: tuple[int, ...]


def consort_counts(ctx: SapContext, analysed_ids: frozenset[str]) -> ConsortCounts:
    participants = ctx.with_group(ctx.participants)
    screening = ctx.table("screening")
    screened = not_eligible = declined = withdrawn = None
    reasons: tuple[tuple[str, int], ...] = ()
    if screening is not None:
        screened = screening.height
        not_eligible = int((screening["eligible"] != "eligible").sum())
        eligible = screening.filter(pl.col("eligible") == "eligible")
        declined = int((~eligible["consented"].fill_null(False)).sum())
        withdrawn = int(eligible["withdrawn_before_randomisation"].fill_null(False).sum())
        failed = (screening.filter(pl.col("eligible") != "eligible")["failed_criteria"].drop_nulls()
                  .str.split(";").explode().str.strip_chars())
        counts = failed.value_counts(sort=True).head(5)
        reasons = tuple((str(r[0]), int(r[1])) for r in counts.iter_rows())
    infusions = ctx.table("infusions")
    disposition = ctx.table("disposition")
    allocated: list[int] = []
    analysed: list[int] = []
    first: list[int | None] = []
    second: list[int | None] = []
    completed: list[int | None] = []
    stopped: list[tuple[tuple[str, int], ...]] = []
    for group in ctx.groups:
        ids = participants.filter(pl.col("group") == group)["participant_id"]
        allocated.append(ids.len())
        if infusions is not None:
            given = infusions.filter(pl.col("participant_id").is_in(ids.implode()))
            first.append(given.filter(pl.col("period") == 1)["participant_id"].n_unique())
            second.append(given.filter(pl.col("period") == 2)["participant_id"].n_unique())
        else:
            first.append(None)
            second.append(None)
        if disposition is not None:
            mine = disposition.filter(pl.col("participant_id").is_in(ids.implode()))
            ended = mine.filter(pl.col("status").is_in(["withdrawn", "lost_to_follow_up"]))
            stopped.append(tuple((str(r[0]), int(r[1])) for r in ended.with_columns(
                pl.col("reason").fill_null(pl.col("status"))).group_by("reason").len().sort("len", descending=True)
                .iter_rows()))
            completed.append(int((mine["status"] == "completed").sum()))
        else:
            stopped.append(())
            completed.append(None)
        analysed.append(sum(1 for pid in ids.to_list() if pid in analysed_ids))
    return ConsortCounts(screened, not_eligible, declined, withdrawn, reasons, participants.height, ctx.groups,
                         tuple(allocated), tuple(first), tuple(second), tuple(stopped), tuple(completed), tuple(analysed))
