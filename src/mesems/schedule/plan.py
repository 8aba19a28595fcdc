"""Each participant's visits, worked out from the randomisation date and the protocol's schedule.

Scheduled visits come from `schedule.visits` (PROTOCOL.md, schedule of assessments); unscheduled
visits are added when something in `schedule.unscheduled_visits_for` happens (a relapse), on the
day it is seen, and count in the period of that day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mesems.errors import ScheduleError
from mesems.protocol.model import Protocol
from mesems.schedule.periods import period_of_date, period_of_week
from mesems.schedule.window import Window, visit_window

UNSCHEDULED_ASSESSMENTS: dict[str, tuple[str, ...]] = {
    "relapse": ("vitals", "adverse_events", "conmeds", "edss", "relapse_check"),
}
"""What an unscheduled visit collects, by its reason [default]: a relapse is examined (EDSS with
functional systems, for its confirmation) and the safety reviews are done as at any visit."""


@dataclass(frozen=True)
class PlannedVisit:
    """One visit of a participant: its window, its period and what it must collect.

    `missed_from` is the first day on which a visit not yet done counts as missed rather than
    overdue: the target of the next scheduled visit (for the last visit, as long after its target
    as the spacing before it), since from then the participant is seen for the next one instead.
    """

    visit_id: str
    name: str
    week: int | None
    period: int
    window: Window
    assessments: tuple[str, ...]
    missed_from: dt.date
    unscheduled: bool = False
    reason: str | None = None


def plan_visits(protocol: Protocol, randomisation_date: dt.date) -> tuple[PlannedVisit, ...]:
    """Every scheduled visit of a participant randomised on `randomisation_date`, in week order."""
    visits = protocol.schedule.visits
    windows = [
        visit_window(randomisation_date, v.week, v.window_before_days, v.window_after_days) for v in visits
    ]
    planned = []
    for i, (visit, window) in enumerate(zip(visits, windows, strict=True)):
        if i + 1 < len(visits):
            missed_from = windows[i + 1].target
        else:
            spacing = window.target - windows[i - 1].target if i else dt.timedelta(weeks=4)
            missed_from = window.target + spacing
        planned.append(
            PlannedVisit(
                visit_id=visit.id,
                name=visit.name,
                week=visit.week,
                period=period_of_week(protocol.periods, visit.week),
                window=window,
                assessments=tuple(visit.assessments),
                missed_from=max(missed_from, window.latest + dt.timedelta(days=1)),
            )
        )
    return tuple(planned)


def unscheduled_visit_id(number: int) -> str:
    """U01, U02, ...: the n-th unscheduled visit of a participant."""
    if number < 1:
        raise ScheduleError(f"unscheduled visits are numbered from 1, got {number}", field="number")
    return f"U{number:02d}"


def plan_unscheduled_visit(
    protocol: Protocol,
    randomisation_date: dt.date,
    on: dt.date,
    reason: str,
    number: int,
    given_dosing: dict[int, dt.date] | None = None,
) -> PlannedVisit:
    """An unscheduled visit on `on` for `reason` (one of the protocol's `unscheduled_visits_for`)."""
    allowed = protocol.schedule.unscheduled_visits_for
    if reason not in allowed:
        raise ScheduleError(
            f"no unscheduled visit for {reason!r}; expected one of [{', '.join(allowed)}]", field="reason"
        )
    if on < randomisation_date:
        raise ScheduleError(
            f"an unscheduled visit on {on} is before randomisation ({randomisation_date})", field="visit_date"
        )
    period = (
        period_of_date(protocol.periods, randomisation_date, on, given_dosing) or protocol.periods[0].number
    )
    return PlannedVisit(
        visit_id=unscheduled_visit_id(number),
        name=f"Unscheduled visit ({reason})",
        week=None,
        period=period,
        window=Window(on, on, on),
        assessments=UNSCHEDULED_ASSESSMENTS.get(reason, ("vitals", "adverse_events", "conmeds")),
        missed_from=on + dt.timedelta(days=1),
        unscheduled=True,
        reason=reason,
    )
