"""Sites and participants over the API, scoped to the caller's site."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from mesems.web.apps.trials.models import Participant, Site
from mesems.web.apps.trials.services import correct_participant, visible_participant, visible_participants, visible_sites
from mesems.web.schemas import Input

router = Router(tags=["trial"])


class SiteOut(Schema):
    code: str
    name: str
    country: str
    timezone: str


class ParticipantOut(Schema):
    code: str
    site: str
    ms_course: str
    status: str
    version: int = Field(description="increases with each saved change; send it back when correcting the record")

    @staticmethod
    def resolve_site(obj: Participant) -> str:
        return obj.site.code


class ParticipantCorrection(Input):
    version: int = Field(ge=1, le=2_147_483_647, description="the version you read; a newer one on the server is a conflict (409)")
    reason: str = Field(max_length=2000, pattern=r"^[^\x00]*[^\x00\s][^\x00]*$", description="why the record is corrected (kept in the audit trail); not blank")
    ms_course: Literal["RR", "SP", "PP"] | None = None


@router.get("/sites", response=list[SiteOut], summary="Sites the caller may see")
def list_sites(request: HttpRequest) -> list[Site]:
    return list(visible_sites(request.auth))  # type: ignore[attr-defined]


@router.get("/participants", response=list[ParticipantOut], summary="Participants of the caller's site(s), by participant id")
def list_participants(request: HttpRequest) -> list[Participant]:
    return list(visible_participants(request.auth))  # type: ignore[attr-defined]


@router.get("/participants/{code}", response=ParticipantOut, summary="One participant; another site's is not found")
def get_participant(request: HttpRequest, code: str) -> Participant:
    return visible_participant(request.auth, code)  # type: ignore[attr-defined]


@router.patch("/participants/{code}", response=ParticipantOut, summary="Correct a participant's record, with a reason (audited)")
def update_participant(request: HttpRequest, code: str, payload: ParticipantCorrection) -> Participant:
    values = payload.model_dump(exclude={"version", "reason"}, exclude_none=True)
    return correct_participant(request.auth, code, version=payload.version, reason=payload.reason, values=values)  # type: ignore[attr-defined]
