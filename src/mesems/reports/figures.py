"""The report's figures, drawn with matplotlib (Agg) as PNG bytes: GEL per visit, the forest plot
of rate ratios, Kaplan-Meier curves of confirmed progression and AE bars by system organ class."""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from mesems.stats.efficacy import VisitMean
from mesems.stats.results import RateRatioSummary
from mesems.stats.safety import AeBar
from mesems.stats.survival import KaplanMeier

DPI = 110


def png(figure: Figure) -> bytes:
    """The figure as PNG without a timestamp, so the same data give the same bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def gel_per_visit_figure(means: tuple[VisitMean, ...]) -> bytes:
    figure, axes = plt.subplots(figsize=(7, 3.6))
    groups = list(dict.fromkeys(m.group for m in means))
    for offset, group in zip(np.linspace(-0.4, 0.4, len(groups)), groups, strict=True):
        rows = [m for m in means if m.group == group]
        weeks = np.array([m.week for m in rows]) + offset
        mean = np.array([m.mean for m in rows])
        axes.errorbar(weeks, mean, yerr=[mean - [m.ci_low for m in rows], [m.ci_high for m in rows] - mean],
                      marker="o", capsize=3, label=group)
    axes.axvline(24, color="grey", linestyle=":", linewidth=1)
    axes.set_xlabel("Week")
    axes.set_ylabel("Mean GEL per scan (95% CI)")
    axes.set_xticks(sorted({m.week for m in means}))
    if groups:
        axes.legend(frameon=False)
    else:
        axes.text(0.5, 0.5, "no MRI read yet", ha="center", va="center", transform=axes.transAxes)
    axes.set_title("Gadolinium-enhancing lesions per MRI visit")
    return png(figure)


def forest_figure(summaries: tuple[RateRatioSummary, ...]) -> bytes:
    rows = [s for s in summaries if s.estimable and all(math.isfinite(v) and v > 0 for v in (s.ci_low, s.ci_high))]
    figure, axes = plt.subplots(figsize=(7, 0.5 * max(len(rows), 1) + 1.2))
    y = np.arange(len(rows))[::-1]
    for yi, s in zip(y, rows, strict=True):
        axes.plot([s.ci_low, s.ci_high], [yi, yi], color="black")
        axes.plot([s.rate_ratio], [yi], marker="s", color="black")
    axes.axvline(1.0, color="grey", linestyle="--", linewidth=1)
    axes.set_xscale("log")
    axes.set_yticks(y, [s.label for s in rows], fontsize=8)
    axes.set_xlabel("Rate ratio, MSC vs placebo (95% CI, log scale)")
    axes.set_title("Rate ratios")
    return png(figure)


def km_figure(curves: tuple[KaplanMeier, ...]) -> bytes:
    figure, (axes, table_axes) = plt.subplots(2, 1, figsize=(7, 5), height_ratios=[4, 1.2])
    ticks = np.arange(0, 49, 12)
    for curve in curves:
        line = axes.step(curve.times / 7, 1.0 - curve.survival, where="post", label=curve.label)[0]
        axes.fill_between(curve.times / 7, 1.0 - curve.ci_high, 1.0 - curve.ci_low, step="post",
                          alpha=0.15, color=line.get_color())
    axes.set_ylabel("Cumulative CDP (95% CI)")
    axes.set_xlabel("Week")
    axes.set_xticks(ticks)
    axes.set_xlim(-1, 50)
    axes.legend(frameon=False, loc="upper left")
    axes.set_title("Confirmed disability progression (Kaplan-Meier)")
    table_axes.set_xlim(-1, 50)
    table_axes.set_ylim(0, len(curves) + 0.5)
    table_axes.axis("off")
    table_axes.text(-1, len(curves) + 0.3, "Number at risk", fontsize=8, fontweight="bold")
    for row, curve in enumerate(curves):
        y = len(curves) - row - 0.5
        table_axes.text(-2, y, curve.label, ha="right", va="center", fontsize=8)
        for week in ticks:
            table_axes.text(week, y, str(curve.at_risk_after(7.0 * float(week))), ha="center", va="center", fontsize=8)
    figure.tight_layout()
    return png(figure)


def ae_bars_figure(bars: tuple[AeBar, ...]) -> bytes:
    socs = list(dict.fromkeys(b.soc for b in bars))
    columns = list(dict.fromkeys(b.column for b in bars))
    figure, axes = plt.subplots(figsize=(7, 0.45 * len(socs) * max(1, len(columns) / 2) + 1.2))
    height = 0.8 / len(columns)
    base = np.arange(len(socs))[::-1]
    lookup = {(b.soc, b.column): b.percent for b in bars}
    for k, column in enumerate(columns):
        axes.barh(base + (len(columns) / 2 - k - 0.5) * height, [lookup.get((s, column), 0.0) for s in socs],
                  height=height, label=column)
    axes.set_yticks(base, [s if len(s) < 45 else s[:42] + "..." for s in socs], fontsize=7)
    axes.set_xlabel("Participants with at least one event (% of exposed)")
    axes.legend(frameon=False, fontsize=7)
    axes.set_title("Adverse events by system organ class")
    return png(figure)
