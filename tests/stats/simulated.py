"""Seeded simulated GEL scans for the tests, the R fixtures and the benchmark.

Per participant: a random intercept u ~ N(0, sd); each scan NB2 with mean
placebo_mean * exp(u) * rate_ratio^[MSC in that period] * period_ratio^[period 2] and size theta;
each scan is missed (its row absent) with probability `missing`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

WEEKS = (0, 4, 12, 24, 28, 36, 48)
SEQUENCES = ("MSC-placebo", "placebo-MSC")


@dataclass(frozen=True)
class GelScenario:
    participants: int
    placebo_mean: float = 1.0
    rate_ratio: float = 1.0
    theta: float = 1.0
    sd: float = 0.8
    period_ratio: float = 1.0
    missing: float = 0.0


def simulate_gel_rows(rng: np.random.Generator, scenario: GelScenario) -> list[tuple[str, str, int, int]]:
    sequence = rng.permutation(np.arange(scenario.participants) % 2)
    rows = []
    for i in range(scenario.participants):
        u = rng.normal(0.0, scenario.sd)
        for week in WEEKS:
            period = 0 if week == 0 else (1 if week <= 24 else 2)
            msc = (sequence[i] == 0 and period == 1) or (sequence[i] == 1 and period == 2)
            mean = scenario.placebo_mean * np.exp(u) * (scenario.rate_ratio if msc else 1.0)
            mean *= scenario.period_ratio if period == 2 else 1.0
            count = int(rng.negative_binomial(scenario.theta, scenario.theta / (scenario.theta + mean)))
            if rng.random() < scenario.missing:
                continue
            rows.append((f"P-{i + 1:05d}", SEQUENCES[sequence[i]], week, count))
    return rows


def write_gel_csv(path: Path, rows: list[tuple[str, str, int, int]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["participant_id", "sequence", "week", "gel"])
        writer.writerows(rows)
    return path
