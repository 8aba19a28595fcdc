"""The crossover's treatment periods: which period a visit week or an event date belongs to.

Visits (DESIGN.md, `analyse gel` contract): period 1 holds weeks 0-24 (week 0 its baseline,
week 24 its last scan), period 2 weeks 28-48 (week 24 its baseline). A week w belongs to the
period with start_week < w <= end_week; week 0 to period 1.

Events (PROTOCOL.md, primary safety): an adverse event or relapse is attributed to the period in
which it starts, and a period starts on the day of its dosing (the first infusion opens period 1,
the second period 2). The dosing day is the infusion actually given when it is known, otherwise
the planned one (randomisation date + 7 x dosing week). An event on the day of an infusion
belongs to the period that infusion opens. An event before the first dosing is pre-treatment
(no period); one after the last period's end stays in the last period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from mesems.errors import ScheduleError
from mesems.protocol.model import Period


def period_of_week(periods: Sequence[Period], week: int) -> int:
    """The period that a scheduled visit at `week` belongs to."""
    if not periods:
        raise ScheduleError("the protocol has no periods", field="periods")
    if week < 0:
        raise ScheduleError(f"a visit week cannot be negative, got {week}", field="week")
    if week <= periods[0].start_week:
        return periods[0].number
    for period in periods:
        if period.start_week < week <= period.end_week:
            return period.number
    return periods[-1].number


def dosing_period(periods: Sequence[Period], week: int | None) -> int | None:
    """The period that an infusion at a visit of `week` doses; None at a visit that doses none.

    Not `period_of_week`: the week-24 visit closes period 1 but its infusion opens period 2."""
    return next((p.number for p in periods if p.dosing_week is not None and p.dosing_week == week), None)


def dosing_dates(
    periods: Sequence[Period], randomisation_date: dt.date, given: Mapping[int, dt.date] | None = None
) -> dict[int, dt.date]:
    """The day each period starts: the infusion given (from `given`, by period) or the planned one."""
    given = given or {}
    starts: dict[int, dt.date] = {}
    for period in periods:
        week = period.dosing_week if period.dosing_week is not None else period.start_week
        starts[period.number] = given.get(period.number, randomisation_date + dt.timedelta(weeks=week))
    return starts


def period_of_date(
    periods: Sequence[Period],
    randomisation_date: dt.date,
    on: dt.date,
    given: Mapping[int, dt.date] | None = None,
) -> int | None:
    """The period in which an event starting on `on` is counted; None before the first dosing."""
    if not periods:
        raise ScheduleError("the protocol has no periods", field="periods")
    found: int | None = None
    for number, start in sorted(dosing_dates(periods, randomisation_date, given).items()):
        if on >= start:
            found = number
    return found
