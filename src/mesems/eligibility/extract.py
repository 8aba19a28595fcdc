"""The flat registry extract that `mesems prescreen` reads: one row a patient, one value a cell.

A registry holds histories (every relapse, scan, therapy course); pre-screening needs only what
the criteria ask of them, counted back from the planned randomisation date. The columns below
are that summary, and two functions fix its meaning exactly:

- `flatten_record` turns a candidate record into its row (what a registry export must compute);
- `candidate_from_row` turns a valid row back into a candidate record that the per-record
  engine judges exactly as `prescreen` judges the row. A row is valid when such a record
  exists; `prescreen` refuses rows that are not (see `prescreen.row_problems`).

Therapies are summarised per drug class (`drugs.DrugClass`, plus `unclassified` for names no
class matched): the last day taken of a course that stopped before the planned randomisation
date, and whether a course is ongoing then (no stop date, or a stop after it). Exposure to the
approved therapies of inclusion 1 (interferon-beta, glatiramer, natalizumab, mitoxantrone,
fingolimod) is the number of days covered by their courses with a known start, overlapping
courses counted once, start and stop days included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from mesems.eligibility.drugs import DrugClass
from mesems.eligibility.lookback import exposure_days, months_before
from mesems.eligibility.record import FLAG_LABELS, CandidateRecord, EdssMeasurement, MriScan, Therapy
from mesems.eligibility.therapy import Course, therapy_courses
from mesems.errors import EligibilityError
from mesems.exports.tables import Column, DType, TableSpec

EDSS_LOOKBACK_MONTHS = 12
"""`edss_lowest_12m` looks back this many months; a protocol asking another look-back cannot be pre-screened."""

APPROVED_CLASSES: tuple[DrugClass, ...] = (
    DrugClass.INTERFERON_BETA,
    DrugClass.GLATIRAMER,
    DrugClass.NATALIZUMAB,
    DrugClass.MITOXANTRONE,
    DrugClass.FINGOLIMOD,
)
"""The approved therapies whose exposure `approved_therapy_days` counts (inclusion 1a/1b)."""

THERAPY_GROUPS: tuple[str, ...] = (*(str(c) for c in DrugClass), "unclassified")

SYNTHETIC_DRUG: dict[str, str] = {
    "interferon_beta": "interferon beta-1a",
    "glatiramer": "glatiramer acetate",
    "natalizumab": "natalizumab",
    "fingolimod": "fingolimod",
    "mitoxantrone": "mitoxantrone",
    "other_immunosuppressant": "azathioprine",
    "corticosteroid": "methylprednisolone",
    "unclassified": "unclassified drug",
}
"""The drug name `candidate_from_row` writes for a course of each group."""


def _c(name: str, dtype: DType, description: str) -> Column:
    return Column(name, dtype, description, required=False)


def _therapy_columns() -> tuple[Column, ...]:
    columns: list[Column] = []
    for group in THERAPY_GROUPS:
        what = "a drug no class matched" if group == "unclassified" else group.replace("_", " ")
        columns.append(
            _c(
                f"{group}_last_date",
                "date",
                f"last day of the latest course of {what} that stopped before the planned randomisation date",
            )
        )
        columns.append(
            _c(f"{group}_ongoing", "bool", f"a course of {what} is ongoing on the planned randomisation date")
        )
    return tuple(columns)


EXTRACT = TableSpec(
    "registry_extract",
    "One row per registry patient for `mesems prescreen`; an empty cell is unknown.",
    (
        Column("id", "str", "patient identifier"),
        _c("birth_date", "date", "date of birth"),
        _c("sex", "str", "F or M"),
        _c("ms_course", "str", "RR, SP or PP"),
        _c("ms_onset_date", "date", "date of MS onset"),
        _c(
            "planned_randomisation_date",
            "date",
            "date the criteria count back from (`--date` fills empty cells)",
        ),
        _c("edss", "float", "EDSS at screening"),
        _c(
            "edss_lowest_12m",
            "float",
            "lowest EDSS recorded on or after the same day 12 months before the planned randomisation date; empty: none",
        ),
        _c(
            "relapse_count",
            "int",
            "relapses recorded up to the planned randomisation date; empty: relapse history unknown",
        ),
        _c("relapse_last_date", "date", "date of the latest relapse"),
        _c("relapse_second_last_date", "date", "date of the relapse before it"),
        _c(
            "mri_count",
            "int",
            "MRI scans recorded up to the planned randomisation date; empty: MRI history unknown",
        ),
        _c("mri_last_date", "date", "date of the latest MRI"),
        _c("gel_last_positive_date", "date", "date of the latest MRI with at least one GEL"),
        _c("csf_oligoclonal_bands", "bool", "CSF oligoclonal bands positive"),
        _c(
            "therapy_history_known",
            "bool",
            "true when the therapy history is known (even if empty); otherwise every therapy column is empty",
        ),
        _c(
            "approved_therapy_days",
            "int",
            "days covered by courses of the approved therapies with a known start, overlaps counted once",
        ),
        _c("approved_therapy_start_unknown", "bool", "a course of an approved therapy has no start date"),
        *_therapy_columns(),
        *(_c(name, "bool", label) for name, label in FLAG_LABELS.items() if name != "renal_failure"),
        _c(
            "malignancy_history",
            "str",
            "none, basal_cell, carcinoma_in_situ_remission_over_1y, carcinoma_in_situ_remission_1y_or_less or other",
        ),
        _c("pregnant", "bool", "pregnant"),
        _c("uses_contraception", "bool", "willing to use effective contraception during the study"),
        _c("egfr", "float", "eGFR, mL/min/1.73 m2"),
        _c("renal_failure", "bool", FLAG_LABELS["renal_failure"]),
        _c("can_have_mri", "bool", "able to have an MRI"),
        _c("consent", "bool", "able to give written informed consent"),
    ),
    key=("id",),
)

_PLAIN = (
    "birth_date",
    "sex",
    "ms_course",
    "ms_onset_date",
    "planned_randomisation_date",
    "edss",
    "csf_oligoclonal_bands",
    *FLAG_LABELS,
    "malignancy_history",
    "pregnant",
    "uses_contraception",
    "egfr",
    "can_have_mri",
    "consent",
)


def _group(course: Course) -> str:
    return str(course.drug_class) if course.drug_class is not None else "unclassified"


def flatten_record(record: CandidateRecord) -> dict[str, Any]:
    """The extract row of a candidate record (its planned randomisation date must be known)."""
    day = record.planned_randomisation_date
    if day is None:
        raise EligibilityError(
            "a record needs planned_randomisation_date to be summarised as an extract row",
            field="planned_randomisation_date",
        )
    row: dict[str, Any] = {name: None for name in EXTRACT.column_names}
    row["id"] = record.id
    row.update({name: getattr(record, name) for name in _PLAIN})
    if record.edss_history is not None:
        first = months_before(day, EDSS_LOOKBACK_MONTHS)
        row["edss_lowest_12m"] = min((m.value for m in record.edss_history if m.date >= first), default=None)
    if record.relapses is not None:
        latest = sorted(record.relapses, reverse=True)
        row.update(
            relapse_count=len(latest),
            relapse_last_date=latest[0] if latest else None,
            relapse_second_last_date=latest[1] if len(latest) > 1 else None,
        )
    if record.mri is not None:
        row["mri_count"] = len(record.mri)
        row["mri_last_date"] = max((s.date for s in record.mri), default=None)
        row["gel_last_positive_date"] = max((s.date for s in record.mri if s.gel >= 1), default=None)
    row["therapy_history_known"] = record.therapies is not None
    if record.therapies is not None:
        courses = therapy_courses(record.therapies, day)
        approved = [c for c in courses if c.drug_class in APPROVED_CLASSES]
        row.update(
            approved_therapy_days=exposure_days((c.start, c.last) for c in approved if c.start is not None),
            approved_therapy_start_unknown=any(c.start is None for c in approved),
        )
        for group in THERAPY_GROUPS:
            mine = [c for c in courses if _group(c) == group]
            row[f"{group}_ongoing"] = any(c.ongoing for c in mine)
            row[f"{group}_last_date"] = max((c.last for c in mine if not c.ongoing), default=None)
    return row


def _ends(row: Mapping[str, Any], group: str, day: dt.date) -> list[dt.date | None]:
    """Stop dates of one course per fact of the row: the stopped course, and an ongoing one (None)."""
    ends: list[dt.date | None] = [row[f"{group}_last_date"]] if row.get(f"{group}_last_date") else []
    return ends + [None] if row.get(f"{group}_ongoing") else ends


def _approved_courses(row: Mapping[str, Any], day: dt.date) -> list[Therapy]:
    """Courses of the approved classes whose union of known-start days is `approved_therapy_days`.

    The course ending last covers the span [end - m + 1, end]; every other course is one day
    (start = stop) or, when a start is unknown anyway, has no start. m is chosen so that the
    span plus the one-day courses before it cover exactly the days of the row.
    """
    courses = [(str(c), end) for c in APPROVED_CLASSES for end in _ends(row, str(c), day)]
    if not courses:
        return []
    effective = [(group, stop, min(stop, day) if stop else day) for group, stop in courses]
    main = max(range(len(effective)), key=lambda i: effective[i][2])
    main_group, main_stop, main_end = effective[main]
    others = [e for i, e in enumerate(effective) if i != main]
    total, unknown = row["approved_therapy_days"], bool(row.get("approved_therapy_start_unknown"))
    therapies = [
        Therapy(drug=SYNTHETIC_DRUG[g], start=None if unknown else end, stop=stop) for g, stop, end in others
    ]
    if total == 0 and unknown:
        return therapies + [Therapy(drug=SYNTHETIC_DRUG[main_group], start=None, stop=main_stop)]
    span = total
    if not unknown:
        for outside in range(len(others) + 1):
            span = total - outside
            if (
                span >= 1
                and len({end for _, _, end in others if end <= main_end - dt.timedelta(days=span)}) == outside
            ):
                break
        else:
            raise EligibilityError(
                f"approved_therapy_days {total} cannot cover the approved courses' last days",
                field="approved_therapy_days",
            )
    therapies.append(
        Therapy(drug=SYNTHETIC_DRUG[main_group], start=main_end - dt.timedelta(days=span - 1), stop=main_stop)
    )
    if unknown:
        therapies.append(Therapy(drug=SYNTHETIC_DRUG[main_group], start=None, stop=main_stop))
    return therapies


def candidate_from_row(row: Mapping[str, Any]) -> CandidateRecord:
    """A candidate record that the per-record engine judges as `prescreen` judges the (valid) row."""
    day = row["planned_randomisation_date"]
    data: dict[str, Any] = {"id": row.get("id"), **{name: row.get(name) for name in _PLAIN}}
    if row.get("edss_lowest_12m") is not None:
        data["edss_history"] = [EdssMeasurement(date=day, value=row["edss_lowest_12m"])]
    count = row.get("relapse_count")
    if count is not None:
        data["relapses"] = ([row["relapse_last_date"]] if count else []) + [
            row["relapse_second_last_date"]
        ] * max(count - 1, 0)
    scans = row.get("mri_count")
    if scans is not None:
        last, positive = row["mri_last_date"], row.get("gel_last_positive_date")
        mri = [MriScan(date=positive, gel=1)] if positive is not None else []
        data["mri"] = mri + [MriScan(date=last, gel=0) for _ in range(scans - len(mri))]
    if row.get("therapy_history_known"):
        therapies = _approved_courses(row, day)
        for group in ("other_immunosuppressant", "corticosteroid", "unclassified"):
            therapies += [
                Therapy(drug=SYNTHETIC_DRUG[group], start=min(stop, day) if stop else day, stop=stop)
                for stop in _ends(row, group, day)
            ]
        data["therapies"] = therapies
    return CandidateRecord.model_validate(data)
