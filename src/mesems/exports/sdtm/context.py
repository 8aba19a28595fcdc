"""What several SDTM datasets derive the same way: subject identifiers, reference dates, study
days, visit numbers and epochs.

- USUBJID = STUDYID-participant id; RFSTDTC = the randomisation date, which is week 0, the day of
  the first infusion (protocol schedule, visit W00).
- Study day (SDTMIG 3.2 section 4.1.4.4): date - RFSTDTC + 1 on or after RFSTDTC, date - RFSTDTC
  before it; there is no day 0.
- VISITNUM: the protocol visit's position in the schedule (1 = W00 ... 13 = W48); an unscheduled
  visit gets the number of the last scheduled visit done before it plus .01, .02, ... (SDTMIG 3.2
  section 4.1.4.5), and VISIT = "UNSCHEDULED n.nn".
- EPOCH: "TREATMENT 1" before the week-24 visit, "TREATMENT 2" from it, after the protocol's
  periods (a sponsor extension of the EPOCH code list, as crossover trials need one per period).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from mesems.exports.tableset import TrialTables
from mesems.protocol import Protocol


@dataclass(frozen=True)
class SdtmContext:
    study_id: str
    protocol: Protocol
    tables: TrialTables
    subjects: pl.DataFrame
    visit_numbers: pl.DataFrame

    @property
    def blinded(self) -> bool:
        return self.tables.blinded


def usubjid(study_id: str) -> pl.Expr:
    return pl.lit(f"{study_id}-") + pl.col("participant_id")


def iso(column: str) -> pl.Expr:
    return pl.col(column).dt.strftime("%Y-%m-%d")


def study_day(column: str) -> pl.Expr:
    """SDTM study day of a date column against the subject's reference start (`_rfst`)."""
    days = (pl.col(column) - pl.col("_rfst")).dt.total_days()
    return pl.when(days >= 0).then(days + 1).otherwise(days).cast(pl.Float64)


def epoch(column: str, protocol: Protocol) -> pl.Expr:
    """The treatment period a date falls in, counted from the subject's week 0 (`_rfst`)."""
    expr = pl.lit(None, dtype=pl.String)
    for number, period in enumerate(sorted(protocol.periods, key=lambda p: p.start_week), start=1):
        start = pl.col("_rfst") + pl.duration(days=period.start_week * 7)
        expr = pl.when(pl.col(column) >= start).then(pl.lit(f"TREATMENT {number}")).otherwise(expr)
    return expr


def epoch_of_period(column: str = "period") -> pl.Expr:
    """EPOCH of a row whose table already attributes it to a period (AE, relapses, infusions)."""
    return pl.lit("TREATMENT ") + pl.col(column).cast(pl.String)


def with_subject(frame: pl.DataFrame, context: SdtmContext) -> pl.DataFrame:
    """Adds USUBJID and the reference start `_rfst` to rows keyed by participant_id."""
    return frame.join(context.subjects.select("participant_id", "USUBJID", "_rfst"), on="participant_id", how="left")


def build_context(tables: TrialTables, protocol: Protocol) -> SdtmContext:
    study_id = protocol.identity.id
    subjects = tables.frame("participants").select(
        "participant_id", USUBJID=usubjid(study_id), _rfst=pl.col("randomisation_date")
    )
    return SdtmContext(study_id, protocol, tables, subjects, _visit_numbers(tables, protocol))


def _visit_numbers(tables: TrialTables, protocol: Protocol) -> pl.DataFrame:
    """participant_id, date -> VISITNUM, VISIT for every visit done (scheduled and unscheduled)."""
    schedule = pl.DataFrame(
        {
            "visit_id": [v.id for v in protocol.schedule.visits],
            "VISITNUM": [float(i) for i in range(1, len(protocol.schedule.visits) + 1)],
            "VISIT": [v.name.upper() for v in protocol.schedule.visits],
            "VISITDY": [float(v.week * 7 + 1) for v in protocol.schedule.visits],
        }
    )
    visits = tables.frame("visits").filter((pl.col("status") == "done") & pl.col("actual_date").is_not_null())
    scheduled = visits.join(schedule, on="visit_id", how="inner")
    unscheduled = visits.join(schedule, on="visit_id", how="anti").sort("participant_id", "actual_date")
    before = scheduled.select("participant_id", "actual_date", prior="VISITNUM").sort("participant_id", "actual_date")
    unscheduled = unscheduled.join_asof(before, on="actual_date", by="participant_id", strategy="backward", check_sortedness=False).with_columns(
        pl.col("prior").fill_null(0.0)
    )
    unscheduled = unscheduled.with_columns(
        VISITNUM=(pl.col("prior") + pl.col("actual_date").rank("ordinal").over("participant_id", "prior") / 100).round(2),
        VISITDY=pl.lit(None, dtype=pl.Float64),
    ).with_columns(VISIT=pl.lit("UNSCHEDULED ") + pl.col("VISITNUM").map_elements(lambda v: f"{v:.2f}", return_dtype=pl.String))
    columns = ["participant_id", "visit_id", "actual_date", "VISITNUM", "VISIT", "VISITDY"]
    return pl.concat([scheduled.select(columns), unscheduled.select(columns)]).sort("participant_id", "actual_date")


def visit_of(frame: pl.DataFrame, context: SdtmContext, date_column: str) -> pl.DataFrame:
    """Adds VISITNUM and VISIT: the scheduled visit of the row's week, else the visit done on its date."""
    numbers = context.visit_numbers
    schedule_weeks = {v.week: float(i) for i, v in enumerate(context.protocol.schedule.visits, start=1)}
    names = {float(i): v.name.upper() for i, v in enumerate(context.protocol.schedule.visits, start=1)}
    by_date = numbers.select("participant_id", pl.col("actual_date").alias(date_column), _vn="VISITNUM", _vname="VISIT").unique(
        ["participant_id", date_column], keep="first"
    )
    frame = frame.join(by_date, on=["participant_id", date_column], how="left")
    week_number = pl.col("week").replace_strict(schedule_weeks, default=None, return_dtype=pl.Float64) if "week" in frame.columns else pl.lit(None, dtype=pl.Float64)
    number = pl.coalesce([week_number, pl.col("_vn")])
    name = pl.coalesce([week_number.replace_strict(names, default=None, return_dtype=pl.String), pl.col("_vname")])
    return frame.with_columns(VISITNUM=number, VISIT=name).drop("_vn", "_vname")
