"""The site's pages: a form refused at the field, a stale edit told, signing with the meaning shown,
queries through htmx, the audit page, Swedish text, times in the site's time zone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from mesems.access import Role
from tests.web.conftest import PASSWORD
from tests.web.visits.conftest import days_ago, site_today

pytestmark = pytest.mark.django_db
CODE = "SE-KAR-0001"


@pytest.fixture
def nurse(randomised: Any, make_user: Any) -> Client:
    randomised(CODE, weeks_ago=5)
    client = Client()
    client.force_login(make_user(Role.NURSE, "SE-KAR"))
    return client


def _report_w04(client: Client) -> None:
    answer = client.post(
        f"/site/p/{CODE}/visits/W04/",
        {"visit_date": days_ago(7), "ae_review": "yes", "conmed_review": "no", "relapse_review": "no"},
    )
    assert answer.status_code == 302


def _save_vitals(client: Client) -> Any:
    """Week-4 vital signs saved through the page; the answer redirects to the saved form."""
    return client.post(
        f"/site/p/{CODE}/new/vital-signs/?visit=W04",
        {"visit": "W04", "measured_on": days_ago(7), "systolic_bp": "120", "diastolic_bp": "80", "heart_rate": "70"},
    )


def test_pages_render(nurse: Client) -> None:
    for url in (
        "/site/",
        f"/site/p/{CODE}/",
        f"/site/p/{CODE}/visits/W04/",
        "/site/queries/",
        f"/participants/{CODE}/",
    ):
        assert nurse.get(url).status_code == 200, url
    assert "W04" in nurse.get("/site/").content.decode()
    assert nurse.get("/site/p/IT-01-0001/").status_code == 404


def test_bad_value_is_shown_at_its_field_and_the_fix_saves(nurse: Client) -> None:
    _report_w04(nurse)
    url = f"/site/p/{CODE}/new/vital-signs/?visit=W04"
    body = {
        "visit": "W04",
        "measured_on": days_ago(7),
        "systolic_bp": "1200",
        "diastolic_bp": "80",
        "heart_rate": "70",
    }
    page = nurse.post(url, body).content.decode()
    assert 'id="field-systolic_bp"' in page and "outside 60-250 mmHg" in page
    field_block = page.split('id="field-systolic_bp"')[1].split('id="field-diastolic_bp"')[0]
    assert "outside 60-250 mmHg" in field_block and "autofocus" in field_block
    saved = nurse.post(url, {**body, "systolic_bp": "120"})
    assert saved.status_code == 302
    record = nurse.get(saved["Location"]).content.decode()
    assert "Version 1" in record and "Audit trail" in record


def test_stale_edit_page_tells_and_keeps_the_entry(nurse: Client, make_user: Any) -> None:
    _report_w04(nurse)
    saved = _save_vitals(nurse)
    url = saved["Location"]
    other = Client()
    other.force_login(make_user(Role.INVESTIGATOR, "SE-KAR"))
    base = {"measured_on": days_ago(7), "systolic_bp": "120", "diastolic_bp": "80", "version": "1"}
    assert other.post(url, {**base, "heart_rate": "75", "reason": "re-measured"}).status_code == 302
    page = nurse.post(url, {**base, "heart_rate": "66", "reason": "typo"}).content.decode()
    assert "after you opened it" in page and 'value="66"' in page and 'name="version" value="2"' in page


def test_sign_page_shows_the_meaning_and_needs_the_password(nurse: Client, make_user: Any) -> None:
    _report_w04(nurse)
    _save_vitals(nurse)
    nurse.post(
        f"/site/p/{CODE}/new/mri/?visit=W04",
        {
            "visit": "W04",
            "scan_date": days_ago(7),
            "gel": "1",
            "field_strength": "1.5",
            "reader_blinded": "on",
        },
    )
    investigator = Client()
    investigator.force_login(make_user(Role.INVESTIGATOR, "SE-KAR"))
    url = f"/site/p/{CODE}/visits/W04/sign/"
    assert "legally binding" in investigator.get(url).content.decode()
    assert "password is not right" in investigator.post(url, {"password": "nope"}).content.decode()
    assert investigator.post(url, {"password": PASSWORD}).status_code == 302
    assert "Signed by investigator-se-kar" in investigator.get(f"/site/p/{CODE}/visits/W04/").content.decode()


def test_query_through_htmx_and_audit_page(nurse: Client, make_user: Any) -> None:
    _report_w04(nurse)
    saved = _save_vitals(nurse)
    record_id = int(saved["Location"].rstrip("/").split("/")[-1])
    monitor = Client()
    monitor.force_login(make_user(Role.MONITOR))
    fragment = monitor.post(
        f"/site/f/vital-signs/{record_id}/queries/",
        {"field": "heart_rate", "text": "ECG says 64"},
        HTTP_HX_REQUEST="true",
    )
    assert (
        fragment.status_code == 200
        and "ECG says 64" in fragment.content.decode()
        and "<html" not in fragment.content.decode()
    )
    query_id = __import__("mesems.web.apps.visits.models", fromlist=["Query"]).Query.objects.get().pk
    answered = nurse.post(
        f"/site/queries/{query_id}/answer/", {"text": "64 is right"}, HTTP_HX_REQUEST="true"
    )
    assert "64 is right" in answered.content.decode()
    verified = monitor.post(f"/site/f/vital-signs/{record_id}/verify/", HTTP_HX_REQUEST="true")
    assert "source-data-verified" in verified.content.decode()
    audit = monitor.get(f"/site/f/vital-signs/{record_id}/audit/").content.decode()
    assert "systolic_bp" in audit and "source_verified" in audit and "Europe/Stockholm" in audit


def test_swedish_and_site_time_zone(nurse: Client) -> None:
    page = nurse.get("/site/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Platsens arbete" in page and "Försenade besök" in page
    _report_w04(nurse)
    audit = nurse.get(f"/site/p/{CODE}/visits/W04/audit/").content.decode()
    assert " CET" in audit or " CEST" in audit


def test_relapse_with_unscheduled_visit_is_confirmed_by_edss(randomised: Any, api: Any) -> None:
    randomised(CODE, weeks_ago=20)
    nurse = api(Role.NURSE)
    week0 = site_today() - dt.timedelta(weeks=20)
    nurse.put(
        f"/participants/{CODE}/visits/W00",
        {"visit_date": week0.isoformat(), "ae_review": "no", "conmed_review": "no", "relapse_review": "no"},
    )
    nurse.post(
        f"/participants/{CODE}/crf/edss", {"visit": "W00", "assessed_on": week0.isoformat(), "edss": 3.0}
    )
    visit = nurse.post(f"/participants/{CODE}/unscheduled-visits", {"visit_date": days_ago(3)}).json()
    relapse = nurse.post(
        f"/participants/{CODE}/crf/relapse",
        {"visit": visit["code"], "onset_date": days_ago(5), "symptoms": "leg weakness", "duration_hours": 96},
    )
    assert (
        relapse.status_code == 201 and relapse.json()["confirmed"] is False and relapse.json()["period"] == 1
    )
    nurse.post(
        f"/participants/{CODE}/crf/edss", {"visit": visit["code"], "assessed_on": days_ago(3), "edss": 4.0}
    )
    assert nurse.get(f"/crf/relapse/{relapse.json()['id']}").json()["confirmed"] is True


def test_end_of_study_sets_the_participant_status(randomised: Any, api: Any) -> None:
    participant = randomised(CODE, weeks_ago=10)
    nurse = api(Role.NURSE)
    answer = nurse.post(
        f"/participants/{CODE}/crf/end-of-study",
        {"status": "lost_to_follow_up", "end_date": days_ago(0), "reason": "no contact since W04"},
    )
    assert answer.status_code == 201 and answer.json()["last_visit_week"] is None
    participant.refresh_from_db()
    assert participant.status == "lost_to_follow_up"
    assert (
        nurse.post(
            f"/participants/{CODE}/crf/end-of-study",
            {"status": "withdrawn", "end_date": days_ago(0), "reason": "x"},
        ).status_code
        == 422
    )
