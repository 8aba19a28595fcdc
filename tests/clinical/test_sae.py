"""SAE clocks (ICH E2A): 7 days for fatal/life-threatening SUSARs, 15 for other SUSARs, day 0 = first knowledge."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesems.clinical.sae import ClockState, check_sae_report, clock_status, duty_for_event, reporting_duty
from mesems.errors import SafetyError
from mesems.protocol import load_protocol
from mesems.protocol.model import Safety

SAFETY = load_protocol().safety
AWARE = dt.date(2026, 3, 10)


def duty(**facts: bool) -> object:
    base = {"serious": True, "related": True, "expected": False, "fatal_or_life_threatening": False}
    return reporting_duty(SAFETY, aware_on=AWARE, **{**base, **facts})


def test_clock_lengths() -> None:
    assert duty(fatal_or_life_threatening=True).due_on == dt.date(2026, 3, 17)  # type: ignore[attr-defined]
    assert duty().due_on == dt.date(2026, 3, 25)  # type: ignore[attr-defined]
    assert duty(expected=True) is None and duty(related=False) is None and duty(serious=False) is None


def test_from_event_fields() -> None:
    event = {"serious_life_threatening": True, "causality": "probable", "expected": False}
    assert duty_for_event(SAFETY, event, AWARE).days == 7  # type: ignore[union-attr]
    assert duty_for_event(SAFETY, {**event, "causality": "unlikely"}, AWARE) is None


@given(st.integers(0, 40))
def test_overdue_from_the_day_after_the_due_date(days_after: int) -> None:
    seven = duty(fatal_or_life_threatening=True)
    status = clock_status(seven, AWARE + dt.timedelta(days=days_after))  # type: ignore[arg-type]
    assert (status.state == ClockState.OVERDUE) == (days_after > 7)
    assert status.days_left == 7 - days_after


def test_reported_on_time_or_late() -> None:
    seven = duty(fatal_or_life_threatening=True)
    assert clock_status(seven, dt.date(2027, 1, 1), dt.date(2026, 3, 17)).state == ClockState.REPORTED_ON_TIME  # type: ignore[arg-type]
    assert clock_status(seven, dt.date(2027, 1, 1), dt.date(2026, 3, 18)).state == ClockState.REPORTED_LATE  # type: ignore[arg-type]


def test_missing_clock_in_protocol_is_an_error() -> None:
    with pytest.raises(SafetyError, match="no SAE clock"):
        reporting_duty(
            Safety(),
            serious=True,
            related=True,
            expected=False,
            fatal_or_life_threatening=True,
            aware_on=AWARE,
        )


def test_sae_report_dates_and_seriousness() -> None:
    event = {"serious_hospitalisation": True, "start_date": dt.date(2026, 3, 8)}
    good = {
        "aware_on": AWARE,
        "narrative": "admitted",
        "admitted_on": dt.date(2026, 3, 8),
        "discharged_on": dt.date(2026, 3, 12),
    }
    assert check_sae_report(good, event, dt.date(2026, 4, 1)) == []
    fields = {
        p.field
        for p in check_sae_report(
            {**good, "aware_on": dt.date(2026, 3, 1), "discharged_on": dt.date(2026, 3, 7)},
            event,
            dt.date(2026, 4, 1),
        )
    }
    assert fields == {"aware_on", "discharged_on"}
    assert [
        p.code for p in check_sae_report(good, {"start_date": dt.date(2026, 3, 8)}, dt.date(2026, 4, 1))
    ] == ["not_serious"]
