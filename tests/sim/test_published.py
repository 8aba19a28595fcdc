from __future__ import annotations

import numpy as np

from mesems.sim.published import check_published, primary_data
from mesems.sim.scenario import build_scenario


def test_primary_data_follows_the_analysis_set() -> None:
    rows = [
        {"participant_id": "A", "sequence": "MSC-placebo", "week": 0, "gel": 2},
        {"participant_id": "A", "sequence": "MSC-placebo", "week": 4, "gel": 1},
        {"participant_id": "A", "sequence": "MSC-placebo", "week": 24, "gel": 3},
        {"participant_id": "A", "sequence": "MSC-placebo", "week": 28, "gel": 9},
        {"participant_id": "B", "sequence": "placebo-MSC", "week": 4, "gel": 1},  # no week 0: out
        {"participant_id": "C", "sequence": "placebo-MSC", "week": 0, "gel": 1},  # no week 4-24 scan: out
    ]
    data = primary_data(rows)
    assert data.y.tolist() == [[4]] and data.scans.tolist() == [[2]] and data.baseline.tolist() == [[2]]
    assert data.arm.tolist() == [[1.0]]


def test_default_trials_give_confidence_intervals_as_wide_as_the_published_one() -> None:
    check = check_published(range(12))
    summary = check.summary()
    assert 2.0 < summary["median_ci_ratio"] < 3.3  # published 1.50 / 0.58 = 2.59
    assert 0.5 < summary["median_rate_ratio"] < 1.6
    assert len(check.rate_ratio) == 12 and np.all(check.ci_low < check.ci_high)


def test_a_scenario_with_a_strong_effect_is_seen() -> None:
    check = check_published(range(6), build_scenario({"participants": 144, "gel": {"rate_ratio": 0.3}}))
    assert check.true_rate_ratio == 0.3 and np.median(check.rate_ratio) < 0.6
