"""Sites and participants over the API, scoped to the caller's site."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from mesems.web.apps.trials.models import Participant, Site
from mesems.web.apps.trials.services import visible_participant, visible_participants, visible_sites

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

    @staticmethod
    def resolve_site(obj: Participant) -> str:
        return obj.site.code


@router.get("/sites", response=list[SiteOut], summary="Sites the caller may see")
def list_sites(request: HttpRequest) -> list[Site]:
    return list(visible_sites(request.auth))  # type: ignore[attr-defined]


@router.get("/participants", response=list[ParticipantOut], summary="Participants of the caller's site(s), by participant id")
def list_participants(request: HttpRequest) -> list[Participant]:
    return list(visible_participants(request.auth))  # type: ignore[attr-defined]


@router.get("/participants/{code}", response=ParticipantOut, summary="One participant; another site's is not found")
def get_participant(request: HttpRequest, code: str) -> Participant:
    return visible_participant(request.auth, code)  # type: ignore[attr-defined]
