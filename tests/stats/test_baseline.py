from __future__ import annotations

from pathlib import Path

from mesems.protocol import load_protocol
from mesems.stats.baseline import baseline_table
from mesems.stats.context import SapContext
from mesems.stats.snapshot import read_snapshot


def test_baseline_by_sequence_by_hand(mini_trial: Path) -> None:
    rows = {r[0]: r[1:] for r in baseline_table(SapContext(read_snapshot(mini_trial), load_protocol(), False)).rows}
    assert rows["Participants, n"] == ("2", "2", "4")
    assert rows["Age, years, mean (SD)"][0] == "35.00 (7.07)"
    assert rows["Female, n (%)"] == ("1 (50.0%)", "2 (100.0%)", "3 (75.0%)")
    assert rows["Baseline GEL >= 1, n (%)"] == ("1 (50.0%)", "1 (100.0%)", "2 (66.7%)")


def test_blinded_baseline_has_one_pooled_column(mini_trial: Path) -> None:
    report = baseline_table(SapContext(read_snapshot(mini_trial).blinded_view(), load_protocol(), True))
    assert report.columns == ("Characteristic", "All participants")
