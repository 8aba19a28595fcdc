"""On PostgreSQL, over HTTP against a live server: site isolation of every form, query and page;
two users saving the same form at once (one wins, the other is told); the audit chain intact."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import httpx
import pytest

from mesems.access import Role
from tests.web.conftest import api_client, login_client
from tests.web.visits.conftest import site_today

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
MINE, THEIRS = "IT-01-0001", "SE-KAR-0001"


def test_database_is_postgresql() -> None:
    from django.db import connection

    assert connection.vendor == "postgresql"


@pytest.fixture
def two_sites(live_server: Any, randomised: Any, make_user: Any) -> dict[str, Any]:
    for code, site in ((MINE, "IT-01"), (THEIRS, "SE-KAR")):
        randomised(code, site, weeks_ago=5)
    users = {
        "it_nurse": make_user(Role.NURSE, "IT-01"),
        "se_nurse": make_user(Role.NURSE, "SE-KAR"),
        "se_investigator": make_user(Role.INVESTIGATOR, "SE-KAR"),
        "monitor": make_user(Role.MONITOR),
        "it_monitor": make_user(Role.MONITOR, "IT-01", "monitor-it"),
    }
    se = api_client(live_server.url, users["se_nurse"].username)
    week4 = (site_today() - dt.timedelta(days=7)).isoformat()
    assert (
        se.put(
            f"/api/participants/{THEIRS}/visits/W04",
            json={"visit_date": week4, "ae_review": "no", "conmed_review": "no", "relapse_review": "no"},
        ).status_code
        == 200
    )
    vitals = se.post(
        f"/api/participants/{THEIRS}/crf/vital-signs",
        json={"visit": "W04", "measured_on": week4, "systolic_bp": 120, "diastolic_bp": 80, "heart_rate": 70},
    )
    assert vitals.status_code == 201
    monitor = api_client(live_server.url, users["monitor"].username)
    query = monitor.post(
        "/api/queries",
        json={"kind": "vital-signs", "record_id": vitals.json()["id"], "field": "heart_rate", "text": "ECG?"},
    )
    assert query.status_code == 201
    return {
        "url": live_server.url,
        "users": users,
        "vitals": vitals.json()["id"],
        "query": query.json()["id"],
        "week4": week4,
    }


def test_another_sites_forms_do_not_exist_for_a_site_user(two_sites: dict[str, Any]) -> None:
    it = api_client(two_sites["url"], two_sites["users"]["it_nurse"].username)
    rid, week4 = two_sites["vitals"], two_sites["week4"]
    answers = [
        it.get(f"/api/crf/vital-signs/{rid}"),
        it.put(f"/api/crf/vital-signs/{rid}", json={"systolic_bp": 130, "version": 1, "reason": "x"}),
        it.get(f"/api/crf/vital-signs/{rid}/audit"),
        it.get(f"/api/participants/{THEIRS}/crf/vital-signs"),
        it.post(f"/api/participants/{THEIRS}/crf/adverse-event", json={"term": "x"}),
        it.get(f"/api/participants/{THEIRS}/schedule"),
        it.put(f"/api/participants/{THEIRS}/visits/W04", json={"visit_date": week4}),
        it.post(f"/api/queries/{two_sites['query']}/answer", json={"text": "x"}),
    ]
    assert [a.status_code for a in answers] == [404] * len(answers)
    assert it.get("/api/queries").json() == [] and it.get("/api/queries/counts").json() == {
        "sites": {},
        "participants": {},
    }
    it_monitor = api_client(two_sites["url"], "monitor-it")
    assert it_monitor.post(f"/api/crf/vital-signs/{rid}/verify").status_code == 404
    assert (
        it_monitor.post(
            "/api/queries", json={"kind": "vital-signs", "record_id": rid, "field": "heart_rate", "text": "?"}
        ).status_code
        == 404
    )
    central = api_client(two_sites["url"], two_sites["users"]["monitor"].username)
    assert central.get("/api/queries/counts").json()["sites"] == {"SE-KAR": 1}


def test_another_sites_pages_do_not_exist(two_sites: dict[str, Any]) -> None:
    it = login_client(two_sites["url"], two_sites["users"]["it_nurse"].username)
    dashboard = it.get("/site/")
    assert dashboard.status_code == 200 and MINE in dashboard.text and THEIRS not in dashboard.text
    for url in (
        f"/site/p/{THEIRS}/",
        f"/site/p/{THEIRS}/visits/W04/",
        f"/site/f/vital-signs/{two_sites['vitals']}/",
        f"/site/f/vital-signs/{two_sites['vitals']}/audit/",
    ):
        assert it.get(url).status_code == 404, url
    assert THEIRS not in it.get("/site/queries/").text


def test_two_users_saving_the_same_form_at_once(two_sites: dict[str, Any]) -> None:
    url, rid = two_sites["url"], two_sites["vitals"]
    clients = [api_client(url, two_sites["users"][name].username) for name in ("se_nurse", "se_investigator")]
    barrier = threading.Barrier(2)
    answers: list[httpx.Response] = []

    def save(client: httpx.Client, heart_rate: int) -> None:
        barrier.wait()
        answers.append(
            client.put(
                f"/api/crf/vital-signs/{rid}",
                json={"heart_rate": heart_rate, "version": 1, "reason": "re-measured"},
            )
        )

    threads = [threading.Thread(target=save, args=(c, hr)) for c, hr in zip(clients, (71, 72), strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(a.status_code for a in answers) == [200, 409]
    winner = next(a for a in answers if a.status_code == 200).json()
    loser = next(a for a in answers if a.status_code == 409).json()
    assert loser["code"] == "stale_edit" and "version 2" in loser["message"]
    stored = clients[0].get(f"/api/crf/vital-signs/{rid}").json()
    assert stored["heart_rate"] == winner["heart_rate"] and stored["version"] == 2
    actions = [e["action"] for e in clients[0].get(f"/api/crf/vital-signs/{rid}/audit").json()]
    assert actions == ["create", "update", "edit_refused"]

    from mesems.web.apps.audit.services import verify_audit_trail

    assert verify_audit_trail() == []
