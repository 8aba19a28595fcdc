"""Two trials that differ only in the arms (the blinding-leak suite's instrument, tests/web/allocation):
every report and export a blinded role can take must be the same bytes in both; the unblinded
ones must differ, or the comparison proves nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from mesems.access import Role
from mesems.access.datasets import EXPORT_ROLES, REPORT_ROLES
from mesems.access.roles import is_blinded
from tests.web.allocation.worlds import reset_sequences
from tests.web.datasets.trial import Clock, build_trial

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

BLINDED_TAKERS = sorted(r for r in REPORT_ROLES | EXPORT_ROLES if is_blinded(r))
HEADERS = ("Content-Type", "Content-Disposition", "X-Mesems-Snapshot-Digest", "X-Mesems-File-Digest", "X-Mesems-Protocol", "X-Mesems-Version")


CSRF = re.compile(rb'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def _taken(answer: Any) -> tuple[int, bytes, tuple[str, ...]]:
    """Status, bytes and headers; on a page the CSRF token (random per session) is masked."""
    return answer.status_code, CSRF.sub(rb"\1CSRF", answer.content), tuple(answer.get(h, "") for h in HEADERS)


def world(monkeypatch: pytest.MonkeyPatch, flip: bool) -> dict[str, tuple[int, bytes, tuple[str, ...]]]:
    from mesems.protocol import load_protocol
    from mesems.web.apps.trials.services import install_protocol

    taken = {}
    sid = transaction.savepoint()
    reset_sequences()
    clock = Clock()
    monkeypatch.setattr("django.utils.timezone.now", clock)
    install_protocol(load_protocol())
    users = build_trial(clock, 6, flip=flip)
    for role in BLINDED_TAKERS:
        client = Client()
        client.force_login(users[role])
        taken[f"{role} page report"] = _taken(client.post("/reports/report/", {"variant": "blinded", "format": "html"}))
        taken[f"{role} page csv"] = _taken(client.post("/reports/export/", {"kind": "csv", "variant": "blinded"}))
        taken[f"{role} page listing"] = _taken(client.get("/reports/"))
    client = Client()
    client.force_login(users[Role.DATA_MANAGER])
    for kind in ("odm", "sdtm"):
        taken[f"api {kind}"] = _taken(client.post("/api/exports", {"kind": kind, "variant": "blinded"}, content_type="application/json"))
    taken["api report"] = _taken(client.post("/api/reports", {"variant": "blinded"}, content_type="application/json"))
    unblinded = Client()
    unblinded.force_login(users[Role.UNBLINDED_STATISTICIAN])
    taken["unblinded csv"] = _taken(unblinded.post("/reports/export/", {"kind": "csv", "variant": "unblinded"}))
    transaction.savepoint_rollback(sid)
    return taken


def test_blinded_reports_and_exports_are_the_same_bytes_when_the_arms_are_swapped(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = world(monkeypatch, False), world(monkeypatch, True)
    assert first.keys() == second.keys()
    assert first["unblinded csv"][0] == 200 and first["unblinded csv"] != second["unblinded csv"], "the worlds must differ unblinded"
    for key in first:
        if key != "unblinded csv":
            assert first[key][0] == 200, key
            assert first[key] == second[key], f"{key}: a blinded role can tell the arms apart"
            assert b"MSC-placebo" not in first[key][1] and b"placebo-MSC" not in first[key][1], key
