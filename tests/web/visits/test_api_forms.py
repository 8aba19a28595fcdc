"""Every MESEMS form over the API: a good record is saved with its derived fields, a bad value is
refused with a 422 naming the field (the same core rule as the page)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from mesems.access import Role
from tests.web.visits.conftest import days_ago, install_without_cell_product, report, site_today, week0

pytestmark = pytest.mark.django_db
CODE = "SE-KAR-0001"


@pytest.fixture
def nurse(randomised: Any, api: Any) -> Any:
    from mesems.web.apps.visits.models import ConsentFormVersion

    ConsentFormVersion.objects.create(version="1.0", effective_from=dt.date(2013, 1, 1))
    participant = randomised(CODE, weeks_ago=5)
    client = api(Role.NURSE)
    assert report(client, CODE, "W00", week0(participant)).status_code == 200
    client.week0 = week0(participant).isoformat()
    return client


def _ae(nurse: Any, **change: Any) -> dict[str, Any]:
    body = {
        "term": "headache after infusion",
        "soc": "Nervous system disorders",
        "pt": "headache",
        "grade": 2,
        "causality": "possible",
        "outcome": "recovering",
        "start_date": days_ago(20),
        "visit": "W00",
        **change,
    }
    answer = nurse.post(f"/participants/{CODE}/crf/adverse-event", body)
    assert answer.status_code == 201, answer.json()
    return answer.json()


def _weight(nurse: Any) -> None:
    assert (
        nurse.post(
            f"/participants/{CODE}/crf/weight", {"visit": "W00", "measured_on": nurse.week0, "weight_kg": 70}
        ).status_code
        == 201
    )


def _weight_and_free_text_codes(nurse: Any) -> None:
    """The form's own rules, without the bedside check (tests/web/visits/test_infusion_bedside.py)."""
    install_without_cell_product()
    _weight(nurse)


Case = tuple[str, Callable[[Any], dict[str, Any]], dict[str, Any], str, Callable[[Any], None] | None]
CASES: list[Case] = [
    (
        "demographics",
        lambda n: {"birth_date": "1985-04-01", "sex": "F", "height_cm": 168},
        {"birth_date": "2999-01-01"},
        "birth_date",
        None,
    ),
    (
        "ms-history",
        lambda n: {
            "onset_date": "2015-01-01",
            "diagnosis_date": "2016-01-01",
            "ms_course": "RR",
            "relapses_prior_12m": 1,
            "csf_oligoclonal_bands": "yes",
        },
        {"diagnosis_date": "2014-01-01"},
        "diagnosis_date",
        None,
    ),
    (
        "consent",
        lambda n: {"form_version": "1.0", "consented_on": days_ago(60)},
        {"form_version": "9.9"},
        "form_version",
        None,
    ),
    (
        "vital-signs",
        lambda n: {
            "visit": "W00",
            "measured_on": n.week0,
            "systolic_bp": 120,
            "diastolic_bp": 80,
            "heart_rate": 70,
        },
        {"systolic_bp": 1200},
        "systolic_bp",
        None,
    ),
    (
        "weight",
        lambda n: {"visit": "W00", "measured_on": n.week0, "weight_kg": 70},
        {"weight_kg": 700},
        "weight_kg",
        None,
    ),
    (
        "labs",
        lambda n: {"visit": "W00", "sampled_on": n.week0, "wbc": 3.1, "egfr": 90},
        {"egfr": 500},
        "egfr",
        None,
    ),
    (
        "edss",
        lambda n: {"visit": "W00", "assessed_on": n.week0, "edss": 3.5, "fs_pyramidal": 2},
        {"edss": 3.25},
        "edss",
        None,
    ),
    (
        "mri",
        lambda n: {
            "visit": "W00",
            "scan_date": n.week0,
            "gel": 2,
            "new_t2": 0,
            "t2_volume_ml": 5.5,
            "black_holes": 1,
        },
        {"gel": -1},
        "gel",
        None,
    ),
    (
        "infusion",
        lambda n: {
            "visit": "W00",
            "infused_on": n.week0,
            "product_code": "MSB-0001",
            "dose_per_kg": 1.5e6,
            "volume_ml": 100,
        },
        {"dose_per_kg": 5e6},
        "dose_per_kg",
        _weight_and_free_text_codes,
    ),
    (
        "relapse",
        lambda n: {"onset_date": days_ago(10), "symptoms": "optic neuritis", "duration_hours": 72},
        {"duration_hours": 12},
        "duration_hours",
        None,
    ),
    (
        "conmed",
        lambda n: {
            "drug": "Solu-Medrol",
            "indication": "relapse",
            "start_date": days_ago(10),
            "ongoing": True,
        },
        {"stop_date": days_ago(20), "ongoing": False},
        "stop_date",
        None,
    ),
    (
        "deviation",
        lambda n: {
            "category": "procedure",
            "description": "MRI sequence missing",
            "found_how": "site_report",
            "found_on": days_ago(0),
        },
        {"category": "nonsense"},
        "category",
        None,
    ),
    (
        "end-of-study",
        lambda n: {"status": "withdrawn", "end_date": days_ago(0), "reason": "moved away"},
        {"status": "completed", "reason": ""},
        "status",
        None,
    ),
    (
        "adverse-event",
        lambda n: {
            "term": "headache",
            "soc": "Nervous system disorders",
            "pt": "headache",
            "grade": 2,
            "causality": "possible",
            "outcome": "recovering",
            "start_date": days_ago(20),
            "visit": "W00",
        },
        {"grade": 6},
        "grade",
        None,
    ),
    (
        "sae",
        lambda n: {
            "adverse_event": _ae(
                n,
                serious_hospitalisation=True,
                term="pneumonia",
                soc="Infections and infestations",
                pt="Pneumonia",
            )["id"],
            "aware_on": days_ago(2),
            "narrative": "admitted with pneumonia",
        },
        {"aware_on": days_ago(40)},
        "aware_on",
        None,
    ),
]


