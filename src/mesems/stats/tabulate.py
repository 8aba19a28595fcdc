"""Report tables: titled grids of formatted cells, and the summary formats the SAP uses."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class ReportTable:
    """A table as it appears in the report; `key` names its CSV file."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()

    def write_csv(self, directory: Path) -> Path:
        path = directory / f"{self.key}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(self.columns)
            writer.writerows(self.rows)
        return path


def table(key: str, title: str, columns: Sequence[str], rows: Sequence[Sequence[object]],
          notes: Sequence[str] = ()) -> ReportTable:
    return ReportTable(key, title, tuple(columns), tuple(tuple(str(c) for c in row) for row in rows), tuple(notes))


def n_pct(count: int, total: int) -> str:
    """'12 (8.3%)'; '0' when the denominator is 0."""
    return f"{count} ({100.0 * count / total:.1f}%)" if total else str(count)


def mean_sd(values: np.ndarray) -> str:
    values = values[~np.isnan(values)]
    if values.size == 0:
        return "-"
    sd = float(np.std(values, ddof=1)) if values.size > 1 else math.nan
    return f"{np.mean(values):.2f} ({sd:.2f})"


def median_iqr(values: np.ndarray) -> str:
    values = values[~np.isnan(values)]
    if values.size == 0:
        return "-"
    q1, med, q3 = np.percentile(values, [25, 50, 75])
    return f"{med:.2f} ({q1:.2f}-{q3:.2f})"


def p_value(p: float) -> str:
    if math.isnan(p):
        return "-"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def ratio_ci(estimate: float, low: float, high: float) -> str:
    return f"{estimate:.2f} ({low:.2f}-{high:.2f})"
