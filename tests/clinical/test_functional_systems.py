"""The EDSS form: valid EDSS steps and functional-system ranges."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from mesems.clinical.functional_systems import FS_MAXIMUM, check_edss_assessment

TODAY = dt.date(2026, 6, 1)


def codes(**values: object) -> list[str]:
    return [p.code for p in check_edss_assessment({"assessed_on": TODAY, "edss": 3.5, **values}, TODAY)]


def test_edss_steps() -> None:
    assert codes() == [] and codes(edss=0.0) == [] and codes(edss=10.0) == []
    assert codes(edss=3.25) == ["invalid_edss"] and codes(edss=0.5) == ["invalid_edss"]


@given(st.sampled_from(sorted(FS_MAXIMUM)), st.integers(-2, 9))
def test_fs_ranges(field: str, score: int) -> None:
    assert (codes(**{field: score}) == []) == (0 <= score <= FS_MAXIMUM[field])
