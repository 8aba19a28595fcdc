"""Reports and exports by role: refused or handed over, and either way recorded with who and when."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

import pytest

from mesems.access import Role
from mesems.access.datasets import EXPORT_ROLES, UNBLINDED_EXPORT_ROLES
from mesems.errors import AccessDenied, MesemsError

pytestmark = pytest.mark.django_db


def _events(action: str) -> list[Any]:
    from mesems.web.apps.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(action=action, entity__startswith="datasets."))


def _members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


def test_csv_export_by_role_is_refused_or_handed_over_and_recorded(early: dict[Role, Any]) -> None:
    from mesems.web.apps.datasets.models import ExportRecord
    from mesems.web.apps.datasets.services import Taker, export_delivery

    for role, unblinded in ((role, unblinded) for role in Role for unblinded in (False, True)):
        allowed = role in (UNBLINDED_EXPORT_ROLES if unblinded else EXPORT_ROLES)
        taker = Taker.of(early[role], "web")
        if not allowed:
            with pytest.raises(AccessDenied):
                export_delivery(taker, "csv", unblinded=unblinded)
            record = ExportRecord.objects.latest("id")
            assert (record.outcome, record.taken_by, record.blinded) == ("refused", early[role].username, not unblinded)
            assert _events("refused_export")[-1].actor == early[role].username
            continue
        delivery = export_delivery(taker, "csv", unblinded=unblinded)
        files = _members(delivery.content)
        header = files["participants.csv"].decode().splitlines()[0].split(",")
        assert ("sequence" in header) is unblinded
        assert delivery.file_name == f"mesems-csv-{'unblinded' if unblinded else 'blinded'}.zip"
        record = delivery.record
        assert (record.outcome, record.role, record.participants, record.blinded) == ("delivered", role.value, 3, not unblinded)
        assert record.file_digest == hashlib.sha256(delivery.content).hexdigest()
        event = _events("export")[-1]
        assert (event.actor, event.role, event.entity_id) == (early[role].username, role.value, str(record.pk))


def test_each_export_kind_and_its_file(early: dict[Role, Any]) -> None:
    from mesems.web.apps.datasets.services import Taker, export_delivery

    taker = Taker.of(early[Role.UNBLINDED_STATISTICIAN], "api")
    odm = export_delivery(taker, "odm", unblinded=True)
    assert odm.content_type == "application/xml" and b"<ODM" in odm.content and b"UNBLINDED" in odm.content
    sdtm = _members(export_delivery(taker, "sdtm", unblinded=False).content)
    assert {"dm.xpt", "ae.xpt", "define.xml", "MANIFEST.json"} <= set(sdtm)
    with pytest.raises(MesemsError, match="no export kind 'xlsx'"):
        export_delivery(taker, "xlsx", unblinded=False)


def test_reports_by_role_and_their_provenance(filled: dict[Role, Any]) -> None:
    from mesems.web.apps.datasets.models import ReportRecord
    from mesems.web.apps.datasets.services import Taker, export_delivery, report_delivery

    blinded = report_delivery(Taker.of(filled[Role.BLINDED_STATISTICIAN], "web"), unblinded=False, fmt="html")
    html = blinded.content.decode()
    assert "BLINDED REPORT" in html and blinded.record.snapshot_digest in html
    assert "MSC-placebo" not in html and "placebo-MSC" not in html
    export = export_delivery(Taker.of(filled[Role.DATA_MANAGER], "web"), "csv", unblinded=False)
    assert export.record.snapshot_digest == blinded.record.snapshot_digest, "one data snapshot, one digest"
    unblinded = report_delivery(Taker.of(filled[Role.DSMB], "web"), unblinded=True, fmt="html")
    assert "UNBLINDED REPORT" in unblinded.content.decode() and unblinded.record.snapshot_digest != blinded.record.snapshot_digest
    for role in (Role.CELL_LAB, Role.BLINDED_STATISTICIAN, Role.SPONSOR_ADMIN):
        with pytest.raises(AccessDenied, match="unblinded report"):
            report_delivery(Taker.of(filled[role], "web"), unblinded=True, fmt="html")
    with pytest.raises(AccessDenied, match="blinded report"):
        report_delivery(Taker.of(filled[Role.NURSE], "web"), unblinded=False, fmt="html")
    outcomes = list(ReportRecord.objects.order_by("id").values_list("taken_by", "blinded", "outcome"))
    assert outcomes == [("trial-blinded_statistician", True, "delivered"), ("trial-dsmb", False, "delivered"),
                        ("trial-cell_lab", False, "refused"), ("trial-blinded_statistician", False, "refused"),
                        ("trial-sponsor_admin", False, "refused"), ("trial-nurse", True, "refused")]
    assert [e.entity_id for e in _events("report")] == [str(r) for r in ReportRecord.objects.filter(outcome="delivered").order_by("pk").values_list("pk", flat=True)]


def test_command_line_operator_takes_blinded_data_only_and_users_are_checked(early: dict[Role, Any]) -> None:
    from mesems.errors import NotFound
    from mesems.web.apps.datasets.services import taker_for_cli

    assert taker_for_cli(None, None).name == "system"
    assert taker_for_cli("trial-dsmb", "dsmb").role == Role.DSMB
    with pytest.raises(AccessDenied, match="has the role 'dsmb', not 'nurse'"):
        taker_for_cli("trial-dsmb", "nurse")
    with pytest.raises(NotFound):
        taker_for_cli("nobody", None)


def test_offer_by_role(early: dict[Role, Any]) -> None:
    from mesems.web.apps.datasets.services import Taker, export_delivery, offer_for

    export_delivery(Taker.of(early[Role.UNBLINDED_STATISTICIAN], "web"), "odm", unblinded=True)
    export_delivery(Taker.of(early[Role.DATA_MANAGER], "web"), "odm", unblinded=False)
    assert len(offer_for(early[Role.DSMB]).exports) == 2
    seen = offer_for(early[Role.BLINDED_STATISTICIAN])
    assert [r.blinded for r in seen.exports] == [True] and not seen.unblinded_export and not seen.unblinded_report
    with pytest.raises(AccessDenied):
        offer_for(early[Role.INVESTIGATOR])
