"""The JSON API at /api/ (OpenAPI schema at /api/openapi.json).

Errors have one shape, `{code, message, field}`; input that breaks a rule is 422 with one entry
per field in `errors`; an area's MesemsError is translated here, never in the routes.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from mesems.errors import MesemsError
from mesems.web.apps.accounts.api import router as accounts_router
from mesems.web.apps.accounts.services import user_for_token
from mesems.web.apps.allocation.api import router as allocation_router
from mesems.web.apps.cellproduct.api import router as cellproduct_router
from mesems.web.apps.datasets.api import router as datasets_router
from mesems.web.apps.trials.api import router as trials_router
from mesems.web.apps.visits.api import router as visits_router


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="mesems API",
    version="1",
    description="The MESEMS trial over HTTP. Authenticate with `Authorization: Bearer <token>` (POST /api/auth/token) or the browser session.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


def _field_of(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "form")]
    return ".".join(parts) or ".".join(str(p) for p in loc)


@api.exception_handler(ValidationError)
def _invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"field": _field_of(list(e.get("loc", []))), "rule": e.get("type", "invalid"), "message": e.get("msg", "invalid value")} for e in exc.errors]
    fields = ", ".join(sorted({e["field"] for e in errors}))
    return api.create_response(request, {"code": "invalid_input", "message": f"invalid input: {fields}", "field": errors[0]["field"] if errors else None, "errors": errors}, status=422)


@api.exception_handler(MesemsError)
def _refused(request: HttpRequest, exc: MesemsError) -> HttpResponse:
    body: dict[str, Any] = exc.as_dict()
    if exc.field:
        body["errors"] = [{"field": exc.field, "rule": exc.code, "message": exc.message}]
    return api.create_response(request, body, status=exc.http_status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"code": "unauthenticated", "message": "sign in or send a valid API token", "field": None}, status=401)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"code": "not_found", "message": "not found", "field": None}, status=404)


@api.exception_handler(Exception)
def _internal(request: HttpRequest, exc: Exception) -> HttpResponse:
    import logging

    logging.getLogger("mesems.api").error("internal error %s at %s", type(exc).__name__, request.path)
    return api.create_response(request, {"code": "internal_error", "message": "internal error; it has been logged", "field": None}, status=500)


api.add_router("/", accounts_router)
api.add_router("/", trials_router)
api.add_router("/", visits_router)
api.add_router("/", allocation_router)
api.add_router("/", cellproduct_router)
api.add_router("/", datasets_router)
