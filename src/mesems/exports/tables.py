"""The trial's flat tables: one contract shared by the simulator (writes), the analysis (reads),
the database export (writes) and the CDISC exports (read).

A column marked `unblinded` reveals allocation; blinded exports leave it out. Dates are ISO
8601 (`YYYY-MM-DD`); booleans are `true`/`false`; an empty cell is a missing value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DType = Literal["str", "int", "float", "bool", "date"]


@dataclass(frozen=True)
class Column:
    name: str
    dtype: DType
    description: str
    unblinded: bool = False
    required: bool = True


@dataclass(frozen=True)
class TableSpec:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def blinded_columns(self) -> list[str]:
        return [c.name for c in self.columns if not c.unblinded]


def _c(name: str, dtype: DType, description: str, *, unblinded: bool = False, required: bool = True) -> Column:
    return Column(name, dtype, description, unblinded, required)


PID = _c("participant_id", "str", "participant identifier, e.g. SE-KAR-0001")

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        TableSpec(
            "screening",
            "One row per screened candidate: the screening log that feeds the CONSORT diagram.",
            (
                _c("screening_id", "str", "screening number"),
                _c("site_id", "str", "site"),
                _c("screened_date", "date", "date of the screening decision"),
                _c("protocol_version", "str", "eligibility version applied"),
                _c("eligible", "str", "eligible, not_eligible or unknown"),
                _c("failed_criteria", "str", "ids of criteria not met, separated by ';'", required=False),
                _c("consented", "bool", "written informed consent recorded"),
                _c("withdrawn_before_randomisation", "bool", "left after consent, before randomisation"),
                _c("participant_id", "str", "participant id once randomised", required=False),
            ),
            ("screening_id",),
        ),
        TableSpec(
            "participants",
            "One row per randomised participant, with baseline characteristics.",
            (
                PID,
                _c("site_id", "str", "site"),
                _c("randomisation_number", "str", "e.g. R-0042"),
                _c("randomisation_date", "date", "date of week 0"),
                _c("sequence", "str", "MSC-placebo or placebo-MSC", unblinded=True),
                _c("ms_course", "str", "RR, SP or PP"),
                _c("sex", "str", "F or M"),
                _c("age", "int", "age in years at randomisation"),
                _c("disease_duration_years", "float", "years from onset to randomisation"),
                _c("baseline_edss", "float", "EDSS at week 0"),
                _c("baseline_gel", "int", "GEL at the week-0 scan", required=False),
                _c("relapses_prior_12m", "int", "relapses in the 12 months before randomisation", required=False),
                _c("weight_kg", "float", "weight at week 0", required=False),
            ),
            ("participant_id",),
        ),
        TableSpec(
            "visits",
            "One row per scheduled visit and unscheduled visit.",
            (
                PID,
                _c("visit_id", "str", "protocol visit id (W00 ... W48) or U01... for unscheduled"),
                _c("week", "int", "protocol week (empty for unscheduled)", required=False),
                _c("period", "int", "treatment period 1 or 2"),
                _c("planned_date", "date", "target date", required=False),
                _c("actual_date", "date", "date done", required=False),
                _c("status", "str", "done, missed, upcoming"),
                _c("out_of_window", "bool", "done outside its window (a protocol deviation)"),
            ),
            ("participant_id", "visit_id"),
        ),
        TableSpec(
            "gel",
            "One row per MRI scan done: the `analyse gel` input (DESIGN.md contract).",
            (
                PID,
                _c("sequence", "str", "MSC-placebo or placebo-MSC", unblinded=True),
                _c("week", "int", "0, 4, 12, 24, 28, 36 or 48"),
                _c("gel", "int", "count of gadolinium-enhancing lesions"),
            ),
            ("participant_id", "week"),
        ),
        TableSpec(
            "mri",
            "One row per MRI read.",
            (
                PID,
                _c("week", "int", "protocol week"),
                _c("scan_date", "date", "date of the scan"),
                _c("gel", "int", "gadolinium-enhancing lesions"),
                _c("new_t2", "int", "new or enlarging T2 lesions (weeks 24 and 48)", required=False),
                _c("t2_volume_ml", "float", "T2 lesion volume in mL", required=False),
                _c("black_holes", "int", "T1 black holes", required=False),
            ),
            ("participant_id", "week"),
        ),
        TableSpec(
            "edss",
            "One row per EDSS assessment.",
            (
                PID,
                _c("week", "int", "protocol week; empty at an unscheduled visit", required=False),
                _c("assessment_date", "date", "date of the assessment"),
                _c("edss", "float", "EDSS on its valid steps"),
                _c("fs_pyramidal", "int", "Kurtzke functional system: pyramidal (0-6)", required=False),
                _c("fs_cerebellar", "int", "Kurtzke functional system: cerebellar (0-5)", required=False),
                _c("fs_brainstem", "int", "Kurtzke functional system: brainstem (0-5)", required=False),
                _c("fs_sensory", "int", "Kurtzke functional system: sensory (0-6)", required=False),
                _c("fs_bowel_bladder", "int", "Kurtzke functional system: bowel and bladder (0-6)", required=False),
                _c("fs_visual", "int", "Kurtzke functional system: visual or optic (0-6)", required=False),
                _c("fs_cerebral", "int", "Kurtzke functional system: cerebral or mental (0-5)", required=False),
                _c("fs_other", "int", "Kurtzke functional system: other (0-1)", required=False),
            ),
            ("participant_id", "assessment_date"),
        ),
        TableSpec(
            "relapses",
            "One row per relapse after randomisation.",
            (
                PID,
                _c("onset_date", "date", "onset of the relapse"),
                _c("period", "int", "treatment period in which it began"),
                _c("confirmed", "bool", "confirmed by an EDSS change at an unscheduled visit"),
            ),
            ("participant_id", "onset_date"),
        ),
        TableSpec(
            "adverse_events",
            "One row per adverse event.",
            (
                PID,
                _c("ae_id", "str", "event identifier"),
                _c("term", "str", "verbatim term"),
                _c("soc", "str", "MedDRA system organ class"),
                _c("pt", "str", "MedDRA preferred term"),
                _c("grade", "int", "CTCAE grade 1-5"),
                _c("serious", "bool", "serious adverse event"),
                _c("related", "bool", "related to study treatment (investigator)"),
                _c("expected", "bool", "expected per the reference safety information"),
                _c("infusion_reaction", "bool", "an infusion reaction"),
                _c("start_date", "date", "onset"),
                _c("stop_date", "date", "resolution", required=False),
                _c("period", "int", "treatment period in which it started"),
                _c("outcome", "str", "recovered, recovering, not_recovered, recovered_with_sequelae, fatal, unknown"),
            ),
            ("ae_id",),
        ),
        TableSpec(
            "infusions",
            "One row per infusion given.",
            (
                PID,
                _c("week", "int", "0 or 24"),
                _c("period", "int", "1 or 2"),
                _c("infusion_date", "date", "date given"),
                _c("product_code", "str", "blinded product code"),
                _c("product", "str", "MSC or PLACEBO", unblinded=True),
                _c("cells_per_kg", "float", "cells per kg given (0 for placebo)", unblinded=True),
            ),
            ("participant_id", "week"),
        ),
        TableSpec(
            "disposition",
            "One row per randomised participant: how their participation ended.",
            (
                PID,
                _c("status", "str", "completed, withdrawn, lost_to_follow_up or ongoing"),
                _c("last_visit_week", "int", "week of the last visit done"),
                _c("end_date", "date", "date of completion or withdrawal", required=False),
                _c("reason", "str", "reason for withdrawal", required=False),
            ),
            ("participant_id",),
        ),
        TableSpec(
            "deviations",
            "One row per protocol deviation.",
            (
                PID,
                _c("deviation_id", "str", "identifier"),
                _c("category", "str", "visit_window, eligibility, dosing, procedure, consent, other"),
                _c("description", "str", "what happened"),
                _c("found_date", "date", "date found"),
                _c("visit_id", "str", "linked visit", required=False),
            ),
            ("deviation_id",),
        ),
        TableSpec(
            "vital_signs",
            "One row per visit at which vital signs were taken.",
            (
                PID,
                _c("week", "int", "protocol week; empty at an unscheduled visit", required=False),
                _c("assessment_date", "date", "date taken"),
                _c("systolic_bp", "int", "systolic blood pressure, mmHg", required=False),
                _c("diastolic_bp", "int", "diastolic blood pressure, mmHg", required=False),
                _c("pulse", "int", "pulse rate, beats/min", required=False),
                _c("temperature_c", "float", "body temperature, degrees Celsius", required=False),
                _c("weight_kg", "float", "body weight, kg (the dosing weight at infusion visits)", required=False),
            ),
            ("participant_id", "assessment_date"),
        ),
        TableSpec(
            "labs",
            "One row per blood sample: the safety laboratory values the protocol asks for.",
            (
                PID,
                _c("week", "int", "protocol week; empty at an unscheduled visit", required=False),
                _c("sample_date", "date", "date the sample was taken"),
                _c("wbc", "float", "white-cell count, 10^9/L", required=False),
                _c("creatinine", "float", "serum creatinine, umol/L", required=False),
                _c("egfr", "float", "estimated glomerular filtration rate, mL/min/1.73 m2", required=False),
            ),
            ("participant_id", "sample_date"),
        ),
        TableSpec(
            "concomitant_medications",
            "One row per medication taken during the trial or in the year before screening.",
            (
                PID,
                _c("cm_id", "str", "medication record identifier"),
                _c("drug", "str", "drug as written by the clinician"),
                _c("drug_class", "str", "class the screen maps it to, e.g. corticosteroid", required=False),
                _c("indication", "str", "why it was given", required=False),
                _c("start_date", "date", "first dose", required=False),
                _c("stop_date", "date", "last dose; empty while ongoing", required=False),
                _c("ongoing", "bool", "still taken at the last visit"),
            ),
            ("cm_id",),
        ),
        TableSpec(
            "medical_history",
            "One row per past or current condition recorded at screening, other than MS itself.",
            (
                PID,
                _c("mh_id", "str", "medical history record identifier"),
                _c("term", "str", "condition as written"),
                _c("start_date", "date", "onset (may be approximate)", required=False),
                _c("ongoing", "bool", "present at screening"),
            ),
            ("mh_id",),
        ),
        TableSpec(
            "audit_trail",
            "One row per recorded action on a row of another table: who, when, where and why (ODM AuditRecords).",
            (
                _c("audit_id", "str", "identifier of the audit record, unique in the trial"),
                _c("participant_id", "str", "participant whose data changed; empty for trial-level rows", required=False),
                _c("table_name", "str", "table of the row that changed, e.g. edss"),
                _c("record_key", "str", "key of that row: its key columns in order, joined by '|'"),
                _c("action", "str", "created, updated or deleted"),
                _c("user_id", "str", "who did it (login name)"),
                _c("user_role", "str", "their role at the time", required=False),
                _c("site_id", "str", "where: the site (or SPONSOR for central staff)"),
                _c("changed_at", "str", "when: ISO 8601 date-time with offset, e.g. 2014-03-02T10:15:00+01:00"),
                _c("reason", "str", "reason for change (required for updates)", required=False),
            ),
            ("audit_id",),
        ),
    )
}
