from __future__ import annotations

from pathlib import Path

from mesems.protocol import load_protocol
from mesems.stats.context import SapContext
from mesems.stats.mri import mri_outcomes
from mesems.stats.snapshot import read_snapshot


def test_t2_outcomes_per_sequence_with_a_first_period_model(trial_dir: Path) -> None:
    report, model = mri_outcomes(SapContext(read_snapshot(trial_dir), load_protocol(), False))
    assert report.columns == ("Outcome", "Week", "MSC-placebo", "placebo-MSC")
    assert {r[0] for r in report.rows} >= {"New/enlarging T2 lesions", "T1 black holes"}
    assert model is not None and model.estimable and model.rate_ratio > 0


def test_no_mri_table_gives_no_section(mini_trial: Path) -> None:
    assert mri_outcomes(SapContext(read_snapshot(mini_trial), load_protocol(), False)) == (None, None)
