"""The statistical analysis plan as code: every table and figure input of the trial report from
one data snapshot, blinded (pooled) or unblinded.

Blinded runs read `Snapshot.blinded_view()`, which has no column that reveals allocation, and
fit no treatment model; so nothing in a blinded result can depend on the sequence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

import mesems
from mesems.protocol import Protocol, load_protocol, protocol_digest
from mesems.stats.baseline import baseline_table
from mesems.stats.conduct import ConsortCounts, consort_counts, deviations_table, missing_data_table
from mesems.stats.context import SapContext
from mesems.stats.disability import progression_analysis
from mesems.stats.efficacy import VisitMean, gel_models, gel_per_visit, gel_scans, models_table
from mesems.stats.mri import mri_outcomes
from mesems.stats.relapse import relapse_rates
from mesems.stats.results import RateRatioSummary
from mesems.stats.safety import AeBar, safety_tables
from mesems.stats.snapshot import Snapshot
from mesems.stats.survival import KaplanMeier
from mesems.stats.tabulate import ReportTable


@dataclass(frozen=True)
class Section:
    title: str
    tables: tuple[ReportTable, ...]
    figures: tuple[str, ...] = ()
    text: tuple[str, ...] = ()


@dataclass(frozen=True)
class Provenance:
    """What a report must name to be reproduced."""

    snapshot_digest: str
    file_digests: dict[str, str]
    protocol_id: str
    protocol_digest: str
    eligibility_versions: tuple[str, ...]
    software_version: str


@dataclass(frozen=True)
class SapResult:
    blinded: bool
    provenance: Provenance
    sections: tuple[Section, ...]
    gel_means: tuple[VisitMean, ...]
    rate_ratios: tuple[RateRatioSummary, ...]
    km_curves: tuple[KaplanMeier, ...]
    ae_bars: tuple[AeBar, ...]
    consort: ConsortCounts
    groups: tuple[str, ...] = field(default=())

    def tables(self) -> tuple[ReportTable, ...]:
        return tuple(t for s in self.sections for t in s.tables)

    def key_results(self) -> dict[str, object]:
        """A JSON-ready summary: provenance and every rate ratio (none when blinded)."""
        return {
            "blinded": self.blinded,
            "provenance": {"snapshot_digest": self.provenance.snapshot_digest,
                           "files": self.provenance.file_digests,
                           "protocol": self.provenance.protocol_id,
                           "protocol_digest": self.provenance.protocol_digest,
                           "eligibility_versions": list(self.provenance.eligibility_versions),
                           "software_version": self.provenance.software_version},
            "rate_ratios": [{"model": r.label, "n": r.n, "rate_ratio": r.rate_ratio, "ci_low": r.ci_low,
                             "ci_high": r.ci_high, "p_value": r.p_value, "theta": r.theta,
                             "random_intercept_sd": r.random_intercept_sd, "not_estimable": r.reason or None}
                            for r in self.rate_ratios],
            "tables": [t.key for t in self.tables()],
        }


def _analysed_primary(scans: pl.DataFrame, ctx: SapContext) -> frozenset[str]:
    """Participants in the primary analysis set: the week-0 scan and at least one period-1 scan after it."""
    start = ctx.design.period_starts[1]
    with_base = set(scans.filter(pl.col("week") == start)["participant_id"].to_list())
    with_post = set(scans.filter(pl.col("period") == 1)["participant_id"].to_list())
    return frozenset(with_base & with_post)


def run_sap(snapshot: Snapshot, protocol: Protocol | None = None, blinded: bool = False) -> SapResult:
    """Every analysis of the SAP on one snapshot. `blinded=True` (or a snapshot without sequences) pools."""
    protocol = protocol or load_protocol()
    blinded = blinded or snapshot.blinded
    ctx = SapContext(snapshot.blinded_view() if blinded else snapshot, protocol, blinded)
    scans = gel_scans(ctx)
    sections = [Section("Participants", (baseline_table(ctx),), ("consort",))]
    per_visit, means = gel_per_visit(ctx, scans)
    rate_ratios: list[RateRatioSummary] = []
    gel_tables = [per_visit]
    if not blinded:
        models = gel_models(ctx, scans)
        rate_ratios.extend(models)
        gel_tables.insert(0, models_table(
            "gel_models", "GEL: primary, sensitivity and crossover analyses", models,
            (("Primary: NB2 GLM of total GEL at weeks 4, 12, 24 on treatment + log(baseline GEL + 1), "
              "offset log(scans done), as R MASS::glm.nb; Wald 95% CI and p."),
             "Mixed models: NB2 with a participant random intercept, Laplace approximation, as R glmmTMB(nbinom2).")))
    sections.append(Section("Gadolinium-enhancing lesions", tuple(gel_tables),
                            ("gel_per_visit",) + (() if blinded else ("forest",))))
    relapse_table, relapse_model = relapse_rates(ctx)
    mri_table, mri_model = mri_outcomes(ctx)
    secondary = [t for t in (relapse_table, mri_table) if t is not None]
    extra = [m for m in (relapse_model, mri_model) if m is not None]
    rate_ratios.extend(extra)
    if extra:
        secondary.insert(0, models_table("secondary_models", "Secondary count outcomes: rate ratios", tuple(extra), ()))
    cdp_table, curves = progression_analysis(ctx)
    if cdp_table is not None:
        secondary.append(cdp_table)
    sections.append(Section("Secondary outcomes", tuple(secondary), ("km",) if curves else ()))
    safety, bars = safety_tables(ctx)
    sections.append(Section("Safety", safety, ("ae_bars",) if bars else (),
                            () if safety else ("No adverse_events.csv in the snapshot.",)))
    conduct = [t for t in (deviations_table(ctx), missing_data_table(ctx)) if t is not None]
    sections.append(Section("Trial conduct", tuple(conduct)))
    provenance = Provenance(
        snapshot_digest=snapshot.digest, file_digests=dict(snapshot.file_digests), protocol_id=protocol.identity.id,
        protocol_digest=protocol_digest(protocol), eligibility_versions=tuple(v.id for v in protocol.eligibility),
        software_version=mesems.__version__)
    return SapResult(blinded=blinded, provenance=provenance, sections=tuple(sections), gel_means=means,
                     rate_ratios=tuple(rate_ratios), km_curves=curves, ae_bars=bars,
                     consort=consort_counts(ctx, _analysed_primary(scans, ctx)), groups=ctx.groups)
