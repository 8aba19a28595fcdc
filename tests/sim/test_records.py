"""Simulated readings are ones the case report forms accept: the demo replays them through the forms."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mesems.clinical.measurements import check_vital_signs
from mesems.sim.records import vital_signs


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), weight=st.floats(40, 140), dosing=st.booleans())
def test_simulated_vital_signs_pass_the_form_rule(seed: int, weight: float, dosing: bool) -> None:
    drawn = vital_signs(np.random.default_rng(seed), weight, dosing)
    values = {"measured_on": dt.date(2026, 1, 1), "systolic_bp": drawn["systolic_bp"], "diastolic_bp": drawn["diastolic_bp"],
              "heart_rate": drawn["pulse"], "temperature_c": drawn["temperature_c"]}
    assert check_vital_signs(values, dt.date(2026, 1, 2)) == []
