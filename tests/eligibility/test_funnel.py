"""The attrition funnel: each row removed by its first failing criterion, in protocol order."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from mesems.eligibility.funnel import attrition_funnel, plot_funnel

TEXTS = {"A": "first", "B": "second", "C": "third"}


def codes() -> pl.DataFrame:
    rows = [
        {"A": 0, "B": 0, "C": 2, "eligible": False, "first_failed": "A"},
        {"A": 2, "B": 0, "C": 1, "eligible": False, "first_failed": "B"},
        {"A": 1, "B": 2, "C": 0, "eligible": False, "first_failed": "C"},
        {"A": 2, "B": 1, "C": 2, "eligible": None, "first_failed": None},
        {"A": 2, "B": 2, "C": 2, "eligible": True, "first_failed": None},
    ]
    return pl.DataFrame(
        rows,
        schema={"A": pl.Int8, "B": pl.Int8, "C": pl.Int8, "eligible": pl.Boolean, "first_failed": pl.String},
    )


def test_each_row_is_removed_once_by_its_first_failure() -> None:
    funnel = attrition_funnel(codes(), TEXTS)
    assert [(s.criterion, s.removed, s.unknown, s.remaining) for s in funnel.steps] == [
        ("A", 1, 1, 4),
        ("B", 1, 1, 3),
        ("C", 1, 0, 2),
    ]
    assert (funnel.total, funnel.eligible, funnel.unknown, funnel.not_eligible) == (5, 1, 1, 3)


def test_the_table_lists_steps_in_protocol_order() -> None:
    table = attrition_funnel(codes(), TEXTS).as_frame()
    assert table["criterion"].to_list() == ["A", "B", "C"]
    assert table["removed"].sum() == 3
    assert table.columns == ["step", "criterion", "text", "removed", "unknown", "remaining"]


def test_the_figure_is_a_png(tmp_path: Path) -> None:
    path = tmp_path / "funnel.png"
    plot_funnel(attrition_funnel(codes(), TEXTS), path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
