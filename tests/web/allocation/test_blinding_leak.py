"""The blinding-leak suite: every blinded role walks every page (from the URL patterns) and every
API path (from the OpenAPI schema), plus refusals, in two worlds whose arms are swapped. Nothing a
blinded user gets may differ between the worlds (names, order by arm, per-arm counts, shape or
length of answers), and no arm name may appear at all. New pages and endpoints are walked
automatically; a new path parameter is filled with participant and product codes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from mesems.access import Role, is_blinded
from tests.web.allocation.worlds import PARTICIPANTS, WAITING, bag_codes, build_world, deterministic_codes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

BLINDED = [role for role in Role if is_blinded(role)]
SKIPPED_PREFIXES = ("api/", "i18n/", "login/", "logout/", "static/")
DESIGN_PAGES: set[str] = set()
"""URL names of pages that describe the protocol's design (which may name the arms); none yet."""
ARM_WORDS = ("MSC-placebo", "placebo-MSC", "Early MSC", "Delayed MSC", "MSC then placebo", "placebo then MSC")
JSON_KEYS = ('"sequence"', '"sequence_label"', '"stratum"', '"position"', '"arm"', '"block"')

NORMALISE = [
    (re.compile(r'(csrfmiddlewaretoken" value=")[^"]+'), r"\1CSRF"),
    (re.compile(r'("X-CSRFToken": ")[^"]+'), r"\1CSRF"),
    (re.compile(r"web-[0-9a-f-]{36}"), "REQUEST-ID"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"), "TIME"),
    (re.compile(r"data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"), "QR"),
    (re.compile(r"\b[0-9a-f]{40,64}\b"), "HEX"),
    (re.compile(r"<code>[A-Z2-7]{32}</code>"), "<code>TOTP-KEY</code>"),
]


def normalise(text: str) -> str:
    for pattern, replacement in NORMALISE:
        text = pattern.sub(replacement, text)
    return text


def route_patterns(resolvers: list[URLPattern | URLResolver] | None = None, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(route, name) of every page in the URL configuration."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if not route.startswith(SKIPPED_PREFIXES):
                yield from route_patterns(entry.url_patterns, route)
        elif not route.startswith(SKIPPED_PREFIXES):
            yield route, entry.name or route


def fill(route: str, values: list[str]) -> list[str]:
    """The route once per value, every parameter (<conv:name> or {name}) given that value (ints: 1 and 2)."""
    params = re.findall(r"<(?:\w+:)?\w+>|\{\w+\}", route)
    if not params:
        return [route]
    urls = []
    for value in values:
        url = route
        for param in params:
            url = url.replace(param, "1" if param.startswith("<int:") else value, 1)
        urls.append(url)
    return sorted(set(urls))


def api_paths() -> Iterator[tuple[str, str]]:
    from mesems.web.api import api

    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method in operations:
            yield method.upper(), path


def walk(client: Client, values: list[str]) -> dict[str, str]:
    seen: dict[str, str] = {}
    for route, name in route_patterns():
        if name in DESIGN_PAGES:
            continue
        for url in fill("/" + route, values):
            answer = client.get(url)
            seen[f"GET {url}"] = f"{answer.status_code} {normalise(answer.content.decode())}"
    for method, path in api_paths():
        if path in {"/api/auth/token"}:
            continue
        for url in fill(path, values):
            answer = client.get(url) if method == "GET" else client.post(url, {}, content_type="application/json")
            seen[f"{method} {url}"] = f"{answer.status_code} {normalise(answer.content.decode())}"
    for code, _ in PARTICIPANTS[:2] + [(WAITING[1][0], "")]:
        for body in ({"participant": code, "request_id": "walk-again-0001"}, {"participant": code, "request_id": f"walk-{code}"}):
            answer = client.post("/api/allocations", body, content_type="application/json")
            seen[f"POST /api/allocations {body}"] = f"{answer.status_code} {normalise(answer.content.decode())}"
        answer = client.post(f"/api/allocations/{code}/emergency-unblinding", {"reason": "testing the refusal text", "otp_token": "000000"}, content_type="application/json")
        seen[f"POST unblind {code}"] = f"{answer.status_code} {normalise(answer.content.decode())}"
        answer = client.post(f"/allocation/participants/{code}/randomise/", {"request_id": "walk-page-0001"}, follow=True)
        seen[f"POST page randomise {code}"] = f"{answer.status_code} {normalise(answer.content.decode())}"
    for url, body in TAKINGS:
        answer = client.post(url, body, content_type="application/json") if url.startswith("/api/") else client.post(url, body)
        seen[f"POST {url} {body}"] = f"{answer.status_code} {taken_text(answer)}"
    return seen


TAKINGS = [(url, {**body, "variant": variant}) for variant in ("blinded", "unblinded")
           for url, body in (("/reports/report/", {"format": "html"}), ("/reports/export/", {"kind": "csv"}),
                             ("/api/reports", {"format": "html"}), ("/api/exports", {"kind": "odm"}))]
"""Reports and exports asked for on the page and over the API (tests/web/datasets compares their bytes)."""


def taken_text(answer: Any) -> str:
    """A file handed over is named by its type (its bytes are compared in tests/web/datasets); text is normalised."""
    kind = answer.get("Content-Type", "")
    if kind.startswith(("application/zip", "application/xml", "application/pdf")):
        return kind
    return normalise(answer.content.decode())


def world_walks(monkeypatch: Any, flip: bool, roles: list[Role]) -> dict[Role, dict[str, str]]:
    from mesems.web.apps.allocation.models import Allocation

    walks: dict[Role, dict[str, str]] = {}
    sid = transaction.savepoint()
    with deterministic_codes(monkeypatch):
        users = build_world(flip)
        values = [code for code, *_ in PARTICIPANTS[:3] + WAITING] + sorted(Allocation.objects.values_list("product_code", flat=True))[:1] + [bag_codes(0)[1], "P-W22Z"]
        for role in roles:
            client = Client()
            client.force_login(users[role])
            walks[role] = walk(client, values)
    transaction.savepoint_rollback(sid)
    return walks


def test_blinded_roles_see_the_same_in_both_worlds_and_no_arm(db: Any, monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    roles = BLINDED + [Role.UNBLINDED_STATISTICIAN]
    first = world_walks(monkeypatch, False, roles)
    second = world_walks(monkeypatch, True, roles)

    unblinded_differences = [k for k in first[Role.UNBLINDED_STATISTICIAN] if first[Role.UNBLINDED_STATISTICIAN][k] != second[Role.UNBLINDED_STATISTICIAN].get(k)]
    assert unblinded_differences, "the two worlds must differ for an unblinded role, or the walk proves nothing"

    for role in BLINDED:
        assert first[role].keys() == second[role].keys()
        walked_ok = [k for k, v in first[role].items() if v.startswith("200")]
        assert len(walked_ok) >= 10, f"{role}: too few pages answered to prove anything"
        for key, answer in first[role].items():
            assert answer == second[role][key], f"{role.value} can tell the arms apart at {key}"
            for word in ARM_WORDS:
                assert word not in answer, f"{role.value} sees {word!r} at {key}"
            if key.split(" ")[1].startswith("/api/"):
                for json_key in JSON_KEYS:
                    assert json_key not in answer, f"{role.value} gets {json_key} at {key}"
