from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesems.cellproduct import BagFacts, Mismatch, bedside_check

NOW = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)


def bag(**changes: object) -> BagFacts:
    facts = {"code": "P-7F3K", "participant": "SE-KAR-0001", "period": 1, "released": True, "thawed_at": NOW - dt.timedelta(minutes=20), "infused": False}
    return BagFacts(**{**facts, **changes})  # type: ignore[arg-type]


def check(b: BagFacts | None, identity: bool = True, period: int | None = 1) -> Mismatch | None:
    return bedside_check("SE-KAR-0001", identity, period, "P-7F3K", b, NOW, 60).mismatch


def test_the_right_bag_passes() -> None:
    verdict = bedside_check("SE-KAR-0001", True, 1, "P-7F3K", bag(), NOW, 60)
    assert verdict.ok and verdict.mismatch is None


@pytest.mark.parametrize(
    ("facts", "identity", "period", "expected"),
    [
        (bag(), False, 1, Mismatch.IDENTITY_NOT_CONFIRMED),
        (bag(), True, None, Mismatch.NOT_RANDOMISED),
        (None, True, 1, Mismatch.UNKNOWN_CODE),
        (bag(participant="IT-01-0003"), True, 1, Mismatch.OTHER_PARTICIPANT),
        (bag(period=2), True, 1, Mismatch.WRONG_PERIOD),
        (bag(infused=True), True, 1, Mismatch.ALREADY_INFUSED),
        (bag(released=False), True, 1, Mismatch.NOT_RELEASED),
        (bag(thawed_at=None), True, 1, Mismatch.NOT_THAWED),
        (bag(thawed_at=NOW - dt.timedelta(minutes=61)), True, 1, Mismatch.THAW_EXPIRED),
    ],
)
def test_each_mismatch_blocks_with_its_reason(facts: BagFacts | None, identity: bool, period: int | None, expected: Mismatch) -> None:
    verdict = bedside_check("SE-KAR-0001", identity, period, "P-7F3K", facts, NOW, 60)
    assert not verdict.ok and verdict.mismatch is expected and verdict.message.endswith("do not infuse")


@given(seconds=st.integers(0, 7200))
def test_thaw_limit_is_inclusive(seconds: int) -> None:
    assert (check(bag(thawed_at=NOW - dt.timedelta(seconds=seconds))) is None) == (seconds <= 3600)


def test_another_participants_bag_does_not_name_them() -> None:
    verdict = bedside_check("SE-KAR-0001", True, 1, "P-7F3K", bag(participant="IT-01-0003"), NOW, 60)
    assert "IT-01-0003" not in verdict.message
