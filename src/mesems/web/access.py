"""Enforcing the authorisation matrix (`mesems.access.matrix`) on every route.

Every API operation is checked by the API's authentication classes (`mesems.web.api`) before
its input is read, and every page by `MatrixMiddleware` before its view runs: an app adds a
route and a row in the matrix, nothing else. A route without a row is left to its own checks
and fails `tests/web/test_access.py`, which names it. Actions that are not routes of their own
(an export offered by a page that offers several) call `authorise(user, "export:<name>")`.

Own-site-only rows (S) are enforced where the records are read: `visible_participants` and
`scope_to_site` filter by the user's site, so another site's record is "not found".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mesems.access import MATRIX, Access, access
from mesems.errors import AccessDenied
from mesems.web.apps.accounts.services import role_of

_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def openapi_path(route: str) -> str:
    """A Django route (`api/participants/<code>`) as an OpenAPI path (`/api/participants/{code}`)."""
    return "/" + _CONVERTER.sub(r"{\1}", route).lstrip("/")


@functools.lru_cache(maxsize=1)
def api_operations() -> dict[tuple[str, str], str]:
    """(METHOD, OpenAPI path) -> operationId of every API operation."""
    from mesems.web.api import api

    schema = api.get_openapi_schema()
    return {(method.upper(), path): op["operationId"] for path, ops in schema["paths"].items() for method, op in ops.items()}


def route_action(request: HttpRequest) -> str | None:
    """The matrix action of the route that `request` resolved to: `api:<operationId>` or `page:<url name>`."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    operation = api_operations().get((str(request.method).upper(), openapi_path(match.route)))
    return f"api:{operation}" if operation else f"page:{match.view_name}"


def authorise(user: Any, action: str) -> Access:
    """What the matrix grants `user` for `action`; raises AccessDenied where it denies (or has no row)."""
    role = role_of(user)
    granted = access(role, action)
    if not granted.permits:
        who = f"your role ({role.label})" if role else "an account without a trial role"
        raise AccessDenied(f"{who} may not do this ({action})")
    return granted


def authorise_route(request: HttpRequest, user: Any) -> None:
    """Checks the current route against the matrix; a route without a row is left to its own checks."""
    action = route_action(request)
    if action is not None and action in MATRIX:
        authorise(user, action)


class MatrixMiddleware:
    """Refuses a page the matrix denies before its view runs: 403, or the login page for a visitor."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any) -> HttpResponse | None:
        action = route_action(request)
        if action is None or action.startswith("api:") or action not in MATRIX or MATRIX[action].public:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            authorise(request.user, action)
        except AccessDenied as refusal:
            return render(request, "403.html", {"message": refusal.message}, status=403)
        return None
