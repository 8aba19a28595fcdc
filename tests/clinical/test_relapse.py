"""Relapse definition and confirmation by an EDSS change."""

from __future__ import annotations

import datetime as dt

from mesems.clinical.relapse import check_relapse, relapse_confirmed

TODAY, WEEK0 = dt.date(2026, 6, 1), dt.date(2026, 1, 5)
GOOD = {"onset_date": dt.date(2026, 5, 1), "symptoms": "optic neuritis", "duration_hours": 72}


def codes(values: dict[str, object], others: list[dt.date] | None = None) -> list[str]:
    return [p.code for p in check_relapse(values, TODAY, WEEK0, others or [])]


def test_relapse_rules() -> None:
    assert codes(GOOD) == []
    assert codes({**GOOD, "duration_hours": 23.5}) == ["too_short"]
    assert codes({**GOOD, "fever_or_infection": True}) == ["pseudo_relapse"]
    assert codes({**GOOD, "onset_date": dt.date(2026, 1, 1)}) == ["before_randomisation"]
    assert codes(GOOD, [dt.date(2026, 4, 2)]) == ["too_close"]
    assert codes(GOOD, [dt.date(2026, 4, 1)]) == []


def test_confirmation() -> None:
    assert relapse_confirmed(3.0, 3.5)
    assert not relapse_confirmed(3.0, 3.0, {"fs_visual": 1}, {"fs_visual": 2})
    assert relapse_confirmed(3.0, 3.0, {"fs_visual": 1, "fs_sensory": 1}, {"fs_visual": 2, "fs_sensory": 2})
    assert relapse_confirmed(None, None, {"fs_visual": 0}, {"fs_visual": 2})
    assert not relapse_confirmed(None, 4.0)
