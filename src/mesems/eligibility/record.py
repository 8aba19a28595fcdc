"""The candidate record that `mesems screen` reads (DESIGN.md, "mesems screen").

A field that is absent or null is unknown, and a criterion that needs it is unknown, never met.
Everything else must be right: a wrong type, an unknown key (a misspelt key must not pass as
unknown), an EDSS off the scale's steps, a negative eGFR or an impossible date is refused with
the field named, all problems at once, so a form can put each message at its field and the API
can list them in its 422 answer.

Dates are ISO `YYYY-MM-DD`. A therapy without `stop` is ongoing and counts as taken on the
planned randomisation date; a `stop` after that date is read the same way (a planned stop).
`consent` records whether the candidate is able to give written informed consent under the
ethics committee's rules (exclusion 14).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    ValidationError,
)

from mesems.clinical.edss import check_edss
from mesems.errors import ClinicalError, EligibilityError
from mesems.protocol.loading import format_path

MalignancyKind = Literal[
    "none",
    "basal_cell",
    "carcinoma_in_situ_remission_over_1y",
    "carcinoma_in_situ_remission_1y_or_less",
    "other",
]
MALIGNANCY_KINDS: tuple[str, ...] = get_args(MalignancyKind)
"""What `malignancy_history` may say: none; basal-cell skin carcinoma; carcinoma in situ in
remission for more than a year, or for a year or less; any other malignancy."""

FlagField = Literal[
    "active_infection",
    "hiv",
    "hepatitis_b",
    "hepatitis_c",
    "life_limiting_comorbidity",
    "haematological_disease",
    "wbc_abnormal",
    "renal_failure",
]
"""The yes/no items that, answered yes, exclude (exclusions 4, 10, 11, 13)."""

FLAG_LABELS: dict[str, str] = {
    "active_infection": "active or chronic infection",
    "hiv": "HIV-1/2",
    "hepatitis_b": "chronic hepatitis B",
    "hepatitis_c": "chronic hepatitis C",
    "life_limiting_comorbidity": "disease severely limiting life expectancy",
    "haematological_disease": "myelodysplasia or past haematological disease",
    "wbc_abnormal": "clinically relevant abnormal white-cell count",
    "renal_failure": "known renal failure",
}

MsCourse = Literal["RR", "SP", "PP"]
COURSE_NAMES: dict[str, str] = {"RR": "RRMS", "SP": "SPMS", "PP": "PPMS"}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: object) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError(f"expected a date as YYYY-MM-DD, got {_shown(value)}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value} is not a calendar date") from None


def _edss_step(value: float) -> float:
    try:
        return check_edss(value)
    except ClinicalError:
        raise ValueError(f"{value:g} is not an EDSS step; expected 0 or 1.0 to 10 in steps of 0.5") from None


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
Edss = Annotated[StrictFloat, AfterValidator(_edss_step)]
Flag = StrictBool | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EdssMeasurement(_Strict):
    date: IsoDate
    value: Edss


class MriScan(_Strict):
    date: IsoDate
    gel: Annotated[StrictInt, Field(ge=0)]


class Therapy(_Strict):
    drug: Annotated[str, Field(min_length=1, strict=True)]
    start: IsoDate | None = None
    stop: IsoDate | None = None


class CandidateRecord(_Strict):
    """A candidate as entered at screening; None is unknown."""

    id: Annotated[str, Field(strict=True)] | None = None
    birth_date: IsoDate | None = None
    sex: Literal["F", "M"] | None = None
    ms_course: MsCourse | None = None
    ms_onset_date: IsoDate | None = None
    planned_randomisation_date: IsoDate | None = None
    edss: Edss | None = None
    edss_history: list[EdssMeasurement] | None = None
    relapses: list[IsoDate] | None = None
    mri: list[MriScan] | None = None
    csf_oligoclonal_bands: Flag = None
    therapies: list[Therapy] | None = None
    active_infection: Flag = None
    hiv: Flag = None
    hepatitis_b: Flag = None
    hepatitis_c: Flag = None
    malignancy_history: MalignancyKind | None = None
    life_limiting_comorbidity: Flag = None
    haematological_disease: Flag = None
    wbc_abnormal: Flag = None
    pregnant: Flag = None
    uses_contraception: Flag = None
    egfr: Annotated[StrictFloat, Field(ge=0, allow_inf_nan=False)] | None = None
    renal_failure: Flag = None
    can_have_mri: Flag = None
    consent: Flag = None


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class CandidateRecordError(EligibilityError):
    """A candidate record with wrong fields; `problems` lists each one with its field."""

    code = "invalid_candidate"

    def __init__(self, problems: list[FieldProblem]) -> None:
        first = problems[0]
        more = (
            f" (and {len(problems) - 1} more: {', '.join(p.field for p in problems[1:])})"
            if len(problems) > 1
            else ""
        )
        super().__init__(f"{first}{more}", field=first.field)
        self.problems = problems


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _pydantic_problems(error: ValidationError) -> list[FieldProblem]:
    problems = []
    for item in error.errors():
        loc = tuple(
            p for p in item["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-")))
        )
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown field (not part of the candidate record)"
        elif item["type"] == "missing":
            message = "is required"
        elif item["type"] != "value_error":
            message = f"{message[0].lower()}{message[1:]}, got {_shown(item['input'])}"
        problems.append(FieldProblem(format_path(loc) or "record", message))
    return problems


def _dated_events(record: CandidateRecord) -> Iterator[tuple[str, dt.date]]:
    for i, day in enumerate(record.relapses or ()):
        yield f"relapses[{i}]", day
    for i, scan in enumerate(record.mri or ()):
        yield f"mri[{i}].date", scan.date
    for i, measurement in enumerate(record.edss_history or ()):
        yield f"edss_history[{i}].date", measurement.date
    for i, therapy in enumerate(record.therapies or ()):
        if therapy.start is not None:
            yield f"therapies[{i}].start", therapy.start


def date_problems(record: CandidateRecord) -> list[FieldProblem]:
    """Impossible dates: a birth, onset or past event after the planned randomisation date,
    anything before birth, onset before birth, a therapy that stops before it starts."""
    problems = []
    birth, randomisation = record.birth_date, record.planned_randomisation_date
    dated = [("ms_onset_date", record.ms_onset_date)] if record.ms_onset_date else []
    dated += list(_dated_events(record))
    if birth and randomisation and birth > randomisation:
        problems.append(
            FieldProblem("birth_date", f"{birth} is after planned_randomisation_date {randomisation}")
        )
    for field, day in dated:
        if randomisation and day > randomisation:
            problems.append(FieldProblem(field, f"{day} is after planned_randomisation_date {randomisation}"))
        if birth and day < birth:
            problems.append(FieldProblem(field, f"{day} is before birth_date {birth}"))
    for i, therapy in enumerate(record.therapies or ()):
        if therapy.stop is not None and therapy.start is not None and therapy.stop < therapy.start:
            problems.append(
                FieldProblem(f"therapies[{i}].stop", f"{therapy.stop} is before its start {therapy.start}")
            )
    return problems


def parse_candidate(data: Any) -> CandidateRecord:
    """A checked candidate record from decoded JSON (or a form's dict); CandidateRecordError otherwise."""
    if not isinstance(data, dict):
        raise CandidateRecordError(
            [FieldProblem("record", f"expected a JSON object, got {type(data).__name__}")]
        )
    try:
        record = CandidateRecord.model_validate(data)
    except ValidationError as exc:
        raise CandidateRecordError(_pydantic_problems(exc)) from None
    problems = date_problems(record)
    if problems:
        raise CandidateRecordError(problems)
    return record


def parse_candidate_json(text: str, source: str = "candidate record") -> CandidateRecord:
    """A checked candidate record from JSON text."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EligibilityError(
            f"{source} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}", field="record"
        ) from None
    return parse_candidate(data)
