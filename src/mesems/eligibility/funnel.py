"""The attrition funnel of a pre-screening: how many rows each criterion removes, in protocol order.

A row is removed by the first criterion, in protocol order, that it does not meet; a row that is
unknown on a criterion stays in the funnel (it is not removed by missing data) and is counted in
that step's `unknown`. What is left at the end is split into eligible (every criterion met) and
unknown (some criterion unknown, none failed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from mesems.eligibility.kernels import UNKNOWN


@dataclass(frozen=True)
class FunnelStep:
    criterion: str
    text: str
    removed: int
    unknown: int
    remaining: int


@dataclass(frozen=True)
class Funnel:
    total: int
    steps: tuple[FunnelStep, ...]
    eligible: int
    unknown: int

    @property
    def not_eligible(self) -> int:
        return self.total - self.eligible - self.unknown

    def as_frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            [
                {
                    "step": i,
                    "criterion": s.criterion,
                    "text": s.text,
                    "removed": s.removed,
                    "unknown": s.unknown,
                    "remaining": s.remaining,
                }
                for i, s in enumerate(self.steps, 1)
            ],
            schema={
                "step": pl.Int64,
                "criterion": pl.String,
                "text": pl.String,
                "removed": pl.Int64,
                "unknown": pl.Int64,
                "remaining": pl.Int64,
            },
        )


def attrition_funnel(codes: pl.DataFrame, texts: dict[str, str]) -> Funnel:
    """The funnel of verdict codes (`prescreen.prescreen`); `texts` gives each criterion id's text
    in protocol order."""
    ids = list(texts)
    failed = pl.col("first_failed").cast(pl.Enum(ids))
    position = failed.to_physical().cast(pl.Int64).fill_null(len(ids))
    counts = codes.select(
        *((failed == i).sum().alias(f"removed {i}") for i in ids),
        *(((position > n) & (pl.col(i) == UNKNOWN)).sum().alias(f"unknown {i}") for n, i in enumerate(ids)),
        (pl.col("eligible") == True).sum().alias("eligible"),
        pl.col("eligible").is_null().sum().alias("left unknown"),
    ).row(0, named=True)
    remaining, steps = codes.height, []
    for i in ids:
        remaining -= counts[f"removed {i}"]
        steps.append(FunnelStep(i, texts[i], counts[f"removed {i}"], counts[f"unknown {i}"], remaining))
    return Funnel(codes.height, tuple(steps), counts["eligible"], counts["left unknown"])


def plot_funnel(funnel: Funnel, path: Path, title: str = "Registry pre-screening") -> None:
    """A horizontal funnel: for each criterion the rows left (blue) and removed (red), then the
    split of what is left into eligible and unknown."""
    import matplotlib  # loaded only when a figure is drawn: the CLI starts faster

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = ["registry rows", *(s.criterion for s in funnel.steps), "eligible", "unknown"]
    left = [funnel.total, *(s.remaining for s in funnel.steps), funnel.eligible, funnel.unknown]
    removed = [0, *(s.removed for s in funnel.steps), 0, 0]
    colours = ["#4c72b0"] * (len(funnel.steps) + 1) + ["#55a868", "#dd8452"]
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(labels) + 1.4))
    rows = range(len(labels))
    ax.barh(rows, left, color=colours)
    ax.barh(rows, removed, left=left, color="#c44e52", label="removed by this criterion")
    width = max(funnel.total, 1)
    for row, (kept, gone) in enumerate(zip(left, removed, strict=True)):
        text = f"{kept:,}" + (f"  (-{gone:,})" if gone else "")
        ax.text(kept + gone + width * 0.01, row, text, va="center", fontsize=8)
    ax.set_yticks(list(rows), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, width * 1.25)
    ax.set_xlabel("rows")
    ax.set_title(
        f"{title}: {funnel.total:,} rows, {funnel.eligible:,} eligible, {funnel.unknown:,} unknown",
        fontsize=10,
    )
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
