from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mesems.sim.published import check_published, primary_data
from mesems.sim.scenario import build_scenario
from mesems.sim.trial import simulate_trial, write_tables
from mesems.stats.gel import analyse_gel


def test_primary_data_follows_the_analysis_set() -> None:
    rows = [
        {"participant_id": "A", "sequence": "MSC-placebo", "week": 0, "gel": 2},
        {"participant_id": "A", "sequence": "MSC-placebo", "week": 4, "gel": 1},
        {"participant_id": "A", "sequence": "MSC-placebo", "week": 24, "gel": 3},
        {"participant_id": "A", "sequence": "MSC-placebo", "week": 28, "gel": 9},
        {"participant_id": "B", "sequence": "placebo-MSC", "week": 4, "gel": 1},  # no week 0: out
        {"participant_id": "C", "sequence": "placebo-MSC", "week": 0, "gel": 1},  # no week 4-24 scan: out
        {"participant_id": "D", "sequence": "placebo-MSC", "week": 0, "gel": 0},
        {"participant_id": "D", "sequence": "placebo-MSC", "week": 12, "gel": 5},
    ]
    data = primary_data(rows)
    assert data.y.tolist() == [[4, 5]] and data.scans.tolist() == [[2, 1]] and data.baseline.tolist() == [[2, 0]]
    assert data.arm.tolist() == [[1.0, 0.0]]


def test_the_vectorised_fit_equals_mesems_analyse_gel(tmp_path: Path) -> None:
    """On every simulated default trial, the published check's fit is `mesems analyse gel`'s primary."""
    check = check_published(range(4))
    for seed in range(4):
        write_tables(simulate_trial(rng=np.random.default_rng(seed)), tmp_path / str(seed))
        primary = analyse_gel(tmp_path / str(seed) / "gel.csv").as_json()["primary"]
        assert check.rate_ratio[seed] == pytest.approx(primary["rate_ratio"], rel=1e-6)
        assert check.ci_low[seed] == pytest.approx(primary["ci_low"], rel=1e-6)
        assert check.p_value[seed] == pytest.approx(primary["p_value"], rel=1e-5)
        assert check.analysed[seed] == primary["n"]


def test_default_trials_give_confidence_intervals_as_wide_as_the_published_one() -> None:
    check = check_published(range(12))
    summary = check.summary()
    assert 2.0 < summary["median_ci_ratio"] < 3.3  # published 1.50 / 0.58 = 2.59
    assert 0.5 < summary["median_rate_ratio"] < 1.6
    assert len(check.rate_ratio) == 12 and np.all(check.ci_low < check.ci_high)


def test_a_scenario_with_a_strong_effect_is_seen() -> None:
    check = check_published(range(6), build_scenario({"participants": 144, "gel": {"rate_ratio": 0.3}}))
    assert check.true_rate_ratio == 0.3 and np.median(check.rate_ratio) < 0.6
