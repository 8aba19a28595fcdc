from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from mesems.cellproduct import Weight, check_dose
from mesems.protocol import load_protocol

RULE = load_protocol().intervention("MSC").dose
assert RULE is not None
TODAY = dt.date(2026, 3, 1)


@given(cells_per_kg=st.floats(0.5e6, 2.5e6), kg=st.floats(40, 120))
def test_dose_range_is_inclusive_per_kg(cells_per_kg: float, kg: float) -> None:
    verdict = check_dose(cells_per_kg * kg, Weight(kg, TODAY), TODAY, RULE)
    per_kg = cells_per_kg * kg / kg
    assert verdict.ok == (1.0e6 <= per_kg <= 2.0e6)


def test_boundaries_and_weight_age() -> None:
    assert check_dose(70e6, Weight(70, TODAY), TODAY, RULE).ok
    assert check_dose(140e6, Weight(70, TODAY), TODAY, RULE).ok
    assert not check_dose(141e6, Weight(70, TODAY), TODAY, RULE).ok
    assert check_dose(100e6, Weight(70, TODAY - dt.timedelta(days=30)), TODAY, RULE).ok
    old = check_dose(100e6, Weight(70, TODAY - dt.timedelta(days=31)), TODAY, RULE)
    assert not old.ok and "31 days old" in old.reason
    assert "no weight" in check_dose(100e6, None, TODAY, RULE).reason
    assert not check_dose(100e6, Weight(70, TODAY + dt.timedelta(days=1)), TODAY, RULE).ok
