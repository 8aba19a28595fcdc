"""Data integrity: reasons and history for every edit, the optimistic lock, e-signature with its
voiding, queries and source-data verification."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mesems.access import Role
from tests.web.conftest import PASSWORD
from tests.web.visits.conftest import days_ago, report, site_today, week0

pytestmark = pytest.mark.django_db
CODE = "SE-KAR-0001"


@pytest.fixture
def site(randomised: Any, api: Any) -> dict[str, Any]:
    participant = randomised(CODE, weeks_ago=5)
    nurse = api(Role.NURSE)
    assert report(nurse, CODE, "W04", site_today() - dt.timedelta(days=7)).status_code == 200
    vitals = nurse.post(
        f"/participants/{CODE}/crf/vital-signs",
        {
            "visit": "W04",
            "measured_on": days_ago(7),
            "systolic_bp": 120,
            "diastolic_bp": 80,
            "heart_rate": 70,
        },
    )
    mri = nurse.post(f"/participants/{CODE}/crf/mri", {"visit": "W04", "scan_date": days_ago(7), "gel": 0})
    assert vitals.status_code == mri.status_code == 201
    return {
        "participant": participant,
        "nurse": nurse,
        "investigator": api(Role.INVESTIGATOR),
        "monitor": api(Role.MONITOR, None),
        "vitals": vitals.json()["id"],
        "week0": week0(participant),
    }


def test_edit_needs_reason_and_version_and_keeps_old_and_new(site: dict[str, Any]) -> None:
    nurse, rid = site["nurse"], site["vitals"]
    assert (
        nurse.put(f"/crf/vital-signs/{rid}", {"systolic_bp": 130, "version": 1}).json()["errors"][0]["field"]
        == "reason"
    )
    assert (
        nurse.put(f"/crf/vital-signs/{rid}", {"systolic_bp": 130, "reason": "typo"}).json()["field"]
        == "version"
    )
    edited = nurse.put(
        f"/crf/vital-signs/{rid}", {"systolic_bp": 130, "version": 1, "reason": "transcription error"}
    )
    assert edited.status_code == 200 and edited.json()["version"] == 2
    same = nurse.put(f"/crf/vital-signs/{rid}", {"systolic_bp": 130, "version": 2, "reason": "no change"})
    assert same.json()["version"] == 2, "saving the same values is not a new version"
    audit = nurse.get(f"/crf/vital-signs/{rid}/audit").json()
    assert [e["action"] for e in audit] == ["create", "update"]
    assert audit[1]["changes"] == {"systolic_bp": [120, 130]} and audit[1]["reason"] == "transcription error"
    assert audit[1]["actor"] == "nurse-se-kar" and audit[1]["role"] == "nurse"


def test_stale_edit_is_refused_with_who_and_kept_in_the_trail(site: dict[str, Any], api: Any) -> None:
    nurse, investigator, rid = site["nurse"], site["investigator"], site["vitals"]
    assert (
        investigator.put(
            f"/crf/vital-signs/{rid}", {"heart_rate": 72, "version": 1, "reason": "re-measured"}
        ).status_code
        == 200
    )
    stale = nurse.put(f"/crf/vital-signs/{rid}", {"heart_rate": 99, "version": 1, "reason": "my correction"})
    assert stale.status_code == 409
    body = stale.json()
    assert (
        body["code"] == "stale_edit"
        and "investigator-se-kar" in body["message"]
        and "heart_rate" in body["message"]
    )
    assert nurse.get(f"/crf/vital-signs/{rid}").json()["heart_rate"] == 72
    audit = nurse.get(f"/crf/vital-signs/{rid}/audit").json()
    assert audit[-1]["action"] == "edit_refused" and audit[-1]["changes"]["heart_rate"] == [None, 99]


def test_signature_locks_and_an_edit_voids_it(site: dict[str, Any]) -> None:
    nurse, investigator, rid = site["nurse"], site["investigator"], site["vitals"]
    assert nurse.post(f"/participants/{CODE}/visits/W04/sign", {"password": PASSWORD}).status_code == 403
    wrong = investigator.post(f"/participants/{CODE}/visits/W04/sign", {"password": "not-it"})
    assert wrong.status_code == 403 and wrong.json()["field"] == "password"
    signed = investigator.post(f"/participants/{CODE}/visits/W04/sign", {"password": PASSWORD})
    assert signed.status_code == 201 and "legally binding" in signed.json()["meaning"]
    assert (
        investigator.post(f"/participants/{CODE}/visits/W04/sign", {"password": PASSWORD}).status_code == 409
    )
    schedule = {v["code"]: v for v in nurse.get(f"/participants/{CODE}/schedule").json()}
    assert schedule["W04"]["signed_by"] == "investigator-se-kar"

    edit = nurse.put(
        f"/crf/vital-signs/{rid}", {"systolic_bp": 121, "version": 1, "reason": "source says 121"}
    )
    assert edit.status_code == 200
    schedule = {v["code"]: v for v in nurse.get(f"/participants/{CODE}/schedule").json()}
    assert schedule["W04"]["signed_by"] is None
    from mesems.web.apps.audit.models import AuditEvent
    from mesems.web.apps.visits.models import VisitSignature

    signature = VisitSignature.objects.get()
    assert signature.voided_by == "nurse-se-kar" and "source says 121" in signature.void_reason
    actions = list(AuditEvent.objects.filter(entity="visits.visitsignature").values_list("action", flat=True))
    assert actions == ["signed", "signature_voided"]
    assert AuditEvent.objects.filter(action="signature_refused").count() == 1


def test_signing_needs_a_complete_visit(site: dict[str, Any]) -> None:
    investigator = site["investigator"]
    report(site["nurse"], CODE, "W00", site["week0"])
    refused = investigator.post(f"/participants/{CODE}/visits/W00/sign", {"password": PASSWORD})
    assert refused.status_code == 409 and "weight" in refused.json()["message"]


def test_a_new_form_in_a_signed_visit_needs_a_reason(site: dict[str, Any]) -> None:
    nurse, investigator = site["nurse"], site["investigator"]
    assert (
        investigator.post(f"/participants/{CODE}/visits/W04/sign", {"password": PASSWORD}).status_code == 201
    )
    ae = {
        "term": "fatigue",
        "soc": "General disorders and administration site conditions",
        "pt": "Fatigue",
        "grade": 1,
        "causality": "unlikely",
        "outcome": "recovering",
        "start_date": days_ago(8),
        "visit": "W04",
    }
    assert nurse.post(f"/participants/{CODE}/crf/adverse-event", ae).json()["errors"][0]["field"] == "reason"
    assert (
        nurse.post(
            f"/participants/{CODE}/crf/adverse-event", {**ae, "reason": "reported late by phone"}
        ).status_code
        == 201
    )
    assert {v["code"]: v for v in nurse.get(f"/participants/{CODE}/schedule").json()}["W04"][
        "signed_by"
    ] is None


def test_query_life_cycle_and_counts(site: dict[str, Any], api: Any) -> None:
    nurse, monitor, rid = site["nurse"], site["monitor"], site["vitals"]
    assert (
        nurse.post(
            "/queries", {"kind": "vital-signs", "record_id": rid, "field": "systolic_bp", "text": "?"}
        ).status_code
        == 403
    )
    bad = monitor.post("/queries", {"kind": "vital-signs", "record_id": rid, "field": "colour", "text": "?"})
    assert bad.status_code == 422 and bad.json()["field"] == "field"
    raised = monitor.post(
        "/queries",
        {"kind": "vital-signs", "record_id": rid, "field": "systolic_bp", "text": "Source says 112?"},
    )
    assert raised.status_code == 201
    query = raised.json()["id"]
    assert nurse.get("/queries/counts").json() == {"sites": {"SE-KAR": 1}, "participants": {CODE: 1}}
    manager = api(Role.DATA_MANAGER, None)
    assert manager.post(f"/queries/{query}/close", {}).status_code == 403
    assert monitor.post(f"/queries/{query}/answer", {"text": "x"}).status_code == 403
    assert nurse.post(f"/queries/{query}/answer", {"text": ""}).status_code == 422
    answered = nurse.post(f"/queries/{query}/answer", {"text": "Checked: 120 is right"})
    assert answered.json()["status"] == "answered"
    assert nurse.post(f"/queries/{query}/answer", {"text": "again"}).status_code == 409
    assert (
        monitor.post(f"/queries/{query}/reopen", {"text": "please attach the ECG sheet"}).json()["status"]
        == "open"
    )
    nurse.post(f"/queries/{query}/answer", {"text": "attached"})
    closed = monitor.post(f"/queries/{query}/close", {"text": "ok"})
    assert closed.json()["status"] == "closed" and [m["action"] for m in closed.json()["messages"]] == [
        "raise",
        "answer",
        "reopen",
        "answer",
        "close",
    ]
    assert nurse.get("/queries/counts").json() == {"sites": {}, "participants": {}}
    assert monitor.post(f"/queries/{query}/frobnicate", {}).status_code == 404


def test_source_data_verification(site: dict[str, Any]) -> None:
    nurse, monitor, rid = site["nurse"], site["monitor"], site["vitals"]
    assert nurse.post(f"/crf/vital-signs/{rid}/verify").status_code == 403
    verified = monitor.post(f"/crf/vital-signs/{rid}/verify")
    assert verified.status_code == 200 and verified.json()["verified_by"] == "monitor-central"
    nurse.put(f"/crf/vital-signs/{rid}", {"systolic_bp": 119, "version": 1, "reason": "correction"})
    after = nurse.get(f"/crf/vital-signs/{rid}").json()
    assert after["verified_at"] is None, "an edit needs verifying again"
    actions = [e["action"] for e in nurse.get(f"/crf/vital-signs/{rid}/audit").json()]
    assert actions == ["create", "source_verified", "update"]


def test_visit_report_edit_needs_reason(site: dict[str, Any]) -> None:
    nurse = site["nurse"]
    moved = nurse.put(
        f"/participants/{CODE}/visits/W04",
        {
            "visit_date": days_ago(6),
            "ae_review": "no",
            "conmed_review": "no",
            "relapse_review": "no",
            "version": 1,
        },
    )
    assert moved.status_code == 422 and moved.json()["field"] == "reason"
    moved = nurse.put(
        f"/participants/{CODE}/visits/W04",
        {
            "visit_date": days_ago(6),
            "ae_review": "no",
            "conmed_review": "no",
            "relapse_review": "no",
            "version": 1,
            "reason": "wrong day",
        },
    )
    assert moved.status_code == 200 and moved.json()["version"] == 2
    audit = nurse.get(f"/participants/{CODE}/visits/W04/audit").json()
    assert [e["action"] for e in audit] == ["report", "update"] and audit[1]["changes"]["visit_date"] == [
        days_ago(7),
        days_ago(6),
    ]


def test_amendment_needs_reconsent(site: dict[str, Any], api: Any) -> None:
    nurse, sponsor = site["nurse"], api(Role.SPONSOR_ADMIN, None)
    assert (
        nurse.post("/consent-versions", {"version": "1.0", "effective_from": "2013-01-01"}).status_code == 403
    )
    assert (
        sponsor.post("/consent-versions", {"version": "1.0", "effective_from": "2013-01-01"}).status_code
        == 201
    )
    assert (
        nurse.post(
            f"/participants/{CODE}/crf/consent", {"form_version": "1.0", "consented_on": days_ago(60)}
        ).status_code
        == 201
    )
    assert nurse.get(f"/participants/{CODE}/reconsent").json() is None
    amendment = {
        "version": "2.0",
        "effective_from": days_ago(5),
        "requires_reconsent": True,
        "description": "new MRI risk",
    }
    assert sponsor.post("/consent-versions", amendment).status_code == 201
    assert sponsor.post("/consent-versions", amendment).status_code == 422
    assert nurse.get(f"/participants/{CODE}/reconsent").json()["version"] == "2.0"
    again = nurse.post(
        f"/participants/{CODE}/crf/consent", {"form_version": "2.0", "consented_on": days_ago(1)}
    )
    assert again.status_code == 201 and again.json()["reconsent"] is True
    assert nurse.get(f"/participants/{CODE}/reconsent").json() is None
