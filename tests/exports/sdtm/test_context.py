from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from mesems.exports.sdtm.context import epoch, study_day
from mesems.protocol import Protocol

REFERENCE = dt.date(2015, 3, 10)


@given(offset=st.integers(min_value=-400, max_value=400))
def test_study_day_has_no_day_zero(offset: int) -> None:
    frame = pl.DataFrame({"d": [REFERENCE + dt.timedelta(days=offset)], "_rfst": [REFERENCE]})
    day = frame.select(study_day("d")).item()
    assert day == (offset + 1 if offset >= 0 else offset) and day != 0


@given(offset=st.integers(min_value=-30, max_value=400))
def test_epoch_follows_the_protocol_periods(offset: int, protocol: Protocol) -> None:
    frame = pl.DataFrame({"d": [REFERENCE + dt.timedelta(days=offset)], "_rfst": [REFERENCE]})
    value = frame.select(epoch("d", protocol)).item()
    expected = None if offset < 0 else "TREATMENT 1" if offset < 24 * 7 else "TREATMENT 2"
    assert value == expected
