"""Screening over the API: preview, screen, update, consent, withdraw, and the screening log.

A candidate record's wrong fields are answered 422 with one entry per field (pydantic's checks
of the record, then the core's checks of its dates), like every other invalid input of the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import ValidationError

from mesems.eligibility import CandidateRecord, CandidateRecordError
from mesems.web.apps.screening import services
from mesems.web.apps.screening.models import Screening
from mesems.web.schemas import Input

router = Router(tags=["screening"])
T = TypeVar("T")


class CriterionOut(Schema):
    id: str
    kind: str
    text: str
    verdict: str
    reason: str
    data: dict[str, Any]
    missing: list[str]


class VerdictOut(Schema):
    eligible: bool | None
    protocol_version: str
    criteria: list[CriterionOut]
    failed: list[str]
    missing: list[str]
    unclassified_drugs: list[str]


class ScreeningOut(Schema):
    code: str
    site: str
    version: int
    outcome: str
    screened_date: dt.date
    planned_randomisation_date: dt.date | None
    consented: bool
    consent_date: dt.date | None
    withdrawn_before_randomisation: bool
    participant: str | None
    verdict: VerdictOut
    candidate: dict[str, Any]

    @staticmethod
    def resolve_site(obj: Screening) -> str:
        return obj.site.code

    @staticmethod
    def resolve_participant(obj: Screening) -> str | None:
        return obj.participant.code if obj.participant else None

    @staticmethod
    def resolve_verdict(obj: Screening) -> dict[str, Any]:
        return obj.verdicts


class LogRowOut(Schema):
    screening_id: str
    site_id: str
    screened_date: dt.date
    protocol_version: str
    eligible: str
    failed_criteria: str | None
    consented: bool
    withdrawn_before_randomisation: bool
    participant_id: str | None


class UpdateIn(Input):
    candidate: CandidateRecord
    version: int | None = None


class ConsentIn(Input):
    consent_date: dt.date
    version: int | None = None


class WithdrawalIn(Input):
    reason: str
    version: int | None = None


def _checked(call: Callable[[], T], prefix: str) -> T:
    """Runs a service; a candidate record's date problems become the API's 422, one entry a field."""
    try:
        return call()
    except CandidateRecordError as exc:
        raise ValidationError(
            [
                {"loc": [f"{prefix}{p.field}"], "type": "invalid_candidate", "msg": p.message}
                for p in exc.problems
            ]
        ) from None


def _record(candidate: CandidateRecord) -> dict[str, Any]:
    return candidate.model_dump(mode="json", exclude_unset=True)


@router.post(
    "/screening/preview",
    response=VerdictOut,
    summary="Every criterion's verdict for a candidate; nothing is stored",
)
def preview(request: HttpRequest, payload: CandidateRecord) -> dict[str, Any]:
    return _checked(lambda: services.preview(request.auth, _record(payload)), "").as_dict()  # type: ignore[attr-defined]


@router.post(
    "/screenings",
    response={201: ScreeningOut},
    summary="Screen a candidate at your site and add them to the screening log",
)
def create(request: HttpRequest, payload: CandidateRecord) -> Status[Screening]:
    return Status(201, _checked(lambda: services.create_screening(request.auth, _record(payload)), ""))  # type: ignore[attr-defined]


@router.get("/screenings", response=list[ScreeningOut], summary="The screening log of your site(s)")
def list_screenings(request: HttpRequest) -> list[Screening]:
    return list(services.visible_screenings(request.auth))  # type: ignore[attr-defined]


@router.get(
    "/screening-log",
    response=list[LogRowOut],
    summary="The screening log as the flat table that feeds the CONSORT diagram",
)
def screening_log(request: HttpRequest) -> list[dict[str, Any]]:
    return services.log_rows(request.auth)  # type: ignore[attr-defined]


@router.get("/screenings/{number}", response=ScreeningOut, summary="One screening; another site's is not found")
def get_screening(request: HttpRequest, number: str) -> Screening:
    return services.visible_screening(request.auth, number)  # type: ignore[attr-defined]


@router.put(
    "/screenings/{number}",
    response=ScreeningOut,
    summary="Screen again with corrected or completed data (until consent)",
)
def update(request: HttpRequest, number: str, payload: UpdateIn) -> Screening:
    data = _record(payload.candidate)
    return _checked(
        lambda: services.update_screening(request.auth, number, data, expected_version=payload.version),
        "candidate.",
    )  # type: ignore[attr-defined]


@router.post(
    "/screenings/{number}/consent",
    response=ScreeningOut,
    summary="Record written informed consent of an eligible candidate",
)
def consent(request: HttpRequest, number: str, payload: ConsentIn) -> Screening:
    return services.record_consent(request.auth, number, payload.consent_date, expected_version=payload.version)  # type: ignore[attr-defined]


@router.post(
    "/screenings/{number}/withdrawal",
    response=ScreeningOut,
    summary="A consented candidate withdraws before randomisation",
)
def withdraw(request: HttpRequest, number: str, payload: WithdrawalIn) -> Screening:
    return services.withdraw_before_randomisation(
        request.auth, number, payload.reason, expected_version=payload.version
    )  # type: ignore[attr-defined]
