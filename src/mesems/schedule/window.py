"""Visit windows: the target day of a visit and the days around it on which it counts as on time.

Week 0 is the randomisation date; a visit at week w has its target on day 7w. Its window runs
from `window_before_days` before to `window_after_days` after the target, both ends included
(PROTOCOL.md, schedule of assessments: +/- 7 days for weeks 4-48, infusion visits exact [default]).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mesems.errors import ScheduleError


@dataclass(frozen=True)
class Window:
    """The days on which a visit is on time: `earliest` <= day <= `latest`, around `target`."""

    target: dt.date
    earliest: dt.date
    latest: dt.date

    def contains(self, day: dt.date) -> bool:
        return self.earliest <= day <= self.latest

    def days_outside(self, day: dt.date) -> int:
        """0 inside the window; days before it as a negative number, days after it as a positive one."""
        if day < self.earliest:
            return (day - self.earliest).days
        if day > self.latest:
            return (day - self.latest).days
        return 0


def study_day(randomisation_date: dt.date, on: dt.date) -> int:
    """Days from the randomisation date (day 0) to `on`; negative before randomisation."""
    return (on - randomisation_date).days


def target_date(randomisation_date: dt.date, week: int) -> dt.date:
    if week < 0:
        raise ScheduleError(f"a visit week cannot be negative, got {week}", field="week")
    return randomisation_date + dt.timedelta(weeks=week)


def visit_window(randomisation_date: dt.date, week: int, before_days: int = 0, after_days: int = 0) -> Window:
    """The window of the visit at `week`: target = randomisation date + 7 x week days."""
    if before_days < 0 or after_days < 0:
        raise ScheduleError(
            f"window days cannot be negative, got -{before_days}/+{after_days}", field="window"
        )
    target = target_date(randomisation_date, week)
    return Window(target, target - dt.timedelta(days=before_days), target + dt.timedelta(days=after_days))
