from __future__ import annotations

from pathlib import Path

from mesems.protocol import load_protocol
from mesems.stats.context import SapContext
from mesems.stats.safety import safety_tables
from mesems.stats.snapshot import read_snapshot


def test_ae_summary_by_treatment_and_period_by_hand(mini_trial: Path) -> None:
    (summary, by_term, deaths), bars = safety_tables(SapContext(read_snapshot(mini_trial), load_protocol(), False))
    assert summary.columns[1:] == ("Period 1, MSC (N=2)", "Period 1, PLACEBO (N=2)",
                                   "Period 2, MSC (N=2)", "Period 2, PLACEBO (N=1)")
    rows = {r[0]: r[1:] for r in summary.rows}
    assert rows["Any adverse event"] == ("2 (100.0%) [3]", "0 (0.0%) [0]", "2 (100.0%) [2]", "0 (0.0%) [0]")
    assert rows["Grade >= 3"] == ("2 (100.0%) [2]", "0 (0.0%) [0]", "1 (50.0%) [1]", "0 (0.0%) [0]")
    assert rows["Serious"][0] == "1 (50.0%) [1]"
    assert rows["Infusion reaction"][0] == "1 (50.0%) [1]"
    assert rows["Fatal"] == ("0 (0.0%) [0]", "0 (0.0%) [0]", "1 (50.0%) [1]", "0 (0.0%) [0]")
    assert [r[:2] for r in by_term.rows] == [("General disorders", ""), ("", "Death"), ("", "Pyrexia"),
                                             ("Nervous system disorders", ""), ("", "Headache")]
    assert by_term.rows[4][2:] == ("1 (50.0%) [2]", "0 (0.0%) [0]", "1 (50.0%) [1]", "0 (0.0%) [0]")
    assert [r[0] for r in deaths.rows] == ["D"]
    assert {b.column for b in bars} == {c.split(" (N=")[0] for c in summary.columns[1:]}


def test_blinded_safety_tables_pool_treatments(mini_trial: Path) -> None:
    (summary, _, deaths), _ = safety_tables(SapContext(read_snapshot(mini_trial).blinded_view(), load_protocol(), True))
    assert summary.columns[1:] == ("Period 1, All participants (N=4)", "Period 2, All participants (N=3)")
    assert "Treatment" not in deaths.columns
