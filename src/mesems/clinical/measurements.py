"""Plausibility limits for vital signs, weight and laboratory values, and their clinical flags.

A value outside its limits is refused as a typing error (a systolic pressure of 1200 is a slip of
the keyboard); a value inside them but outside its reference range is kept and flagged. The
limits are [default] choices of this software; eGFR below 60 mL/min/1.73 m2 and an abnormal
white-cell count are flagged because they are exclusions 13 and 11 at screening.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mesems.clinical.problems import Problem, in_range, not_in_future, required


@dataclass(frozen=True)
class Limits:
    what: str
    low: float
    high: float
    unit: str


VITAL_LIMITS: dict[str, Limits] = {
    "systolic_bp": Limits("Systolic blood pressure", 60, 250, "mmHg"),
    "diastolic_bp": Limits("Diastolic blood pressure", 30, 150, "mmHg"),
    "heart_rate": Limits("Heart rate", 30, 220, "/min"),
    "temperature_c": Limits("Temperature", 33.0, 42.5, "°C"),
    "respiratory_rate": Limits("Respiratory rate", 6, 60, "/min"),
}
WEIGHT_LIMITS = Limits("Weight", 30, 250, "kg")
HEIGHT_LIMITS = Limits("Height", 120, 220, "cm")
LAB_LIMITS: dict[str, Limits] = {
    "wbc": Limits("White-cell count", 0.1, 100, "x10^9/L"),
    "egfr": Limits("eGFR", 1, 200, "mL/min/1.73 m2"),
}
WBC_REFERENCE = (4.0, 11.0)
EGFR_MINIMUM = 60.0


def _limits(values: Mapping[str, Any], table: Mapping[str, Limits]) -> list[Problem]:
    problems: list[Problem] = []
    for field, limit in table.items():
        problems += in_range(values.get(field), limit.low, limit.high, field, limit.what, limit.unit)
    return problems


def check_vital_signs(values: Mapping[str, Any], today: dt.date) -> list[Problem]:
    problems = required(
        values, ["measured_on", "systolic_bp", "diastolic_bp", "heart_rate"], "at every visit"
    )
    problems += not_in_future(values.get("measured_on"), today, "measured_on")
    problems += _limits(values, VITAL_LIMITS)
    systolic, diastolic = values.get("systolic_bp"), values.get("diastolic_bp")
    if systolic is not None and diastolic is not None and diastolic >= systolic:
        problems.append(
            Problem(
                "diastolic_bp",
                "not_below_systolic",
                f"diastolic {diastolic:g} must be below systolic {systolic:g}",
            )
        )
    return problems


def check_weight(values: Mapping[str, Any], today: dt.date) -> list[Problem]:
    problems = required(values, ["measured_on", "weight_kg"], "for dosing")
    problems += not_in_future(values.get("measured_on"), today, "measured_on")
    problems += in_range(
        values.get("weight_kg"),
        WEIGHT_LIMITS.low,
        WEIGHT_LIMITS.high,
        "weight_kg",
        WEIGHT_LIMITS.what,
        WEIGHT_LIMITS.unit,
    )
    return problems


def check_labs(values: Mapping[str, Any], today: dt.date) -> list[Problem]:
    problems = required(values, ["sampled_on"], "for a laboratory sample")
    if values.get("wbc") is None and values.get("egfr") is None:
        problems.append(Problem("wbc", "required", "enter the white-cell count, the eGFR or both"))
    problems += not_in_future(values.get("sampled_on"), today, "sampled_on")
    problems += _limits(values, LAB_LIMITS)
    return problems


def lab_flags(wbc: float | None, egfr: float | None) -> tuple[str, ...]:
    """Clinically notable results, in words, for the form and the dashboard."""
    flags = []
    if wbc is not None and not WBC_REFERENCE[0] <= wbc <= WBC_REFERENCE[1]:
        flags.append(f"white-cell count {wbc:g} outside {WBC_REFERENCE[0]:g}-{WBC_REFERENCE[1]:g} x10^9/L")
    if egfr is not None and egfr < EGFR_MINIMUM:
        flags.append(f"eGFR {egfr:g} below {EGFR_MINIMUM:g} mL/min/1.73 m2")
    return tuple(flags)
