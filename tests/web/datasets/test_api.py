"""/api/reports and /api/exports per role: 403 for unblinded content to a blinded role, 422 for a bad parameter."""

from __future__ import annotations

from typing import Any

import pytest

from mesems.access import Role
from mesems.access.datasets import EXPORT_ROLES, REPORT_ROLES
from tests.web.visits.conftest import Api

pytestmark = pytest.mark.django_db


def test_what_each_role_may_take_and_sees_taken(early: dict[Role, Any]) -> None:
    dsmb = Api(early[Role.DSMB].username)
    assert dsmb.post("/exports", {"kind": "odm", "variant": "unblinded"}).status_code == 200
    for role, user in early.items():
        api = Api(user.username)
        reports, exports = api.get("/reports"), api.get("/exports")
        if role not in REPORT_ROLES | EXPORT_ROLES:
            assert (reports.status_code, exports.status_code) == (403, 403), role
            continue
        body = exports.json()
        assert body["unblinded"] is (role in {Role.UNBLINDED_STATISTICIAN, Role.DSMB}), role
        assert len(body["taken"]) == (1 if body["unblinded"] else 0), role


def test_downloads_refusals_and_bad_parameters(early: dict[Role, Any]) -> None:
    from mesems.web.apps.datasets.models import ExportRecord

    statistician = Api(early[Role.BLINDED_STATISTICIAN].username)
    refused = statistician.post("/exports", {"kind": "csv", "variant": "unblinded"})
    assert refused.status_code == 403 and refused.json()["code"] == "access_denied"
    assert ExportRecord.objects.get().outcome == "refused"
    assert statistician.post("/reports", {"variant": "unblinded"}).status_code == 403
    for body in ({"kind": "xlsx", "variant": "blinded"}, {"kind": "csv"}, {"kind": "csv", "variant": "half"}):
        answer = statistician.post("/exports", body)
        assert answer.status_code == 422 and answer.json()["code"] == "invalid_input", body
    assert statistician.post("/reports", {"variant": "blinded", "format": "docx"}).status_code == 422
    sdtm = statistician.post("/exports", {"kind": "sdtm", "variant": "blinded"})
    assert sdtm.status_code == 200 and sdtm["Content-Type"] == "application/zip" and sdtm.content[:2] == b"PK"
    assert sdtm["X-Mesems-Record"] == str(ExportRecord.objects.get(outcome="delivered").pk)
    nurse = Api(early[Role.NURSE].username)
    assert nurse.post("/exports", {"kind": "csv", "variant": "blinded"}).status_code == 403
