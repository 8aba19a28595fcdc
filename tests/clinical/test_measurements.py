"""Plausibility limits and lab flags."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from mesems.clinical.measurements import check_labs, check_vital_signs, check_weight, lab_flags

TODAY = dt.date(2026, 6, 1)
VITALS = {"measured_on": TODAY, "systolic_bp": 120, "diastolic_bp": 80, "heart_rate": 70}


@given(st.integers(0, 400))
def test_systolic_limits(value: int) -> None:
    problems = check_vital_signs({**VITALS, "systolic_bp": value, "diastolic_bp": 40}, TODAY)
    assert any(p.field == "systolic_bp" for p in problems) == (not 60 <= value <= 250)


def test_vitals_rules() -> None:
    assert check_vital_signs(VITALS, TODAY) == []
    assert [p.code for p in check_vital_signs({**VITALS, "diastolic_bp": 130}, TODAY)] == [
        "not_below_systolic"
    ]
    assert {p.field for p in check_vital_signs({}, TODAY)} == {
        "measured_on",
        "systolic_bp",
        "diastolic_bp",
        "heart_rate",
    }


def test_weight_and_labs() -> None:
    assert check_weight({"measured_on": TODAY, "weight_kg": 70}, TODAY) == []
    assert [p.field for p in check_weight({"measured_on": TODAY, "weight_kg": 700}, TODAY)] == ["weight_kg"]
    assert [p.field for p in check_labs({"sampled_on": TODAY}, TODAY)] == ["wbc"]
    assert check_labs({"sampled_on": TODAY, "egfr": 59.9}, TODAY) == []
    assert lab_flags(3.2, 59.9) == (
        "white-cell count 3.2 outside 4-11 x10^9/L",
        "eGFR 59.9 below 60 mL/min/1.73 m2",
    )
    assert lab_flags(6.0, 60) == ()
