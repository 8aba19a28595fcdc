"""Where each flat table sits in an ODM 1.3.2 file; shared by the writer and the importer.

- One FormDef with one repeating ItemGroupDef per table (`F.EDSS` / `IG.EDSS`); one ItemDef per
  column (`IT.EDSS.EDSS`), so every column travels and the import needs no guessing.
- StudyEventDefs: one per protocol visit (`SE.W00` ... `SE.W48`, Scheduled), `SE.UNSCHEDULED`
  (Unscheduled, repeating, keyed by the visit date) and `SE.TRIAL` (Common) for logs that belong
  to no visit: baseline characteristics, adverse events, relapses, medications, history,
  disposition, deviations.
- A visit form's row goes to the protocol visit of its week when the protocol collects that form
  there (the visit's assessments), otherwise to the unscheduled visit of its date.
- The screening log is ReferenceData: most of its rows are candidates who never became subjects.
- The audit trail becomes AuditRecords: the latest one of each row inside its ItemGroupData, the
  earlier ones in ClinicalData's AuditRecords; each carries its row in SourceID (see `audit.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from mesems.exports.tables import TABLES, TableSpec
from mesems.protocol import Protocol

NS = "http://www.cdisc.org/ns/odm/v1.3"
TRIAL_EVENT = "SE.TRIAL"
UNSCHEDULED_EVENT = "SE.UNSCHEDULED"
REFERENCE_TABLES = ("screening",)
AUDIT_TABLE = "audit_trail"

ASSESSMENT_FORMS: dict[str, tuple[str, ...]] = {
    "vitals": ("vital_signs",),
    "weight": ("vital_signs",),
    "labs": ("labs",),
    "mri_gel": ("mri", "gel"),
    "mri_t2": ("mri",),
    "edss": ("edss",),
    "infusion": ("infusions",),
}
"""Protocol assessments (schedule.assessments ids) and the tables that record them."""

VISIT_DATE: dict[str, tuple[str, ...]] = {
    "visits": ("actual_date", "planned_date", "visit_id"),
    "gel": ("week",),
    "mri": ("scan_date",),
    "edss": ("assessment_date",),
    "infusions": ("infusion_date",),
    "vital_signs": ("assessment_date",),
    "labs": ("sample_date",),
}
"""Visit forms and the column (first non-empty) that keys their unscheduled visit."""


def form_oid(table: str) -> str:
    return f"F.{table.upper()}"


def group_oid(table: str) -> str:
    return f"IG.{table.upper()}"


def item_oid(table: str, column: str) -> str:
    return f"IT.{table.upper()}.{column.upper()}"


def event_oid(visit_id: str) -> str:
    return f"SE.{visit_id}"


def user_oid(user_id: str) -> str:
    return f"USR.{user_id}"


def location_oid(site_id: str) -> str:
    return f"LOC.{site_id}"


@dataclass(frozen=True)
class EventLayout:
    oid: str
    name: str
    kind: str
    repeating: bool
    forms: tuple[str, ...]
    week: int | None = None


def clinical_tables() -> list[str]:
    """Tables that become subjects' FormData, in contract order."""
    return [t for t in TABLES if t not in REFERENCE_TABLES and t != AUDIT_TABLE]


def visit_tables() -> list[str]:
    return [t for t in clinical_tables() if t in VISIT_DATE]


def events(protocol: Protocol) -> list[EventLayout]:
    """The StudyEventDefs, in protocol order: scheduled visits, the unscheduled visit, the trial forms."""
    laid_out = []
    for visit in protocol.schedule.visits:
        wanted = {"visits"} | {t for a in visit.assessments for t in ASSESSMENT_FORMS.get(a, ())}
        forms = tuple(t for t in visit_tables() if t in wanted)
        laid_out.append(EventLayout(event_oid(visit.id), visit.name, "Scheduled", False, forms, visit.week))
    laid_out.append(EventLayout(UNSCHEDULED_EVENT, "Unscheduled visit", "Unscheduled", True, tuple(visit_tables())))
    common = tuple(t for t in clinical_tables() if t not in VISIT_DATE)
    laid_out.append(EventLayout(TRIAL_EVENT, "Trial-level forms", "Common", False, common))
    return laid_out


def spec(table: str) -> TableSpec:
    return TABLES[table]
