"""Walks every API operation (from the OpenAPI schema) and every URL pattern (from Django's resolver)
as each role, a site-bound monitor and a visitor, and checks each answer against the authorisation
matrix (`mesems.access.matrix`). A route without a row fails `test_every_route_has_a_row`, naming it.

On the way, every page that answers is checked for a CSRF token in each POST form and for the
security headers.

Path parameters are filled from `PATH_EXAMPLES`: a parameter named there is tried with a record of
the user's own site and one of another site, which is how own-site-only rows (S) are proven.
A parameter not named there gets a value that exists nowhere (a number for a numeric parameter): a denied role must still get 403,
an allowed one anything but 403. Add a line to `PATH_EXAMPLES` for the stronger check.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from mesems.access import MATRIX, Access, access
from mesems.web.access import api_operations, openapi_path
from tests.web.figures import record_figure
from tests.web.principals import OTHER, OTHER_PARTICIPANT, OWN, PATH_EXAMPLES, PRINCIPALS, Actor, Principal, fast_hashing, world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

NOWHERE = "ZZ-NOWHERE-0000"
NOWHERE_NUMBER = "999999999"


@dataclass(frozen=True)
class Route:
    action: str
    method: str
    params: tuple[str, ...]
    build: Callable[[dict[str, str]], str]
    body: Any = None
    numeric: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Answer:
    status: int
    location: str
    text: str
    headers: dict[str, str]


def _example(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """A small value that satisfies `schema`, so an allowed call reaches the operation itself."""
    if "$ref" in schema:
        return _example(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return _example(options[0], components)
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "object":
        return {name: _example(schema["properties"][name], components) for name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind in ("integer", "number"):
        return max(schema.get("minimum", 1), 1)
    if kind == "boolean":
        return False
    formats = {"date": "2026-01-15", "date-time": "2026-01-15T10:00:00Z", "email": "someone@example.org", "uuid": "00000000-0000-4000-8000-000000000000"}
    return formats.get(schema.get("format", ""), "x" * max(schema.get("minLength", 1), 1))


def api_routes() -> list[Route]:
    from mesems.web.api import api

    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    routes = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            path_params = [p for p in operation.get("parameters", []) if p["in"] == "path"]
            params = tuple(p["name"] for p in path_params)
            numeric = frozenset(p["name"] for p in path_params if p.get("schema", {}).get("type") == "integer")
            body_schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            body = _example(body_schema, components) if body_schema else None
            routes.append(Route(f"api:{operation['operationId']}", method.upper(), params, lambda values, p=path: p.format(**values), body, numeric))
    return routes


def _patterns(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str | None, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        else:
            name = f"{namespace}:{entry.name}".strip(":") if entry.name else None
            yield prefix + str(entry.pattern), name, entry


def page_routes() -> tuple[list[Route], list[str]]:
    """Every URL pattern that is not an API operation, and the routes that have no name."""
    operations = {path for (_method, path) in api_operations()}
    routes, unnamed = [], []
    for route, name, entry in _patterns(get_resolver().url_patterns):
        if openapi_path(route) in operations:
            continue
        if name is None:
            unnamed.append(route)
            continue
        converters = getattr(entry.pattern, "converters", None) or {}
        params = tuple(converters) or tuple(getattr(entry.pattern, "regex", re.compile("")).groupindex)
        numeric = frozenset(p for p, c in converters.items() if isinstance(c, IntConverter))
        routes.append(Route(f"page:{name}", "GET", params, lambda values, n=name: reverse(n, kwargs=values), numeric=numeric))
    return routes, unnamed


def _call(route: Route, url: str, user: Any, token: str | None) -> Answer:
    client = Client()
    headers = {}
    if route.action.startswith("api:"):
        if token:
            headers["Authorization"] = f"Bearer {token}"
    elif user is not None:
        client.force_login(user)
    send = getattr(client, route.method.lower())
    kwargs: dict[str, Any] = {"headers": headers}
    if route.body is not None:
        kwargs.update(data=route.body, content_type="application/json")
    response = send(url, **kwargs)
    if response.status_code == 405 and route.method == "GET":
        response = client.post(url, headers=headers)
    text = response.content.decode(errors="replace") if not getattr(response, "streaming", False) else ""
    return Answer(response.status_code, response.headers.get("Location", ""), text, dict(response.headers))


def outcome(route: Route, answer: Answer) -> str:
    """allowed (the operation ran or refused its input), denied (403 from the matrix or the role), hidden (404), signin (401 or the login page), error."""
    if answer.status >= 500:
        return "error"
    if answer.status == 401 or (answer.status in (301, 302, 303) and answer.location.startswith("/login/") and not route.action.startswith("page:logout")):
        return "signin"
    if answer.status == 403 and _refused_field(answer):
        return "allowed"
    if answer.status == 404 and not route.params and _refused_field(answer):  # a reference in the body
        return "allowed"
    return {403: "denied", 404: "hidden"}.get(answer.status, "allowed")


def _refused_field(answer: Answer) -> bool:
    """Whether the refusal names a field. A 403 naming one (a re-entered password, a second-factor code)
    is the operation refusing its input: the matrix's 403 never names a field. A 404 naming one on a
    route without path parameters is a record named in the body that does not exist, not a hidden address."""
    if "application/json" not in answer.headers.get("Content-Type", ""):
        return False
    try:
        return bool(json.loads(answer.text).get("field"))
    except (ValueError, AttributeError):
        return False


def expected(principal: Principal, route: Route, variant: str) -> set[str]:
    """What the matrix promises for this principal on this route, with a record of the `variant` site."""
    row = MATRIX[route.action]
    if row.public:  # not gated: whatever the route itself answers, but never "sign in first" for the API
        return {"allowed", "hidden", "denied"} | ({"signin"} if route.action.startswith("page:") else set())
    if principal.role is None:
        return {"signin"}
    granted = access(principal.role, route.action)
    if granted is Access.DENY:
        return {"denied"}
    if variant == "nowhere":
        return {"allowed", "hidden"}
    if granted is Access.OWN_SITE and principal.site is not None and variant == OTHER:
        return {"hidden"}
    return {"allowed"}


def variants(route: Route) -> list[tuple[str, dict[str, str]]]:
    if not route.params:
        return [("none", {})]
    if all(p in PATH_EXAMPLES for p in route.params):
        return [(site, {p: PATH_EXAMPLES[p](site) for p in route.params}) for site in (OWN, OTHER)]
    return [("nowhere", {p: PATH_EXAMPLES[p](OWN) if p in PATH_EXAMPLES else NOWHERE_NUMBER if p in route.numeric else NOWHERE for p in route.params})]


def page_problems(route: Route, answer: Answer) -> list[str]:
    """A page that answers must carry a CSRF token in every POST form and the security headers."""
    problems = []
    if "text/html" in answer.headers.get("Content-Type", "") and answer.status == 200:
        for form in re.findall(r"<form\b[^>]*>.*?</form>", answer.text, flags=re.S | re.I):
            if re.search(r"method\s*=\s*[\"']?post", form, flags=re.I) and "csrfmiddlewaretoken" not in form:
                problems.append(f"{route.action}: a POST form without a CSRF token")
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Cache-Control"):
        if header not in answer.headers:
            problems.append(f"{route.action}: no {header} header")
    if answer.headers.get("X-Frame-Options") != "DENY":
        problems.append(f"{route.action}: X-Frame-Options is not DENY")
    return problems


def all_routes() -> list[Route]:
    return api_routes() + page_routes()[0]


def test_every_route_has_a_row() -> None:
    routes = all_routes()
    missing = [f"{r.action} ({r.method})" for r in routes if r.action not in MATRIX]
    unnamed = page_routes()[1]
    assert not missing and not unnamed, (
        "routes without a row in the authorisation matrix (add one to src/mesems/access/matrix.py): "
        + ", ".join(missing)
        + ("; URL patterns without a name (name them so the matrix can refer to them): " + ", ".join(unnamed) if unnamed else "")
    )


def test_every_row_names_a_route() -> None:
    known = {r.action for r in all_routes()}
    stale = [a for a in MATRIX if not a.startswith("export:") and a not in known]
    assert not stale, f"matrix rows whose route no longer exists: {', '.join(stale)}"


@pytest.mark.parametrize("principal", PRINCIPALS, ids=[p.label for p in PRINCIPALS])
def test_every_answer_matches_the_matrix(principal: Principal, world: dict[str, Actor]) -> None:
    user, token = world[principal.label].user, world[principal.label].token
    mismatches: list[str] = []
    checks = 0
    for route in all_routes():
        if route.action not in MATRIX:
            continue
        for variant, values in variants(route):
            answer = _call(route, route.build(values), user, token)
            got, want = outcome(route, answer), expected(principal, route, variant)
            checks += 1
            if got not in want:
                mismatches.append(f"{route.method} {route.build(values)} ({route.action}, {variant} site): got {answer.status} ({got}), the matrix says {' or '.join(sorted(want))}")
            bound = principal.site is not None and access(principal.role, route.action) is Access.OWN_SITE
            if got == "allowed" and bound and variant in ("none", OWN) and OTHER_PARTICIPANT in answer.text:
                mismatches.append(f"{route.action}: shows another site's participant to {principal.label}")
            if route.action.startswith("page:") and got == "allowed":
                mismatches += page_problems(route, answer)
    record_figure(f"matrix-{principal.label}", checks=checks, routes=len([r for r in all_routes() if r.action in MATRIX]))
    assert not mismatches, f"{principal.label}:\n" + "\n".join(mismatches)