@pytest.mark.parametrize(("slug", "good", "bad", "field", "prepare"), CASES, ids=[c[0] for c in CASES])
def test_form_saves_and_refuses_at_the_field(
    nurse: Any, slug: str, good: Any, bad: dict[str, Any], field: str, prepare: Any
) -> None:
    if prepare:
        prepare(nurse)
    body = good(nurse)
    refused = nurse.post(f"/participants/{CODE}/crf/{slug}", {**body, **bad})
    assert refused.status_code == 422, refused.json()
    assert field in {e["field"] for e in refused.json()["errors"]}, refused.json()
    saved = nurse.post(f"/participants/{CODE}/crf/{slug}", body)
    assert saved.status_code == 201, saved.json()
    record = saved.json()
    assert record["version"] == 1 and record["participant"] == CODE and record["created_by"] == "nurse-se-kar"
    assert nurse.get(f"/crf/{slug}/{record['id']}").json() == record
    assert (
        [r["id"] for r in nurse.get(f"/participants/{CODE}/crf/{slug}").json()] == [record["id"]]
        if slug != "adverse-event"
        else True
    )
    audit = nurse.get(f"/crf/{slug}/{record['id']}/audit").json()
    assert [e["action"] for e in audit] == ["create"]


def test_derived_fields(nurse: Any) -> None:
    ae = _ae(nurse, start_date=days_ago(1))
    assert ae["period"] == 1 and ae["pt"] == "Headache" and ae["coded"] is True and ae["serious"] is False
    labs = nurse.post(
        f"/participants/{CODE}/crf/labs", {"visit": "W00", "sampled_on": nurse.week0, "wbc": 3.1}
    ).json()
    assert "white-cell count 3.1" in labs["flags"]
    conmed = nurse.post(
        f"/participants/{CODE}/crf/conmed",
        {"drug": "Tysabri", "indication": "MS", "start_date": days_ago(3), "ongoing": True},
    ).json()
    assert conmed["drug_class"] == "natalizumab" and "exclusion 5" in conmed["flag"]
    _weight_and_free_text_codes(nurse)
    infusion = nurse.post(
        f"/participants/{CODE}/crf/infusion",
        {
            "visit": "W00",
            "infused_on": nurse.week0,
            "product_code": "B1",
            "dose_per_kg": 2e6,
            "volume_ml": 90,
        },
    ).json()
    assert infusion["weight_kg"] == 70 and infusion["total_cells"] == 1.4e8


def test_sae_clock_due_dates_and_recomputed_when_the_event_changes(nurse: Any) -> None:
    ae = _ae(nurse, serious_life_threatening=True, causality="probable", expected=False, grade=4)
    sae = nurse.post(
        f"/participants/{CODE}/crf/sae",
        {"adverse_event": ae["id"], "aware_on": days_ago(3), "narrative": "ICU"},
    ).json()
    assert sae["clock_id"] == "susar_fatal_or_life_threatening"
    assert sae["due_on"] == (site_today() - dt.timedelta(days=3) + dt.timedelta(days=7)).isoformat()
    changed = nurse.put(
        f"/crf/adverse-event/{ae['id']}",
        {
            "serious_life_threatening": False,
            "serious_hospitalisation": True,
            "grade": 3,
            "version": 1,
            "reason": "re-assessed",
        },
    )
    assert changed.status_code == 200, changed.json()
    assert nurse.get(f"/crf/sae/{sae['id']}").json()["clock_id"] == "susar_other"
    not_related = nurse.put(
        f"/crf/adverse-event/{ae['id']}",
        {"causality": "unlikely", "version": 2, "reason": "investigator re-assessed causality"},
    )
    assert not_related.status_code == 200
    assert nurse.get(f"/crf/sae/{sae['id']}").json()["due_on"] is None


