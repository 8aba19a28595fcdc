"""Gadolinium-enhancing lesions (GEL): the `mesems analyse gel` contract of DESIGN.md.

Input: one row per MRI scan (`participant_id, sequence, week, gel`); a missed scan is an absent row.
- primary (co-primary endpoint `gel_first_period`): per participant y = sum of GEL over the scans
  done in period 1 after its baseline (weeks 4, 12, 24), k = their number; participants with k = 0
  or without the week-0 scan are left out. NB2 GLM (glm.nb) of y on treatment (MSC vs placebo)
  + log(baseline GEL + 1) with offset log(k).
- crossover (secondary endpoint `gel_crossover`): per-scan GEL after each period's baseline
  (weeks 4-48), NB2 GLMM gel ~ treatment + period + (1 | participant) (glmmTMB nbinom2).
The weeks, periods and which sequence gets the active product in which period come from the
protocol, so another crossover protocol is another file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from mesems.errors import AnalysisError
from mesems.exports.tables import TABLES
from mesems.protocol import Protocol, load_protocol
from mesems.stats.glmm import GlmmFit, fit_nb_glmm
from mesems.stats.likelihood import FloatArray
from mesems.stats.negbin import NegBinFit, fit_negbin
from mesems.stats.snapshot import read_table

TREATMENT = "treatment"
LOG_BASELINE = "log(baseline GEL + 1)"
PERIOD_2 = "period 2"
INTERCEPT = "(Intercept)"


@dataclass(frozen=True)
class GelDesign:
    """What the protocol says about GEL scans: MRI weeks, periods and the active product by sequence."""

    mri_weeks: tuple[int, ...]
    period_starts: dict[int, int]
    period_ends: dict[int, int]
    active_by_sequence: dict[str, tuple[bool, ...]]

    @property
    def sequences(self) -> tuple[str, ...]:
        return tuple(self.active_by_sequence)

    def period_of(self, week: int) -> int | None:
        """The period whose post-baseline scans include `week` (start < week <= end); None for week 0."""
        for number, start in self.period_starts.items():
            if start < week <= self.period_ends[number]:
                return number
        return None

    def post_baseline_weeks(self, period: int) -> tuple[int, ...]:
        return tuple(w for w in self.mri_weeks if self.period_of(w) == period)


def gel_design(protocol: Protocol | None = None) -> GelDesign:
    protocol = protocol or load_protocol()
    weeks = tuple(sorted(v.week for v in protocol.schedule.visits if "mri_gel" in v.assessments))
    active = {arm.id: tuple(protocol.intervention(i).active for i in arm.interventions) for arm in protocol.arms}
    return GelDesign(
        mri_weeks=weeks,
        period_starts={p.number: p.start_week for p in protocol.periods},
        period_ends={p.number: p.end_week for p in protocol.periods},
        active_by_sequence=active,
    )


def validate_gel(frame: pl.DataFrame, design: GelDesign, source: str = "gel.csv") -> pl.DataFrame:
    """Check the scans against the contract and the schedule; add `period` and, when the sequence
    is known (unblinded data), `treatment` (1 where the sequence has the active product in that period).

    Errors name the line (header = line 1): an empty participant id or week, an unknown sequence,
    a negative count, a week outside the MRI schedule, two scans of one participant in one week,
    a participant in both sequences.
    """
    def fail(row: int, message: str, field: str) -> AnalysisError:
        return AnalysisError(f"{source} line {row + 2}: {message}", field=field)

    for column in ("participant_id", "week", "gel"):
        empty = frame[column].is_null().arg_true()
        if len(empty):
            raise fail(int(empty[0]), f"{column} is empty", column)
    negative = (frame["gel"] < 0).arg_true()
    if len(negative):
        row = int(negative[0])
        raise fail(row, f"gel is {frame['gel'][row]}, expected a non-negative integer count", "gel")
    outside = (~frame["week"].is_in(list(design.mri_weeks))).arg_true()
    if len(outside):
        row = int(outside[0])
        raise fail(row, f"week {frame['week'][row]} is not an MRI week of the schedule; expected one of "
                        f"[{', '.join(map(str, design.mri_weeks))}]", "week")
    duplicated = frame.select(pl.struct("participant_id", "week").is_duplicated()).to_series().arg_true()
    if len(duplicated):
        first, second = int(duplicated[0]), int(duplicated[1])
        raise fail(second, f"a second scan of participant {frame['participant_id'][second]} at week "
                           f"{frame['week'][second]} (the first is at line {first + 2})", "week")
    periods = {week: design.period_of(week) for week in design.mri_weeks}
    out = frame.with_columns(pl.col("week").replace_strict(periods, return_dtype=pl.Int64).alias("period"))
    if "sequence" not in frame.columns:
        return out
    blank = frame["sequence"].is_null().arg_true()
    if len(blank):
        raise fail(int(blank[0]), "sequence is empty", "sequence")
    unknown = (~frame["sequence"].is_in(list(design.sequences))).arg_true()
    if len(unknown):
        row = int(unknown[0])
        raise fail(row, f"unknown sequence {frame['sequence'][row]!r}; expected one of [{', '.join(design.sequences)}]",
                   "sequence")
    first_sequence = frame.group_by("participant_id", maintain_order=True).agg(pl.col("sequence").first().alias("first"))
    clash = frame.join(first_sequence, on="participant_id", how="left")
    both = (clash["sequence"] != clash["first"]).arg_true()
    if len(both):
        row = int(both[0])
        pid = frame["participant_id"][row]
        first_row = int((frame["participant_id"] == pid).arg_true()[0])
        raise fail(row, f"participant {pid} is in sequence {frame['sequence'][row]} here but in "
                        f"{frame['sequence'][first_row]} at line {first_row + 2}; a participant has one sequence",
                   "sequence")
    active = pl.DataFrame(
        [(seq, period, int(flags[period - 1])) for seq, flags in design.active_by_sequence.items()
         for period in design.period_starts],
        schema={"sequence": pl.String, "period": pl.Int64, "treatment": pl.Int64}, orient="row")
    return (out.join(active, on=["sequence", "period"], how="left", maintain_order="left")
            .with_columns(pl.col("treatment").fill_null(0)))


def read_gel(path: Path, design: GelDesign) -> pl.DataFrame:
    """Read and validate a gel CSV (the `analyse gel` input); the sequence is required here."""
    frame = read_table(path, TABLES["gel"])
    if "sequence" not in frame.columns:
        raise AnalysisError(f"{path.name} has no sequence column; `analyse gel` needs the unblinded data",
                            field="sequence")
    if frame.height == 0:
        raise AnalysisError(f"{path.name} has no scans")
    return validate_gel(frame, design, path.name)


@dataclass(frozen=True)
class PrimaryData:
    """The first-period data set, one entry per analysed participant."""

    participant_id: tuple[str, ...]
    total: NDArray[np.int64]
    scans: NDArray[np.int64]
    baseline: NDArray[np.int64]
    treatment: NDArray[np.int64]
    excluded: int

    def design(self, adjust_for_baseline: bool = True) -> tuple[FloatArray, tuple[str, ...]]:
        columns = [np.ones(len(self.total)), self.treatment.astype(float)]
        names = [INTERCEPT, TREATMENT]
        if adjust_for_baseline:
            columns.append(np.log(self.baseline + 1.0))
            names.append(LOG_BASELINE)
        return np.column_stack(columns), tuple(names)


def primary_data(scans: pl.DataFrame, design: GelDesign, period: int = 1) -> PrimaryData:
    """Per participant: total GEL and number of post-baseline scans in `period`, the period's baseline scan."""
    baseline_week = design.period_starts[period]
    base = scans.filter(pl.col("week") == baseline_week).select("participant_id", pl.col("gel").alias("baseline"))
    post = (scans.filter(pl.col("period") == period)
            .group_by("participant_id").agg(pl.col("gel").sum().alias("total"), pl.len().alias("k"),
                                            pl.col("treatment").first()))
    everyone = scans["participant_id"].n_unique()
    data = post.join(base, on="participant_id", how="inner").filter(pl.col("k") > 0).sort("participant_id")
    return PrimaryData(
        participant_id=tuple(data["participant_id"].to_list()),
        total=data["total"].to_numpy(), scans=data["k"].to_numpy().astype(np.int64),
        baseline=data["baseline"].to_numpy(), treatment=data["treatment"].to_numpy(),
        excluded=everyone - data.height,
    )


