from __future__ import annotations

from pathlib import Path

from mesems.protocol import load_protocol
from mesems.stats.context import SapContext
from mesems.stats.disability import progression_analysis, progression_outcomes
from mesems.stats.snapshot import read_snapshot


def test_cdp_outcomes_by_hand(mini_trial: Path) -> None:
    snapshot = read_snapshot(mini_trial)
    ctx = SapContext(snapshot, load_protocol(), False)
    outcomes = progression_outcomes(ctx, snapshot.tables["edss"]).sort("participant_id")
    rows = {r["participant_id"]: r for r in outcomes.iter_rows(named=True)}
    assert rows["A"]["progressed"] and rows["A"]["time_days"] == 84
    assert not rows["C"]["progressed"] and rows["C"]["time_days"] == 84
    assert not rows["B"]["progressed"] and rows["B"]["time_days"] == 0


def test_km_curves_per_sequence_with_a_log_rank_note(mini_trial: Path) -> None:
    report, curves = progression_analysis(SapContext(read_snapshot(mini_trial), load_protocol(), False))
    assert [c.label for c in curves] == ["MSC-placebo", "placebo-MSC"]
    assert report.rows[0][2] == "1 (50.0%)"
    assert any("Log-rank" in note for note in report.notes)
