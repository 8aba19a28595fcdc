"""Reports and exports over the API: what a role may take and what has been taken (GET), and the
download itself (POST: made now, recorded, and answered with the file). A blinded role asking for
unblinded content gets 403; a bad parameter 422."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from mesems.web.apps.datasets.models import Channel
from mesems.web.apps.datasets.services import Offer, Taker, export_delivery, offer_for, report_delivery
from mesems.web.apps.datasets.views import handed_over
from mesems.web.schemas import Input

router = Router(tags=["reports and exports"])

Variant = Literal["blinded", "unblinded"]
FILE = {"description": "the file, with X-Mesems-Record, X-Mesems-Snapshot-Digest, X-Mesems-File-Digest, X-Mesems-Protocol and X-Mesems-Version headers"}


class ReportIn(Input):
    variant: Variant
    format: Literal["html", "pdf"] = "html"


class ExportIn(Input):
    kind: Literal["csv", "odm", "sdtm"]
    variant: Variant


class TakenOut(Schema):
    id: int
    what: str
    taken_at: dt.datetime
    taken_by: str
    role: str
    channel: str
    blinded: bool
    outcome: str
    detail: str
    participants: int | None
    snapshot_digest: str
    file_name: str
    file_digest: str
    size_bytes: int | None
    protocol_id: str
    protocol_digest: str
    software_version: str


class OfferOut(Schema):
    blinded: bool
    unblinded: bool
    taken: list[TakenOut]


def _offer(offer: Offer, reports: bool) -> dict[str, Any]:
    if reports:
        return {"blinded": offer.blinded_report, "unblinded": offer.unblinded_report, "taken": list(offer.reports)}
    return {"blinded": offer.blinded_export, "unblinded": offer.unblinded_export, "taken": list(offer.exports)}


@router.get("/reports", response=OfferOut, summary="Which trial reports your role may take, and those taken (blinded roles see blinded ones only)")
def reports(request: HttpRequest) -> dict[str, Any]:
    return _offer(offer_for(request.auth), reports=True)  # type: ignore[attr-defined]


@router.post("/reports", summary="Make the trial report now and download it (recorded in the audit trail)", openapi_extra={"responses": {200: FILE}})
def take_report(request: HttpRequest, payload: ReportIn) -> HttpResponse:
    delivery = report_delivery(Taker.of(request.auth, Channel.API), unblinded=payload.variant == "unblinded", fmt=payload.format)  # type: ignore[attr-defined]
    return handed_over(delivery)


@router.get("/exports", response=OfferOut, summary="Which data exports your role may take, and those taken (blinded roles see blinded ones only)")
def exports(request: HttpRequest) -> dict[str, Any]:
    return _offer(offer_for(request.auth), reports=False)  # type: ignore[attr-defined]


@router.post("/exports", summary="Make a data export now and download it: CSV zip, ODM XML or SDTM zip (recorded in the audit trail)",
             openapi_extra={"responses": {200: FILE}})
def take_export(request: HttpRequest, payload: ExportIn) -> HttpResponse:
    delivery = export_delivery(Taker.of(request.auth, Channel.API), payload.kind, unblinded=payload.variant == "unblinded")  # type: ignore[attr-defined]
    return handed_over(delivery)