DIVERGED_ESTIMATE = 15.0
"""|log rate ratio| beyond this (a ratio beyond 3e6 or below 3e-7) means the estimate ran off to infinity."""


def _check_converged(fit: NegBinFit | GlmmFit, model: str) -> None:
    """Refuse a fit that did not converge, or whose estimates diverged: complete separation (e.g.
    every count zero on one treatment) makes IRLS and the Laplace fit drift towards -infinity with
    a huge SE, which R reports silently."""
    if not fit.converged:
        raise AnalysisError(f"the {model} did not converge ({'; '.join(fit.warnings) or 'non-finite estimates'})")
    for c in fit.coefficients:
        if not (math.isfinite(c.estimate) and math.isfinite(c.se)) or abs(c.estimate) > DIVERGED_ESTIMATE:
            raise AnalysisError(
                f"the {model} did not converge: coefficient {c.name!r} diverges (estimate {c.estimate:.3g}, "
                f"SE {c.se:.3g}); is every count zero in one group?")


def fit_primary(data: PrimaryData, adjust_for_baseline: bool = True) -> NegBinFit:
    """glm.nb(total ~ treatment [+ log(baseline + 1)] + offset(log(k)))."""
    if len(set(data.treatment.tolist())) < 2:
        raise AnalysisError("the primary model needs participants of both sequences; the data have one")
    x, names = data.design(adjust_for_baseline)
    fit = fit_negbin(x, data.total, names, offset=np.log(data.scans.astype(float)))
    _check_converged(fit, "primary negative binomial model")
    return fit


