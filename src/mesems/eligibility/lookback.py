"""Date arithmetic of the eligibility criteria, counted back from the planned randomisation date.

The rules (PROTOCOL.md, "Rules the software must get right"):

- "within N days before randomisation": the event is at most N days before the planned
  randomisation date (30 days before: within; 31 days before: not).
- "within M months" and "in the last M months": on or after the same calendar day M months
  earlier; a day that the earlier month lacks becomes that month's last day (31 May minus three
  months is 28 or 29 February), as date libraries (dateutil, polars) do.
- age and disease duration are completed years by calendar anniversary: a person is 18 from
  their 18th birthday; the anniversary of 29 February in a common year falls on 1 March.
- bounds are inclusive: "age 18 to 50" admits 18 years 0 days up to the day before the 51st
  birthday; "disease duration 2 to 10 years" admits 2 completed years from onset up to the day
  before the 11th anniversary of onset.
- "at least M months of therapy" is exposure counted in days, ceil(M x 365 / 12) of them
  (12 months = 365 days), with start and stop days both counted (CDISC exposure duration).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Iterable


def months_before(day: dt.date, months: int) -> dt.date:
    """The same calendar day `months` months before `day`, clamped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def completed_years(start: dt.date, on: dt.date) -> int:
    """Whole years from `start` to `on` by calendar anniversary (age, disease duration)."""
    return on.year - start.year - ((on.month, on.day) < (start.month, start.day))


def days_before(event: dt.date, reference: dt.date) -> int:
    """How many days `event` lies before `reference` (0 on the same day)."""
    return (reference - event).days


def within_days(event: dt.date, reference: dt.date, days: int) -> bool:
    """True when `event` is at most `days` days before `reference` (and not after it)."""
    return 0 <= days_before(event, reference) <= days


def window_start(reference: dt.date, *, days: int | None = None, months: int | None = None) -> dt.date:
    """The first day of a look-back of `days` days or `months` months ending on `reference`."""
    if months is not None and days is None:
        return months_before(reference, months)
    if days is not None and months is None:
        return reference - dt.timedelta(days=days)
    raise ValueError("give exactly one of days or months")


def therapy_days_required(months: int) -> int:
    """Days of exposure that make `months` months of therapy: ceil(months x 365 / 12)."""
    return math.ceil(months * 365 / 12)


def exposure_days(courses: Iterable[tuple[dt.date, dt.date]]) -> int:
    """Days covered by courses given as (first day, last day), overlapping courses counted once."""
    total = 0
    covered_to: dt.date | None = None
    for first, last in sorted(courses):
        if covered_to is not None and first <= covered_to:
            first = covered_to + dt.timedelta(days=1)
        if first <= last:
            total += (last - first).days + 1
            covered_to = last
    return total
