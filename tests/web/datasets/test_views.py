"""The "Reports and exports" page per role, and what its buttons hand over."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.test import Client

from mesems.access import Role
from mesems.access.datasets import EXPORT_ROLES, REPORT_ROLES, UNBLINDED_EXPORT_ROLES, UNBLINDED_REPORT_ROLES

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_page_and_menu_by_role(early: dict[Role, Any]) -> None:
    for role, user in early.items():
        client = _client(user)
        page = client.get("/reports/")
        home = client.get("/").content.decode()
        if role not in REPORT_ROLES | EXPORT_ROLES:
            assert page.status_code == 403 and 'href="/reports/"' not in home, role
            continue
        text = page.content.decode()
        assert page.status_code == 200 and 'href="/reports/"' in home, role
        assert ('value="unblinded"><input type="hidden" name="format"' in text) is (role in UNBLINDED_REPORT_ROLES), role
        assert ('value="unblinded"><input type="hidden" name="kind"' in text) is (role in UNBLINDED_EXPORT_ROLES), role


def test_buttons_hand_over_files_and_list_them(early: dict[Role, Any]) -> None:
    client = _client(early[Role.DATA_MANAGER])
    answer = client.post("/reports/export/", {"kind": "csv", "variant": "blinded"})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    assert answer["Content-Disposition"] == 'attachment; filename="mesems-csv-blinded.zip"'
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        assert "mesems-csv-blinded/participants.csv" in archive.namelist()
    refused = client.post("/reports/export/", {"kind": "csv", "variant": "unblinded"})
    assert refused.status_code == 403 and "may not take an unblinded export" in refused.content.decode()
    assert client.post("/reports/export/", {"kind": "xlsx", "variant": "blinded"}).status_code == 400
    assert client.get("/reports/export/").status_code == 405
    listed = client.get("/reports/").content.decode()
    assert answer["X-Mesems-Snapshot-Digest"][:16] in listed and answer["X-Mesems-File-Digest"][:16] in listed
    assert "trial-data_manager" in listed and "0.1.0" in listed
    assert "Refused" not in listed, "the refused unblinded attempt is listed for unblinded roles only"
    assert "Refused" in _client(early[Role.DSMB]).get("/reports/").content.decode()


def test_unblinded_report_page_for_the_dsmb(filled: dict[Role, Any]) -> None:
    answer = _client(filled[Role.DSMB]).post("/reports/report/", {"variant": "unblinded", "format": "html"})
    assert answer.status_code == 200 and answer["Content-Disposition"].startswith("inline;")
    assert "UNBLINDED REPORT" in answer.content.decode() and answer["X-Mesems-Protocol"].startswith("MESEMS ")
    refused = _client(filled[Role.BLINDED_STATISTICIAN]).post("/reports/report/", {"variant": "unblinded", "format": "html"})
    assert refused.status_code == 403
    pdf = _client(filled[Role.BLINDED_STATISTICIAN]).post("/reports/report/", {"variant": "blinded", "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf["Content-Disposition"].startswith("attachment;")
