"""Expedited reporting clocks for serious adverse events (ICH E2A; PROTOCOL.md, primary safety).

A suspected unexpected serious adverse reaction (SUSAR: serious, related, unexpected) is reported
to the authorities no later than 7 calendar days after the sponsor first knew of it when it is
fatal or life-threatening, and no later than 15 calendar days otherwise. Day 0 is the day of first
knowledge, so the report is due on day 7 (or 15) and late from the day after. A serious event that
is not a SUSAR has no expedited clock (it is reported in the periodic safety report). The number
of days comes from the protocol (`safety.sae_clocks`, ids `susar_fatal_or_life_threatening` and
`susar_other`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from mesems.clinical.ae import is_related, is_serious
from mesems.clinical.problems import Problem, not_in_future, ordered, required
from mesems.errors import SafetyError
from mesems.protocol.model import Safety

FATAL_CLOCK = "susar_fatal_or_life_threatening"
OTHER_CLOCK = "susar_other"


class ClockState(StrEnum):
    RUNNING = "running"
    OVERDUE = "overdue"
    REPORTED_ON_TIME = "reported_on_time"
    REPORTED_LATE = "reported_late"


@dataclass(frozen=True)
class ReportingDuty:
    clock_id: str
    description: str
    days: int
    aware_on: dt.date
    due_on: dt.date


@dataclass(frozen=True)
class ClockStatus:
    duty: ReportingDuty
    state: ClockState
    days_left: int
    """Days from today to the due date (negative once overdue); 0 when reported."""


def is_susar(serious: bool, related: bool, expected: bool) -> bool:
    return serious and related and not expected


def reporting_duty(
    safety: Safety,
    *,
    serious: bool,
    related: bool,
    expected: bool,
    fatal_or_life_threatening: bool,
    aware_on: dt.date,
) -> ReportingDuty | None:
    """The expedited report an event needs, with its due date; None when it needs none."""
    if not is_susar(serious, related, expected):
        return None
    wanted = FATAL_CLOCK if fatal_or_life_threatening else OTHER_CLOCK
    clock = next((c for c in safety.sae_clocks if c.id == wanted), None)
    if clock is None:
        known = ", ".join(c.id for c in safety.sae_clocks) or "none"
        raise SafetyError(f"the protocol has no SAE clock {wanted!r}; it has [{known}]", field="sae_clocks")
    return ReportingDuty(
        clock.id, clock.description, clock.days, aware_on, aware_on + dt.timedelta(days=clock.days)
    )


def duty_for_event(safety: Safety, event: Mapping[str, Any], aware_on: dt.date) -> ReportingDuty | None:
    """`reporting_duty` from an adverse event's recorded fields (seriousness criteria, causality, expectedness)."""
    return reporting_duty(
        safety,
        serious=is_serious(event),
        related=is_related(event.get("causality")),
        expected=bool(event.get("expected")),
        fatal_or_life_threatening=bool(event.get("serious_death") or event.get("serious_life_threatening")),
        aware_on=aware_on,
    )


def clock_status(duty: ReportingDuty, today: dt.date, reported_on: dt.date | None = None) -> ClockStatus:
    if reported_on is not None:
        state = ClockState.REPORTED_ON_TIME if reported_on <= duty.due_on else ClockState.REPORTED_LATE
        return ClockStatus(duty, state, 0)
    days_left = (duty.due_on - today).days
    return ClockStatus(duty, ClockState.OVERDUE if days_left < 0 else ClockState.RUNNING, days_left)


def check_sae_report(values: Mapping[str, Any], event: Mapping[str, Any], today: dt.date) -> list[Problem]:
    """An SAE report belongs to a serious event, and its dates run in order: onset <= first
    knowledge <= report submitted <= today; hospital discharge not before admission."""
    problems = required(values, ["aware_on", "narrative"], "for an SAE report")
    if not is_serious(event):
        problems.append(
            Problem(
                None, "not_serious", "the adverse event meets no seriousness criterion; mark it serious first"
            )
        )
    aware, reported = values.get("aware_on"), values.get("reported_on")
    problems += ordered(event.get("start_date"), aware, "event start_date", "aware_on")
    problems += ordered(aware, reported, "aware_on", "reported_on")
    problems += ordered(
        values.get("admitted_on"), values.get("discharged_on"), "admitted_on", "discharged_on"
    )
    for field in ("aware_on", "reported_on", "admitted_on", "discharged_on"):
        problems += not_in_future(values.get(field), today, field)
    return problems
