"""The visit-level tables: visits, MRI (and the GEL scans of the `analyse gel` contract), EDSS,
vital signs, laboratory values and infusions, each from its case report form."""

from __future__ import annotations

import polars as pl
from django.utils import timezone

from mesems.clinical.functional_systems import SCORED_FS
from mesems.protocol import Protocol
from mesems.randomisation import normalise_product_code
from mesems.web.apps.cellproduct.models import Bag
from mesems.web.apps.cellproduct.models import Infusion as BedsideInfusion
from mesems.web.apps.datasets.frames import (
    RANDOMISED,
    Dumped,
    local_date,
    ordered,
    rows_frame,
    schema_of,
    source,
)
from mesems.web.apps.visits.models import EdssAssessment, Infusion, Labs, MriRead, Visit, VitalSigns, Weight



def _query(model: type, table: str, fields: dict[str, str], **where: object) -> pl.DataFrame:
    """`fields` maps a frame column to a model field path; every row is a randomised participant's."""
    rows = model.objects.filter(**RANDOMISED, **where).values_list("participant__code", "pk", *fields.values())
    return rows_frame(list(rows), schema_of(table, ["participant_id", "record_pk", *fields]))


def visits() -> Dumped:
    """Status as `mesems.schedule.visit_status` has it, in the contract's three words: done (it has a
    date), missed (declared not done, or not done by the day the next visit overtakes it), and
    upcoming for the rest (not yet due, due, or overdue but still possible), on each site's calendar."""
    fields = {"visit_id": "code", "week": "week", "period": "period", "planned_date": "target_date", "actual_date": "visit_date",
              "declared_missed": "missed", "missed_from": "missed_from", "out_of_window": "out_of_window", "zone": "participant__site__timezone"}
    frame = _query(Visit, "visits", fields)
    now = timezone.now()
    today = pl.DataFrame({"zone": frame["zone"].unique().to_list()}, schema={"zone": pl.String()})
    today = today.with_columns(today=pl.Series([local_date(now, z) for z in today["zone"]], dtype=pl.Date()))
    frame = frame.join(today, on="zone", how="left").with_columns(
        status=pl.when(pl.col("actual_date").is_not_null()).then(pl.lit("done"))
        .when(pl.col("declared_missed") | (pl.col("today") >= pl.col("missed_from"))).then(pl.lit("missed"))
        .otherwise(pl.lit("upcoming")))
    return Dumped("visits", ordered(frame, "visits"), (source(Visit, frame, "record_pk", ["participant_id", "visit_id"]),))


def mri_and_gel(protocol: Protocol, sequences: pl.DataFrame | None) -> tuple[Dumped, Dumped]:
    """Every MRI read at a scheduled visit; the GEL scans are those at the protocol's GEL weeks that
    have a count (a missed scan is an absent row, DESIGN.md `analyse gel`). An MRI form's audit
    rows point at its `mri` row only."""
    fields = {"week": "visit__week", "scan_date": "scan_date", "gel": "gel", "new_t2": "new_t2",
              "t2_volume_ml": "t2_volume_ml", "black_holes": "black_holes"}
    frame = _query(MriRead, "mri", fields, visit__week__isnull=False)
    key = ["participant_id", "week"]
    mri = Dumped("mri", ordered(frame, "mri"), (source(MriRead, frame, "record_pk", key),))
    gel_weeks = [v.week for v in protocol.schedule.visits if "mri_gel" in v.assessments]
    scans = frame.filter(pl.col("week").is_in(gel_weeks) & pl.col("gel").is_not_null())
    if sequences is not None:
        scans = scans.join(sequences, on="participant_id", how="left")
    return mri, Dumped("gel", ordered(scans, "gel"))


def edss() -> Dumped:
    fields = {"week": "visit__week", "assessment_date": "assessed_on", "edss": "edss", **{f: f for f in SCORED_FS}}
    frame = _query(EdssAssessment, "edss", fields)
    return Dumped("edss", ordered(frame, "edss"), (source(EdssAssessment, frame, "record_pk", ["participant_id", "assessment_date"]),))


