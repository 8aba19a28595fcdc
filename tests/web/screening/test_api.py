"""The screening API on PostgreSQL: 422 naming each field, site isolation, consent and the log."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mesems.web.apps.screening.models import Screening
from tests.eligibility.conftest import EXAMPLE, candidate

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(path, data=body, content_type="application/json")


def test_preview_answers_every_criterion_and_stores_nothing(nurse: Any) -> None:
    answer = post(client_for(nurse), "/api/screening/preview", candidate(edss=7.0))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["eligible"] is False and body["failed"] == ["INC-4"]
    assert {c["id"]: c["reason"] for c in body["criteria"]}["INC-4"] == "EDSS 7.0 is above 6.5"
    assert Screening.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"edss": 3.25, "egfr": -1, "hiv": "no"}, {"edss", "egfr", "hiv"}),
        ({"egrf": 85}, {"egrf"}),
        (
            {
                "ms_onset_date": "2027-01-01",
                "therapies": [{"drug": "Avonex", "start": "2020-01-01", "stop": "2019-01-01"}],
            },
            {"ms_onset_date", "therapies[0].stop"},
        ),
    ],
)
def test_a_bad_record_is_422_naming_each_field_and_nothing_is_saved(
    nurse: Any, changes: dict[str, Any], fields: set[str]
) -> None:
    answer = post(client_for(nurse), "/api/screenings", candidate(**changes))
    assert answer.status_code == 422, answer.content
    body = answer.json()
    assert body["code"] == "invalid_input"
    assert {e["field"] for e in body["errors"]} == fields
    assert Screening.objects.count() == 0


def test_screen_consent_withdraw_over_the_api(nurse: Any) -> None:
    client = client_for(nurse)
    created = post(client, "/api/screenings", EXAMPLE)
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    assert created.json()["verdict"]["eligible"] is True
    consented = post(client, f"/api/screenings/{code}/consent", {"consent_date": "2026-01-10", "version": 1})
    assert consented.status_code == 200, consented.content
    assert consented.json()["participant"] == "SE-KAR-0001"
    stale = post(client, f"/api/screenings/{code}/withdrawal", {"reason": "moved", "version": 1})
    assert stale.status_code == 409
    withdrawn = post(client, f"/api/screenings/{code}/withdrawal", {"reason": "moved", "version": 2})
    assert withdrawn.json()["withdrawn_before_randomisation"] is True
    log = client.get("/api/screening-log").json()
    assert log == [
        {"screening_id": code, "site_id": "SE-KAR", "screened_date": log[0]["screened_date"], "protocol_version": "final", "eligible": "eligible",
         "failed_criteria": None, "consented": True, "withdrawn_before_randomisation": True, "participant_id": None}
    ]  # fmt: skip


def test_update_names_fields_under_candidate(nurse: Any) -> None:
    client = client_for(nurse)
    code = post(client, "/api/screenings", candidate(consent=None)).json()["code"]
    bad = client.put(
        f"/api/screenings/{code}",
        data={"candidate": candidate(relapses=["2027-01-01"])},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["candidate.relapses[0]"]
    good = client.put(
        f"/api/screenings/{code}", data={"candidate": EXAMPLE, "version": 1}, content_type="application/json"
    )
    assert good.json()["outcome"] == "eligible" and good.json()["version"] == 2


def test_consent_of_a_not_eligible_candidate_is_refused(nurse: Any) -> None:
    client = client_for(nurse)
    code = post(client, "/api/screenings", candidate(edss=7.0)).json()["code"]
    answer = post(client, f"/api/screenings/{code}/consent", {"consent_date": "2026-01-10"})
    assert answer.status_code == 422
    assert "only an eligible candidate can consent" in answer.json()["message"]


def test_another_sites_screening_is_not_found(nurse: Any, other_site_nurse: Any) -> None:
    code = post(client_for(other_site_nurse), "/api/screenings", EXAMPLE).json()["code"]
    client = client_for(nurse)
    assert client.get(f"/api/screenings/{code}").status_code == 404
    assert client.get("/api/screenings").json() == []
    assert post(client, f"/api/screenings/{code}/consent", {"consent_date": "2026-01-10"}).status_code == 404


def test_a_role_that_may_not_screen_is_403(make_user: Any) -> None:
    from mesems.access import Role

    assessor = make_user(Role.OUTCOME_ASSESSOR, "SE-KAR")
    assert post(client_for(assessor), "/api/screenings", EXAMPLE).status_code == 403
