"""The visit report: a date or 'not done' with a reason; out of window is allowed."""

from __future__ import annotations

import datetime as dt

from mesems.schedule.report import check_visit_report

TODAY, WEEK0 = dt.date(2026, 3, 1), dt.date(2026, 1, 5)


def fields(values: dict[str, object]) -> set[str | None]:
    return {p.field for p in check_visit_report(values, TODAY, WEEK0)}


def test_report_rules() -> None:
    assert fields({"visit_date": dt.date(2026, 2, 1)}) == set()
    assert fields({}) == {"visit_date"}
    assert fields({"missed": True}) == {"missed_reason"}
    assert fields({"missed": True, "missed_reason": "ill"}) == set()
    assert fields({"visit_date": dt.date(2026, 2, 1), "missed": True, "missed_reason": "x"}) == {"missed"}
    assert fields({"visit_date": dt.date(2026, 3, 2)}) == {"visit_date"}
    assert fields({"visit_date": dt.date(2026, 1, 4)}) == {"visit_date"}