def vital_signs() -> Dumped:
    """Vital signs and the weight taken at the same visit, as one row."""
    vitals = _query(VitalSigns, "vital_signs", {"visit_pk": "visit_id", "week": "visit__week", "vitals_on": "measured_on",
                                                "systolic_bp": "systolic_bp", "diastolic_bp": "diastolic_bp", "pulse": "heart_rate",
                                                "temperature_c": "temperature_c"})
    weights = _query(Weight, "vital_signs", {"visit_pk": "visit_id", "week": "visit__week", "weighed_on": "measured_on", "weight_kg": "weight_kg"})
    frame = vitals.rename({"record_pk": "vitals_pk"}).join(
        weights.rename({"record_pk": "weight_pk"}), on=["participant_id", "visit_pk", "week"], how="full", coalesce=True, nulls_equal=True)
    frame = frame.with_columns(assessment_date=pl.coalesce("vitals_on", "weighed_on"))
    key = ["participant_id", "assessment_date"]
    return Dumped("vital_signs", ordered(frame, "vital_signs"),
                  (source(VitalSigns, frame, "vitals_pk", key), source(Weight, frame, "weight_pk", key)))


def labs() -> Dumped:
    frame = _query(Labs, "labs", {"week": "visit__week", "sample_date": "sampled_on", "wbc": "wbc", "egfr": "egfr"})
    return Dumped("labs", ordered(frame, "labs"), (source(Labs, frame, "record_pk", ["participant_id", "sample_date"]),))


def infusions(protocol: Protocol, sequences: pl.DataFrame | None) -> Dumped:
    """One row per participant and treatment period (the period whose dosing week the visit is; the
    week-24 visit closes period 1 in the schedule but doses period 2): the infusion form at the dosing visit and the bedside
    record of the cell-product chain, whichever exist. The bag's code is the chain's when it has
    one (scanned and checked at the bedside). Unblinded only (`sequences` given): which
    intervention was given (the bag's content, from the bedside record or the code typed on the
    form; else the intervention the allocated sequence puts in that period), and cells per kg
    (the form's prescribed dose for an active intervention, 0 for placebo)."""
    dosing = {p.number: p.dosing_week for p in protocol.periods if p.dosing_week is not None}
    forms = _query(Infusion, "infusions", {"week": "visit__week", "form_date": "infused_on", "form_code": "product_code", "dose_per_kg": "dose_per_kg"})
    forms = forms.with_columns(period=pl.col("week").replace_strict({w: n for n, w in dosing.items()}, default=None, return_dtype=pl.Int64))
    unblinded = sequences is not None
    bedside_fields = ["participant__code", "pk", "period", "at", "participant__site__timezone", "bag__code"] + (["bag__content"] if unblinded else [])
    bedside = [(code, pk, period, local_date(at, zone), bag, *rest) for code, pk, period, at, zone, bag, *rest
               in BedsideInfusion.objects.filter(**RANDOMISED).values_list(*bedside_fields)]
    names = ["participant_id", "bedside_pk", "period", "bedside_date", "bag_code"] + (["bag_content"] if unblinded else [])
    frame = forms.rename({"record_pk": "form_pk"}).join(
        rows_frame(bedside, schema_of("infusions", names)), on=["participant_id", "period"], how="full", coalesce=True)
    frame = frame.with_columns(
        week=pl.coalesce("week", pl.col("period").replace_strict(dosing, default=None, return_dtype=pl.Int64)),
        infusion_date=pl.coalesce("form_date", "bedside_date"),
        product_code=pl.coalesce("bag_code", "form_code"),
    )
    if sequences is not None:
        frame = _product_identity(frame.join(sequences, on="participant_id", how="left"), protocol)
    key = ["participant_id", "week"]
    return Dumped("infusions", ordered(frame, "infusions"),
                  (source(Infusion, frame, "form_pk", key), source(BedsideInfusion, frame, "bedside_pk", key)))


def _product_identity(frame: pl.DataFrame, protocol: Protocol) -> pl.DataFrame:
    typed = {c: normalise_product_code(c) for c in frame["form_code"].drop_nulls().unique().to_list()}
    contents = dict(Bag.objects.filter(code__in=set(typed.values())).values_list("code", "content"))
    by_form = {typed_code: contents.get(code) for typed_code, code in typed.items()}
    inactive = [i.id for i in protocol.interventions if not i.active]
    allocated = pl.DataFrame([(arm.id, period, given) for arm in protocol.arms for period, given in enumerate(arm.interventions, start=1)],
                             schema={"sequence": pl.String(), "period": pl.Int64(), "allocated": pl.String()}, orient="row")
    frame = frame.join(allocated, on=["sequence", "period"], how="left").with_columns(
        product=pl.coalesce("bag_content", pl.col("form_code").replace_strict(by_form, default=None, return_dtype=pl.String), "allocated"))
    return frame.with_columns(
        cells_per_kg=pl.when(pl.col("product").is_in(inactive)).then(pl.lit(0.0)).otherwise(pl.col("dose_per_kg")))
