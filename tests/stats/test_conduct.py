from __future__ import annotations

from pathlib import Path

from mesems.protocol import load_protocol
from mesems.stats.conduct import consort_counts, deviations_table, missing_data_table
from mesems.stats.context import SapContext
from mesems.stats.snapshot import read_snapshot


def test_missing_mri_counts_only_participants_followed_to_the_week(mini_trial: Path) -> None:
    report = missing_data_table(SapContext(read_snapshot(mini_trial), load_protocol(), False))
    rows = {(r[0], r[1]): r[2:] for r in report.rows}
    assert rows[("MRI (GEL)", "0")] == ("0 (0.0%) of 2", "1 (50.0%) of 2")
    assert rows[("MRI (GEL)", "24")] == ("1 (100.0%) of 1", "2 (100.0%) of 2")
    assert rows[("MRI (GEL)", "48")] == ("1 (100.0%) of 1", "1 (100.0%) of 1")
    assert rows[("Baseline weight_kg", "0")] == ("0 (0.0%)", "1 (50.0%)")
    assert any("deviations" in note for note in report.notes)


def test_no_deviations_table_is_no_table(mini_trial: Path) -> None:
    assert deviations_table(SapContext(read_snapshot(mini_trial), load_protocol(), False)) is None


def test_consort_counts_by_hand(mini_trial: Path) -> None:
    counts = consort_counts(SapContext(read_snapshot(mini_trial), load_protocol(), False), frozenset({"A", "C"}))
    assert counts.screened is None
    assert counts.allocated == (2, 2)
    assert counts.received_first == (2, 2) and counts.received_second == (1, 2)
    assert counts.completed == (1, 1)
    assert counts.discontinued == ((("adverse event", 1),), (("lost_to_follow_up", 1),))
    assert counts.analysed_primary == (1, 1)
