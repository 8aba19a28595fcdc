"""The CONSORT 2010 flow diagram (enrolment, allocation, follow-up, analysis) from the screening
log, the allocation and the dispositions; one column per sequence, or one pooled column when blinded."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from mesems.reports.figures import png
from mesems.stats.conduct import ConsortCounts

BOX = {"boxstyle": "square,pad=0.5", "facecolor": "white", "edgecolor": "black", "linewidth": 0.8}


def _known(value: int | None) -> str:
    return "not recorded" if value is None else str(value)


def _box(axes: Axes, x: float, y: float, text: str) -> None:
    axes.text(x, y, text, ha="center", va="center", fontsize=7.5, bbox=BOX)


def _arrow(axes: Axes, start: tuple[float, float], end: tuple[float, float]) -> None:
    axes.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "->", "linewidth": 0.8})


def consort_figure(counts: ConsortCounts) -> bytes:
    figure, axes = plt.subplots(figsize=(7.5, 8.5))
    axes.set_xlim(0, 100)
    axes.set_ylim(0, 100)
    axes.axis("off")
    if counts.screened is not None:
        _box(axes, 35, 95, f"Assessed for eligibility (n={counts.screened})")
        excluded = (counts.not_eligible or 0) + (counts.declined or 0) + (counts.withdrawn_before_randomisation or 0)
        reasons = "\n".join(f"    {criterion}: {n}" for criterion, n in counts.top_reasons)
        _box(axes, 78, 88, f"Excluded (n={excluded})\n  Not eligible: {_known(counts.not_eligible)}\n"
                           f"{reasons + chr(10) if reasons else ''}  Declined consent: {_known(counts.declined)}\n"
                           f"  Withdrew before randomisation: {_known(counts.withdrawn_before_randomisation)}")
        _arrow(axes, (35, 93), (35, 82))
        axes.plot([35, 58], [88, 88], color="black", linewidth=0.8)
    else:
        _box(axes, 35, 95, "Screening log not in the snapshot")
    _box(axes, 35, 80, f"Randomised (n={counts.randomised})")
    k = len(counts.groups)
    xs = [50.0] if k == 1 else [25.0 + 50.0 * i / (k - 1) for i in range(k)]
    for i, x in enumerate(xs):
        _arrow(axes, (35, 78), (x, 70))
        pooled = "" if k > 1 else " (all sequences, blinded)"
        _box(axes, x, 66, f"{counts.groups[i]}{pooled}\nAllocated (n={counts.allocated[i]})\n"
                          f"Received week-0 infusion (n={_known(counts.received_first[i])})")
        _arrow(axes, (x, 61), (x, 54))
        _box(axes, x, 50, f"Received week-24 infusion\n(crossover) (n={_known(counts.received_second[i])})")
        _arrow(axes, (x, 46), (x, 39))
        stopped = counts.discontinued[i]
        reasons = "\n".join(f"  {reason}: {n}" for reason, n in stopped)
        _box(axes, x, 32, f"Discontinued (n={sum(n for _, n in stopped)})\n{reasons}")
        _arrow(axes, (x, 25), (x, 20))
        _box(axes, x, 14, f"Completed week 48 (n={_known(counts.completed[i])})\n"
                          f"Analysed, primary GEL (n={counts.analysed_primary[i]})")
    for y, label in ((95, "Enrolment"), (66, "Allocation"), (41, "Follow-up"), (14, "Analysis")):
        axes.text(1, y, label, fontsize=8, fontweight="bold", rotation=90, va="center")
    axes.set_title("CONSORT flow diagram")
    return png(figure)
