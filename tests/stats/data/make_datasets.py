"""Write the GEL data sets that make_fixtures.R fits (run from the repository root:
`python tests/stats/data/make_datasets.py`); seeded, so the committed CSVs are reproducible."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from tests.stats.simulated import GelScenario, simulate_gel_rows, write_gel_csv

DATASETS: dict[str, GelScenario] = {
    "small": GelScenario(participants=16, placebo_mean=1.5, rate_ratio=0.7, theta=1.0, sd=0.7),
    "large": GelScenario(participants=2000, placebo_mean=1.2, rate_ratio=0.8, theta=0.8, sd=0.9, missing=0.05),
    "many_zeros": GelScenario(participants=200, placebo_mean=0.2, rate_ratio=0.8, theta=0.6, sd=0.8),
    "missed_scans": GelScenario(participants=144, placebo_mean=1.0, rate_ratio=0.8, theta=1.0, sd=0.8, missing=0.3),
    "strong_effect": GelScenario(participants=144, placebo_mean=2.0, rate_ratio=0.25, theta=1.2, sd=0.6),
    "no_effect": GelScenario(participants=144, placebo_mean=1.3, rate_ratio=1.0, theta=0.9, sd=0.8),
    "mesems_like": GelScenario(participants=144, placebo_mean=1.3, rate_ratio=0.94, theta=0.6, sd=1.0,
                               period_ratio=0.9, missing=0.08),
}

if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    for seed, (name, scenario) in enumerate(DATASETS.items(), start=20260):
        rows = simulate_gel_rows(np.random.default_rng(seed), scenario)
        write_gel_csv(here / f"gel_{name}.csv", rows)
        print(f"gel_{name}.csv: {len(rows)} scans")