def test_sae_clocks_over_the_api_and_overdue(nurse: Any) -> None:
    ae = _ae(
        nurse, serious_death=True, grade=5, outcome="fatal", stop_date=days_ago(12), causality="definite"
    )
    nurse.post(
        f"/participants/{CODE}/crf/sae",
        {"adverse_event": ae["id"], "aware_on": days_ago(10), "narrative": "died"},
    )
    clocks = nurse.get("/sae-clocks").json()
    assert [(c["clock_id"], c["state"], c["days_left"]) for c in clocks] == [
        ("susar_fatal_or_life_threatening", "overdue", -3)
    ]
    from django.test import Client

    from mesems.web.apps.accounts.models import User

    page = Client()
    page.force_login(User.objects.get(username="nurse-se-kar"))
    assert "overdue by 3 days" in page.get("/site/").content.decode()


def test_visit_forms_need_the_visit_done_and_collecting_them(nurse: Any) -> None:
    vitals = {"measured_on": days_ago(0), "systolic_bp": 120, "diastolic_bp": 80, "heart_rate": 70}
    not_done = nurse.post(f"/participants/{CODE}/crf/vital-signs", {**vitals, "visit": "W04"})
    assert not_done.status_code == 422 and "record the date of visit W04" in not_done.json()["message"]
    assert report(nurse, CODE, "W04", site_today() - dt.timedelta(days=7)).status_code == 200
    infusion = nurse.post(
        f"/participants/{CODE}/crf/infusion",
        {"visit": "W04", "infused_on": days_ago(7), "product_code": "X", "dose_per_kg": 1e6, "volume_ml": 5},
    )
    assert infusion.status_code == 422 and infusion.json()["errors"][0]["rule"] == "not_collected"
    assert nurse.post(f"/participants/{CODE}/crf/vital-signs", vitals).json()["errors"][0]["field"] == "visit"
    assert nurse.post(f"/participants/{CODE}/crf/vital-signs", {**vitals, "visit": "W04"}).status_code == 201
    duplicate = nurse.post(f"/participants/{CODE}/crf/vital-signs", {**vitals, "visit": "W04"})
    assert duplicate.status_code == 422 and "already has" in duplicate.json()["message"]


def test_visit_outside_its_window_is_kept_and_logged_as_a_deviation(nurse: Any) -> None:
    early = site_today()  # W08's window opens in 14 days
    answer = report(nurse, CODE, "W08", early)
    assert answer.status_code == 200, answer.json()
    assert answer.json()["out_of_window"] is True and answer.json()["status"] == "done"
    deviations = nurse.get(f"/participants/{CODE}/crf/deviation").json()
    assert (
        len(deviations) == 1
        and deviations[0]["category"] == "visit_window"
        and deviations[0]["visit"] == "W08"
    )
    assert "14 day(s) before its window" in deviations[0]["description"]


def test_schedule_over_the_api(nurse: Any, make_participant: Any) -> None:
    schedule = nurse.get(f"/participants/{CODE}/schedule").json()
    assert [v["code"] for v in schedule][:3] == ["W00", "W04", "W08"]
    assert (
        schedule[0]["status"] == "done"
        and schedule[1]["status"] == "due"
        and schedule[2]["status"] == "upcoming"
    )
    unscheduled = nurse.post(f"/participants/{CODE}/unscheduled-visits", {"visit_date": days_ago(1)})
    assert unscheduled.status_code == 201 and unscheduled.json()["code"] == "U01"
    make_participant("SE-KAR-0009", "SE-KAR")
    not_randomised = nurse.post("/participants/SE-KAR-0009/schedule", {"randomisation_date": days_ago(0)})
    assert not_randomised.status_code == 409


def test_roles_that_may_not_enter(nurse: Any, api: Any) -> None:
    monitor = api(Role.MONITOR, None)
    body = {"visit": "W00", "measured_on": nurse.week0, "weight_kg": 70}
    assert monitor.post(f"/participants/{CODE}/crf/weight", body).status_code == 403
    assessor = api(Role.OUTCOME_ASSESSOR)
    assert assessor.post(f"/participants/{CODE}/crf/weight", body).status_code == 403
    assert (
        assessor.post(
            f"/participants/{CODE}/crf/edss", {"visit": "W00", "assessed_on": nurse.week0, "edss": 4.0}
        ).status_code
        == 201
    )
    assert assessor.get(f"/participants/{CODE}/crf/adverse-event").status_code == 403
