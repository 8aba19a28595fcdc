"""Where a visit stands on a given day, and whether a visit done was done on time.

upcoming: its window has not opened; due: today is in its window; overdue: its window has
closed and it is not done, but it can still be done late; missed: declared not done, or not done
by the day it is overtaken by the next visit (`PlannedVisit.missed_from`); done: it has a date.
A visit done outside its window is accepted and flagged as a protocol deviation, never refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from mesems.schedule.plan import PlannedVisit


class VisitStatus(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"
    MISSED = "missed"


def visit_status(
    visit: PlannedVisit, today: dt.date, done_on: dt.date | None = None, declared_missed: bool = False
) -> VisitStatus:
    if done_on is not None:
        return VisitStatus.DONE
    if declared_missed or today >= visit.missed_from:
        return VisitStatus.MISSED
    if today < visit.window.earliest:
        return VisitStatus.UPCOMING
    if today <= visit.window.latest:
        return VisitStatus.DUE
    return VisitStatus.OVERDUE


@dataclass(frozen=True)
class WindowDeviation:
    """A visit done outside its window: by how many days, and a sentence for the deviation log."""

    visit_id: str
    done_on: dt.date
    days_outside: int
    description: str


def window_deviation(visit: PlannedVisit, done_on: dt.date) -> WindowDeviation | None:
    """None when `done_on` is inside the visit's window; otherwise the deviation to record."""
    days = visit.window.days_outside(done_on)
    if days == 0:
        return None
    side = f"{-days} day(s) before" if days < 0 else f"{days} day(s) after"
    window = visit.window
    description = (
        f"{visit.visit_id} done on {done_on.isoformat()}, {side} its window "
        f"({window.earliest.isoformat()} to {window.latest.isoformat()}, target {window.target.isoformat()})"
    )
    return WindowDeviation(visit.visit_id, done_on, days, description)


def next_visit(visits: tuple[PlannedVisit, ...], statuses: dict[str, VisitStatus]) -> PlannedVisit | None:
    """The first scheduled visit that is neither done nor missed."""
    for visit in visits:
        if statuses.get(visit.visit_id) not in {VisitStatus.DONE, VisitStatus.MISSED}:
            return visit
    return None
