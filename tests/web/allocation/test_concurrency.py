"""Race safety over HTTP on PostgreSQL: 200 allocation requests sent at once by 200 clients across
eight strata, with retries and duplicates mixed in, to the web app as it is served. Zero duplicates,
zero skipped positions, every participant allocated once."""

from __future__ import annotations

import random
import secrets
import threading
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from mesems.access import Role
from mesems.web.apps.allocation.models import Allocation, StratumCounter
from mesems.web.apps.allocation.services import generate_and_load
from mesems.web.apps.allocation.verification import verify_stored_list

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SITES = ("SE-KAR", "IT-01", "GB-01", "ES-01")
COURSES = ("RR", "SP")
CLIENTS = 200


def _token_for(user: Any) -> str:
    from mesems.web.apps.accounts.models import ApiToken

    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_digest=ApiToken.digest(key))
    return key


def test_200_concurrent_requests_allocate_each_participant_once_without_gaps(served_app: Any, no_product_gate: Any, consented: Any, make_user: Any) -> None:
    generate_and_load("concurrency-seed", per_stratum=30)
    participants = [(site, f"{site}-{i:04d}") for site in SITES for i in range(40)]
    for i, (site, code) in enumerate(participants):
        consented(code, site, COURSES[i % 2])
    tokens = {site: f"Bearer {_token_for(make_user(Role.NURSE, site))}" for site in SITES}
    base_url = served_app()

    requests = [(site, code, f"first-{code}") for site, code in participants]
    rng = random.Random(20260101)
    requests += [(site, code, f"first-{code}") for site, code in rng.sample(participants, 20)]  # retries of the same request
    requests += [(site, code, f"other-{code}") for site, code in rng.sample(participants, 20)]  # a second, different request
    rng.shuffle(requests)
    assert len(requests) == 200

    start = threading.Barrier(CLIENTS)

    def send(item: tuple[str, str, str]) -> tuple[str, str, int, dict[str, Any]]:
        site, code, request_id = item
        with httpx.Client(base_url=base_url, timeout=300) as client:
            client.get("/login/")  # connected before the start, so that all requests leave together
            start.wait()
            answer = client.post("/api/allocations", json={"participant": code, "request_id": request_id}, headers={"Authorization": tokens[site]})
        return code, request_id, answer.status_code, answer.json()

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(send, requests))

    statuses = Counter(status for _, _, status, _ in results)
    assert set(statuses) <= {200, 409}, statuses
    refused = [body["code"] for _, _, status, body in results if status == 409]
    assert set(refused) <= {"already_randomised"}, refused

    allocations = list(Allocation.objects.select_related("participant"))
    assert len(allocations) == len(participants) == len({a.participant_id for a in allocations})
    assert sorted(int(a.randomisation_number[2:]) for a in allocations) == list(range(1, len(participants) + 1))
    assert len({a.product_code for a in allocations}) == len(allocations)
    by_stratum: dict[str, list[int]] = defaultdict(list)
    for allocation in allocations:
        by_stratum[allocation.stratum].append(allocation.position)
    assert len(by_stratum) == len(SITES) * len(COURSES)
    for stratum, positions in by_stratum.items():
        assert sorted(positions) == list(range(1, len(positions) + 1)), stratum
        assert StratumCounter.objects.get(stratum=stratum).next_position == len(positions) + 1

    # Of a participant's requests, whichever id came first won; every request with that id (a retry
    # included) is answered with the one allocation, every other id is refused.
    won = {a.participant.code: (a.request_id, a.randomisation_number) for a in allocations}
    for code, request_id, status, body in results:
        winner, number = won[code]
        if request_id == winner:
            assert (status, body["randomisation_number"]) == (200, number), (code, request_id, body)
        else:
            assert (status, body["code"]) == (409, "already_randomised"), (code, request_id, body)
    assert verify_stored_list().ok
    print(f"\nconcurrency: {len(requests)} requests from {CLIENTS} clients -> {statuses[200]} answered 200, {statuses[409]} refused 409; "
          f"{len(allocations)} allocations, 0 duplicates, 0 skipped positions in {len(by_stratum)} strata")


def test_postgresql_refuses_raw_changes_to_allocations(no_product_gate: Any, consented: Any, make_user: Any) -> None:
    from django.db import DatabaseError, connection, transaction

    from mesems.web.apps.allocation.services import allocate_next

    generate_and_load("trigger-seed-1", per_stratum=4)
    allocate_next(consented("SE-KAR-0001"), make_user(Role.NURSE, "SE-KAR"), "req-trigger-1")
    for statement in ("UPDATE allocation_allocation SET sequence = 'x'", "DELETE FROM allocation_allocation"):
        with pytest.raises(DatabaseError, match="cannot be changed or deleted"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert Allocation.objects.count() == 1