@dataclass(frozen=True)
class CrossoverData:
    """Per-scan data of the mixed model: counts, treatment, period, participant codes."""

    gel: NDArray[np.int64]
    treatment: NDArray[np.int64]
    period: NDArray[np.int64]
    group: NDArray[np.intp]
    participant_id: tuple[str, ...]
    log_baseline: FloatArray

    @property
    def n_participants(self) -> int:
        return len(self.participant_id)


def crossover_data(scans: pl.DataFrame, periods: tuple[int, ...] = (1, 2)) -> CrossoverData:
    """Scans after each period's baseline in `periods`, coded for the mixed model; `log_baseline`
    is log(week-0 GEL + 1) of each scan's participant (NaN without a week-0 scan)."""
    base = scans.filter(pl.col("period").is_null()).group_by("participant_id").agg(pl.col("gel").min().alias("b0"))
    data = (scans.filter(pl.col("period").is_in(list(periods)))
            .join(base, on="participant_id", how="left").sort("participant_id", "week"))
    ids, codes = np.unique(data["participant_id"].to_numpy().astype(str), return_inverse=True)
    b0 = data["b0"].to_numpy().astype(float)
    return CrossoverData(
        gel=data["gel"].to_numpy(), treatment=data["treatment"].to_numpy(), period=data["period"].to_numpy(),
        group=codes.astype(np.intp), participant_id=tuple(ids.tolist()), log_baseline=np.log(b0 + 1.0),
    )


def fit_crossover(data: CrossoverData) -> GlmmFit:
    """glmmTMB(gel ~ treatment + period + (1 | participant), family = nbinom2)."""
    if data.gel.size == 0:
        raise AnalysisError("no scans after a period baseline: the crossover model has no data")
    x = np.column_stack([np.ones(data.gel.size), data.treatment.astype(float), (data.period == 2).astype(float)])
    fit = fit_nb_glmm(x, data.gel, data.group, (INTERCEPT, TREATMENT, PERIOD_2))
    _check_converged(fit, "crossover mixed model")
    return fit


@dataclass(frozen=True)
class GelAnalysis:
    """The two GEL models of the contract."""

    primary: NegBinFit
    primary_data: PrimaryData
    crossover: GlmmFit
    crossover_data: CrossoverData

    def as_json(self) -> dict[str, dict[str, Any]]:
        """The JSON of DESIGN.md: `primary` and `crossover` with rate ratio, Wald CI and p, theta, n."""
        def summary(coefficient_estimate: float, low: float, high: float, p: float, theta: float,
                    n: int) -> dict[str, Any]:
            return {"rate_ratio": math.exp(coefficient_estimate), "ci_low": math.exp(low), "ci_high": math.exp(high),
                    "p_value": p, "theta": theta, "n": n}

        p = self.primary.coefficient(TREATMENT)
        c = self.crossover.coefficient(TREATMENT)
        crossover = summary(c.estimate, c.ci_low, c.ci_high, c.p_value, self.crossover.theta, self.crossover.n)
        crossover.update(random_intercept_sd=self.crossover.random_intercept_sd,
                         n_participants=self.crossover.n_groups, n_scans=self.crossover.n)
        return {"primary": summary(p.estimate, p.ci_low, p.ci_high, p.p_value, self.primary.theta, self.primary.n),
                "crossover": crossover}


def analyse_gel(path: Path, protocol: Protocol | None = None) -> GelAnalysis:
    """Read, validate and fit both models of the `analyse gel` contract."""
    design = gel_design(protocol)
    scans = read_gel(path, design)
    primary = primary_data(scans, design)
    crossover = crossover_data(scans)
    return GelAnalysis(primary=fit_primary(primary), primary_data=primary,
                       crossover=fit_crossover(crossover), crossover_data=crossover)
