"""The JSON API at /api/ (OpenAPI schema at /api/openapi.json).

Errors have one shape, `{code, message, field}`; input that breaks a rule is 422 with one entry
per field in `errors`; an area's MesemsError is translated here, never in the routes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.operation import Operation
from ninja.security import HttpBearer
from ninja.security import SessionAuth as DjangoSessionAuth

from mesems.errors import MesemsError
from mesems.web.access import authorise_route
from mesems.web.apps.accounts.api import router as accounts_router
from mesems.web.apps.accounts.services import user_for_token
from mesems.web.apps.allocation.api import router as allocation_router
from mesems.web.apps.cellproduct.api import router as cellproduct_router
from mesems.web.apps.datasets.api import router as datasets_router
from mesems.web.apps.screening.api import router as screening_router
from mesems.web.apps.trials.api import router as trials_router
from mesems.web.apps.visits.api import router as visits_router

logger = logging.getLogger("mesems.api")


class TokenAuth(HttpBearer):
    """A bearer token from POST /api/auth/token; the authorisation matrix is checked before any input is read."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
            authorise_route(request, user)
        return user


class SessionAuth(DjangoSessionAuth):
    """The browser's session (with its CSRF token), checked against the authorisation matrix like a token."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user:
            authorise_route(request, user)
        return user


class FieldErrorOut(Schema):
    field: str
    rule: str
    message: str


class ErrorOut(Schema):
    """Every refusal of the API has this shape."""

    code: str
    message: str
    field: str | None
    errors: list[FieldErrorOut] | None = None


ERROR_STATUSES: dict[int, str] = {
    400: "The request body is not JSON, or not in the declared encoding",
    401: "Not signed in, or the token is unknown or expired",
    403: "The caller's role may not do this (see the authorisation matrix)",
    404: "Not found, or not visible to the caller (another site's record)",
    409: "Conflict: the record changed since it was read, or already exists",
    422: "The input breaks a rule; `errors` names each field",
    429: "Too many failed sign-ins: the account is locked for a while",
}


NO_NUL = "^[^\\u0000]*$"
"""No string of the API may hold a NUL character (PostgreSQL cannot store one); other control characters are refused too (`RefuseNulMiddleware`)."""


def _forbid_nul(node: Any) -> None:
    """Writes the NUL rule into every string and property name of the schema, so that it is the whole truth."""
    if isinstance(node, dict):
        kind = node.get("type")
        kinds = kind if isinstance(kind, list) else [kind]
        if "string" in kinds and not {"pattern", "enum", "const", "format"} & set(node):
            node["pattern"] = NO_NUL
        if "object" in kinds:
            node.setdefault("propertyNames", {"pattern": NO_NUL})
        for value in node.values():
            _forbid_nul(value)
    elif isinstance(node, list):
        for value in node:
            _forbid_nul(value)


class MesemsAPI(NinjaAPI):
    """Operation ids read `<app>_<function>` (`trials_get_participant`), the names the matrix uses."""

    def get_openapi_operation_id(self, operation: Operation) -> str:
        module = operation.view_func.__module__.split(".")
        app = module[module.index("apps") + 1] if "apps" in module else module[-1]
        return f"{app}_{operation.view_func.__name__}"

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Documents the error answers every operation can give, so clients and schema checks know them."""
        schema = super().get_openapi_schema(*args, **kwargs)
        error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(error_schema.pop("$defs", {}))
        components["Error"] = error_schema
        _forbid_nul(schema["paths"])
        _forbid_nul(components)
        error_ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                secured = bool(operation.get("security"))
                statuses = {403, 404, 409, 422} | ({401} if secured else set())
                statuses |= ({400} if "requestBody" in operation else set()) | (set() if secured else {429})
                for status in sorted(statuses):
                    operation["responses"].setdefault(status, {"description": ERROR_STATUSES[status], **error_ref})
        return schema


api = MesemsAPI(
    title="mesems API",
    version="1",
    description="The MESEMS trial over HTTP. Authenticate with `Authorization: Bearer <token>` (POST /api/auth/token) or the browser session.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    """A refusal in the API's one error shape."""
    return api.create_response(request, {"code": code, "message": message, "field": None}, status=status)


def _field_of(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "form")]
    return ".".join(parts) or ".".join(str(p) for p in loc)


@api.exception_handler(ValidationError)
def _invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"field": _field_of(list(e.get("loc", []))), "rule": e.get("type", "invalid"), "message": e.get("msg", "invalid value")} for e in exc.errors]
    fields = ", ".join(sorted({e["field"] for e in errors}))
    return api.create_response(request, {"code": "invalid_input", "message": f"invalid input: {fields}", "field": errors[0]["field"] if errors else None, "errors": errors}, status=422)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals (a body that is not JSON, a session call without its CSRF token) in the common shape."""
    code, message = {
        400: ("malformed_request", "the request body is not valid JSON"),
        403: ("csrf_failed", "the CSRF token is missing or wrong: send the X-CSRFToken header with a session, or use an API token"),
    }.get(exc.status_code, (f"http_{exc.status_code}", exc.message))
    return _error(request, exc.status_code, code, message)


@api.exception_handler(MesemsError)
def _refused(request: HttpRequest, exc: MesemsError) -> HttpResponse:
    body: dict[str, Any] = exc.as_dict()
    if exc.field:
        body["errors"] = [{"field": exc.field, "rule": exc.code, "message": exc.message}]
    return api.create_response(request, body, status=exc.http_status)


FIXED_REFUSALS: dict[type[Exception], tuple[int, str, str]] = {
    AuthenticationError: (401, "unauthenticated", "sign in or send a valid API token"),
    Http404: (404, "not_found", "not found"),
    # The database refused a value (too long, out of range): bad input, not a fault of the server.
    DataError: (422, "invalid_input", "a value does not fit its field (too long, or out of range)"),
    IntegrityError: (409, "conflict", "the record already exists or was changed by someone else; reload and try again"),
}


def _fixed_refusal(status: int, code: str, message: str) -> Callable[[HttpRequest, Exception], HttpResponse]:
    return lambda request, exc: _error(request, status, code, message)


for _exception, _refusal in FIXED_REFUSALS.items():
    api.add_exception_handler(_exception, _fixed_refusal(*_refusal))


@api.exception_handler(Exception)
def _internal(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.error("internal error %s at %s %s", type(exc).__name__, request.method, request.path)
    return _error(request, 500, "internal_error", "internal error; it has been logged")


api.add_router("/", accounts_router)
api.add_router("/", trials_router)
api.add_router("/", visits_router)
api.add_router("/", allocation_router)
api.add_router("/", cellproduct_router)
api.add_router("/", screening_router)
api.add_router("/", datasets_router)
