"""The cell product over the API: the lab's dashboard and custody report, the clinic's bags, the
dosing weight, the e-signed release and the bedside check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from mesems.web.apps.cellproduct.bedside import InfusionRecord, bedside_infusion
from mesems.web.apps.cellproduct.release import release_product
from mesems.web.apps.cellproduct.reports import ClinicBag, CustodyLine, Dashboard, clinic_bags, custody_report, lab_dashboard
from mesems.web.apps.cellproduct.services import record_weight
from mesems.web.schemas import Input

router = Router(tags=["cell product"])


class WeightIn(Input):
    kg: Decimal
    measured_on: dt.date


class WeightOut(Schema):
    participant: str
    kg: Decimal
    measured_on: dt.date


class ReleaseIn(Input):
    password: str
    otp_token: str


class ReleaseOut(Schema):
    participant: str
    signed_at: dt.datetime
    signer: str
    meaning: str
    content_digest: str


class BedsideIn(Input):
    identity_confirmed: bool
    product_code: str


@router.get("/cell-products", response=Dashboard, summary="Products by state (lab and unblinded roles)")
def dashboard(request: HttpRequest) -> Dashboard:
    return lab_dashboard(request.auth)  # type: ignore[attr-defined]


@router.get("/cell-products/{code}/custody", response=list[CustodyLine], summary="A participant's chain of custody, every event in order (lab and unblinded roles)")
def custody(request: HttpRequest, code: str) -> list[CustodyLine]:
    return custody_report(request.auth, code)  # type: ignore[attr-defined]


@router.get("/cell-products/{code}/bags", response=list[ClinicBag], summary="The participant's product codes by period, as the clinic sees them")
def bags(request: HttpRequest, code: str) -> list[ClinicBag]:
    return clinic_bags(request.auth, code)  # type: ignore[attr-defined]


@router.post("/cell-products/{code}/weight", response=WeightOut, summary="Record the weight used for dosing")
def weight(request: HttpRequest, code: str, payload: WeightIn) -> dict[str, Any]:
    row = record_weight(request.auth, code, payload.kg, payload.measured_on)  # type: ignore[attr-defined]
    return {"participant": code, "kg": row.kg, "measured_on": row.measured_on}


@router.post("/cell-products/{code}/release", response=ReleaseOut, summary="E-signed release by the lab's qualified person (password and second factor)")
def release(request: HttpRequest, code: str, payload: ReleaseIn) -> dict[str, Any]:
    signature = release_product(request.auth, code, payload.password, payload.otp_token)  # type: ignore[attr-defined]
    return {"participant": code, "signed_at": signature.signed_at, "signer": signature.signer.get_username(), "meaning": signature.meaning, "content_digest": signature.content_digest}


@router.post("/cell-products/{code}/infusion", response=InfusionRecord, summary="Bedside check and infusion record; a mismatch is refused (409) and recorded as an incident")
def infusion(request: HttpRequest, code: str, payload: BedsideIn) -> InfusionRecord:
    return bedside_infusion(request.auth, code, payload.identity_confirmed, payload.product_code)  # type: ignore[attr-defined]
