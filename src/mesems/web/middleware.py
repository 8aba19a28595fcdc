"""Pages translate the core's refusals: not visible is 404, not allowed is 403, a refused input 400.

Also here: the security headers every answer carries, and the refusal of NUL characters,
which no field of a trial needs and PostgreSQL cannot store.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from mesems.errors import AccessDenied, MesemsError, NotFound
from mesems.web.validators import CONTROL_CHARACTER, ESCAPED_CONTROL_CHARACTER

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
"""The pages load only their own scripts and styles: no inline script, no inline style, no other origin."""

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


class MesemsErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, DataError):
            return render(request, "400.html", {"message": "A value does not fit its field (too long, or out of range)."}, status=400)
        if not isinstance(exception, MesemsError):
            return None
        status = 404 if isinstance(exception, NotFound) else 403 if isinstance(exception, AccessDenied) else 400
        template = {404: "404.html", 403: "403.html"}.get(status, "400.html")
        return render(request, template, {"message": exception.message}, status=status)


class SecurityHeadersMiddleware:
    """Adds the headers Django's SecurityMiddleware does not: a content security policy, a permissions
    policy, and `Cache-Control: no-store` so that no page or API answer with trial data is kept in a cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cache-Control", "no-store")
        return response


NUL_REFUSED = "NUL characters (\\u0000) and other control characters are not accepted in any input"


def _has_nul(request: HttpRequest) -> bool:
    if CONTROL_CHARACTER.search(request.path_info) or any(CONTROL_CHARACTER.search(k) or any(CONTROL_CHARACTER.search(v) for v in vs) for k, vs in request.GET.lists()):
        return True
    if request.content_type == "application/json":
        return bool(ESCAPED_CONTROL_CHARACTER.search(request.body)) or bool(CONTROL_CHARACTER.search(request.body.decode("utf-8", "replace")))
    return False


class RefuseNulMiddleware:
    """Refuses any request with a control character in its path, query or JSON body (API: 422; page: 400)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _has_nul(request):
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse({"code": "invalid_input", "message": NUL_REFUSED, "field": None}, status=422)
        return render(request, "400.html", {"message": NUL_REFUSED}, status=400)
