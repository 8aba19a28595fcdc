"""The log tables: relapses, adverse events, concomitant medications and protocol deviations.

Rows of a log are named by their form's database id (`AE-000123`), so a row keeps its name from
one export to the next and the audit trail can point at it.
"""

from __future__ import annotations

import polars as pl

from mesems.clinical.ae import RELATED
from mesems.web.apps.datasets.frames import RANDOMISED, Dumped, ordered, rows_frame, schema_of, source
from mesems.web.apps.safety.models import AdverseEvent, SeriousAdverseEvent
from mesems.web.apps.visits.models import ConMed, ProtocolDeviation, Relapse

INFUSION_REACTION_PT = "Infusion related reaction"
"""The MedDRA preferred term (10051792) that marks an adverse event as an infusion reaction."""


def _log(model: type, table: str, fields: dict[str, str]) -> pl.DataFrame:
    rows = model.objects.filter(**RANDOMISED).values_list("participant__code", "pk", *fields.values())
    return rows_frame(list(rows), schema_of(table, ["participant_id", "record_pk", *fields]))


def _named(frame: pl.DataFrame, column: str, prefix: str) -> pl.DataFrame:
    return frame.with_columns((pl.lit(prefix) + pl.col("record_pk").cast(pl.String).str.zfill(6)).alias(column))


def relapses() -> Dumped:
    frame = _log(Relapse, "relapses", {"onset_date": "onset_date", "period": "period", "confirmed": "confirmed"})
    return Dumped("relapses", ordered(frame, "relapses"), (source(Relapse, frame, "record_pk", ["participant_id", "onset_date"]),))


def adverse_events() -> Dumped:
    """Related: causality possible or more (ICH E2A, `mesems.clinical.ae.RELATED`)."""
    fields = {"term": "term", "soc": "soc", "pt": "pt", "grade": "grade", "serious": "serious", "causality": "causality",
              "expected": "expected", "start_date": "start_date", "stop_date": "stop_date", "period": "period", "outcome": "outcome"}
    frame = _named(_log(AdverseEvent, "adverse_events", fields), "ae_id", "AE-").with_columns(
        related=pl.when(pl.col("causality").is_null()).then(None).otherwise(pl.col("causality").is_in([c.value for c in RELATED])),
        infusion_reaction=pl.col("pt").fill_null("") == INFUSION_REACTION_PT,
    )
    reports = rows_frame(list(SeriousAdverseEvent.objects.filter(**RANDOMISED).values_list("adverse_event_id", "pk")),
                         {"record_pk": pl.Int64(), "report_pk": pl.Int64()})
    key = ["ae_id"]
    return Dumped("adverse_events", ordered(frame, "adverse_events"),
                  (source(AdverseEvent, frame, "record_pk", key), source(SeriousAdverseEvent, frame.join(reports, on="record_pk"), "report_pk", key)))


def concomitant_medications() -> Dumped:
    fields = {"drug": "drug", "drug_class": "drug_class", "indication": "indication", "start_date": "start_date",
              "stop_date": "stop_date", "ongoing": "ongoing"}
    frame = _named(_log(ConMed, "concomitant_medications", fields), "cm_id", "CM-")
    return Dumped("concomitant_medications", ordered(frame, "concomitant_medications"), (source(ConMed, frame, "record_pk", ["cm_id"]),))


def deviations() -> Dumped:
    fields = {"category": "category", "description": "description", "found_date": "found_on", "visit_id": "visit__code"}
    frame = _named(_log(ProtocolDeviation, "deviations", fields), "deviation_id", "DV-")
    return Dumped("deviations", ordered(frame, "deviations"), (source(ProtocolDeviation, frame, "record_pk", ["deviation_id"]),))
