"""The screening pages: live verdicts, messages at the field, consent and withdrawal."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mesems.web.apps.screening import services
from mesems.web.apps.screening.forms import CandidateForm
from mesems.web.apps.screening.models import Screening
from tests.eligibility.conftest import EXAMPLE, candidate

pytestmark = pytest.mark.django_db


def form_data(record: dict[str, Any]) -> dict[str, str]:
    """What a browser posts for a candidate record."""
    return {k: str(v) for k, v in CandidateForm.initial_from(record).items()}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_form_round_trips_a_record() -> None:
    form = CandidateForm(form_data(EXAMPLE))
    assert form.is_valid(), form.errors
    assert form.candidate() == EXAMPLE


def test_lists_distinguish_none_from_unknown() -> None:
    form = CandidateForm(
        {"relapses": "none", "mri": "", "therapies": "Avonex; 2019-01-01\nprednisolone;;2025-12-01"}
    )
    assert form.is_valid(), form.errors
    data = form.candidate()
    assert data["relapses"] == [] and data["mri"] is None
    assert data["therapies"] == [
        {"drug": "Avonex", "start": "2019-01-01", "stop": None},
        {"drug": "prednisolone", "start": None, "stop": "2025-12-01"},
    ]


def test_live_preview_shows_each_criterion(nurse: Any) -> None:
    page = signed_in(nurse).post(
        "/screening/preview/", form_data(candidate(edss=7.0)), HTTP_HX_REQUEST="true"
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="criterion-INC-4"' in text and "EDSS 7.0 is above 6.5" in text
    assert "Not eligible" in text
    assert Screening.objects.count() == 0


def test_a_refused_record_shows_the_message_at_its_field_and_saves_nothing(nurse: Any) -> None:
    data = form_data(
        candidate(
            ms_onset_date="2027-01-01",
            therapies=[{"drug": "Avonex", "start": "2020-01-01", "stop": "2019-01-01"}],
        )
    )
    client = signed_in(nurse)
    page = client.post("/screening/new/", data)
    assert page.status_code == 200
    form = page.context["form"]
    assert "after planned_randomisation_date" in form.errors["ms_onset_date"][0]
    assert form.errors["therapies"][0].startswith("line 1, stop: ")
    negative = client.post("/screening/new/", {**form_data(EXAMPLE), "egfr": "-3"})
    assert "greater than or equal to 0" in negative.context["form"].errors["egfr"][0]
    assert Screening.objects.count() == 0


def test_a_malformed_line_is_refused_at_its_field(nurse: Any) -> None:
    data = form_data(EXAMPLE)
    data["mri"] = "2025-09-01 two"
    page = signed_in(nurse).post("/screening/new/", data)
    assert "line 1: expected a date and a GEL count" in page.context["form"].errors["mri"][0]


def test_save_consent_and_withdraw_through_the_pages(nurse: Any) -> None:
    client = signed_in(nurse)
    saved = client.post("/screening/new/", form_data(EXAMPLE))
    assert saved.status_code == 302
    code = Screening.objects.get().code
    detail = client.get(f"/screening/{code}/")
    assert "Record consent" in detail.content.decode()
    assert (
        client.post(f"/screening/{code}/consent/", {"consent_date": "2026-01-10", "version": "1"}).status_code
        == 302
    )
    assert client.post(f"/screening/{code}/withdraw/", {"reason": "", "version": "2"}).status_code == 400
    assert (
        client.post(f"/screening/{code}/withdraw/", {"reason": "moved abroad", "version": "2"}).status_code
        == 302
    )
    log = client.get("/screening/").content.decode()
    assert code in log and "Withdrawn before randomisation" in log


def test_consent_refused_for_a_not_eligible_candidate_shows_why(nurse: Any) -> None:
    client = signed_in(nurse)
    code = services.create_screening(nurse, candidate(edss=7.0)).code
    page = client.post(f"/screening/{code}/consent/", {"consent_date": "2026-01-10"})
    assert page.status_code == 400
    assert "only an eligible candidate can consent" in page.content.decode()


def test_editing_screens_again(nurse: Any) -> None:
    client = signed_in(nurse)
    code = services.create_screening(nurse, candidate(consent=None)).code
    form = client.get(f"/screening/{code}/edit/")
    assert form.status_code == 200
    assert client.post(f"/screening/{code}/edit/", {**form_data(EXAMPLE), "version": "1"}).status_code == 302
    assert Screening.objects.get(code=code).outcome == "eligible"


def test_another_sites_screening_page_is_404(nurse: Any, other_site_nurse: Any) -> None:
    code = services.create_screening(other_site_nurse, EXAMPLE).code
    assert signed_in(nurse).get(f"/screening/{code}/").status_code == 404
