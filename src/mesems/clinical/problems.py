"""Problems with a record, each at its field, collected in one pass so a form shows them all.

The clinical checks return lists of `Problem`; a boundary shows them (a Django form puts each at
its field, the API answers 422 with one entry per field). `InvalidRecord` carries them as one
error when a service refuses a record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mesems.errors import ClinicalError


@dataclass(frozen=True)
class Problem:
    field: str | None
    code: str
    message: str


class InvalidRecord(ClinicalError):
    """A record breaks one or more rules; `problems` names each field."""

    code = "invalid_record"

    def __init__(self, problems: Sequence[Problem]) -> None:
        listed = "; ".join(f"{p.field}: {p.message}" if p.field else p.message for p in problems)
        super().__init__(f"the record was refused: {listed}")
        self.problems = tuple(problems)
        self.first_field = next((p.field for p in problems if p.field), None)

    def as_dict(self) -> dict[str, object]:  # type: ignore[override]
        return {
            "code": self.code,
            "message": self.message,
            "field": self.first_field,
            "errors": [{"field": p.field, "rule": p.code, "message": p.message} for p in self.problems],
        }


def refuse_if(problems: Sequence[Problem]) -> None:
    if problems:
        raise InvalidRecord(problems)


def in_range(
    value: float | None, low: float, high: float, field: str, what: str, unit: str = ""
) -> list[Problem]:
    """A problem when `value` lies outside [low, high]; a missing value is left to the required check."""
    if value is None or low <= value <= high:
        return []
    unit = f" {unit}" if unit else ""
    return [Problem(field, "out_of_range", f"{what} {value:g}{unit} is outside {low:g}-{high:g}{unit}")]


def whole_count(value: float | None, field: str, what: str) -> list[Problem]:
    """A count must be a whole number >= 0 (e.g. a lesion count of -1 is a typing error)."""
    if value is None:
        return []
    if value < 0 or int(value) != value:
        return [
            Problem(
                field, "not_a_count", f"{what} {value:g} is not a count; expected a whole number 0 or more"
            )
        ]
    return []


def required(values: Mapping[str, Any], fields: Sequence[str], why: str) -> list[Problem]:
    return [Problem(f, "required", f"required {why}") for f in fields if values.get(f) in (None, "")]


def ordered(start: dt.date | None, stop: dt.date | None, start_field: str, stop_field: str) -> list[Problem]:
    """The stop date may not be before the start date (the same day is allowed)."""
    if start is None or stop is None or stop >= start:
        return []
    return [
        Problem(
            stop_field,
            "before_start",
            f"{stop.isoformat()} is before the {start_field.replace('_', ' ')} {start.isoformat()}",
        )
    ]


def not_in_future(day: dt.date | None, today: dt.date, field: str) -> list[Problem]:
    if day is None or day <= today:
        return []
    return [Problem(field, "in_future", f"{day.isoformat()} is in the future (today is {today.isoformat()})")]
