"""Pages translate the core's refusals: not visible is 404, not allowed is 403, a refused input 400."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mesems.errors import AccessDenied, MesemsError, NotFound


class MesemsErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/") or not isinstance(exception, MesemsError):
            return None
        status = 404 if isinstance(exception, NotFound) else 403 if isinstance(exception, AccessDenied) else 400
        template = {404: "404.html", 403: "403.html"}.get(status, "400.html")
        return render(request, template, {"message": exception.message}, status=status)
