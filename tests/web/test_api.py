"""The published API schema tells the whole truth about what the API refuses."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mesems.web.api import NO_NUL, api

SCHEMA = api.get_openapi_schema()
OPERATIONS = [(f"{method.upper()} {path}", op) for path, ops in SCHEMA["paths"].items() for method, op in ops.items()]


def _body_schema(operation: dict[str, Any]) -> dict[str, Any] | None:
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if schema and "$ref" in schema:
        return dict(SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]])
    return schema


def test_operation_ids_are_app_and_function() -> None:
    assert {op["operationId"] for _, op in OPERATIONS} >= {"accounts_create_token", "trials_get_participant", "trials_update_participant"}


@pytest.mark.parametrize(("label", "operation"), OPERATIONS, ids=[label for label, _ in OPERATIONS])
def test_every_refusal_is_documented(label: str, operation: dict[str, Any]) -> None:
    statuses = set(operation["responses"])
    assert {403, 422} <= statuses
    if operation.get("security"):
        assert {401, 404} <= statuses


@pytest.mark.parametrize(("label", "operation"), [(lbl, op) for lbl, op in OPERATIONS if "requestBody" in op], ids=lambda v: v if isinstance(v, str) else "")
def test_every_request_body_refuses_unknown_fields(label: str, operation: dict[str, Any]) -> None:
    body = _body_schema(operation)
    assert body is not None and body.get("additionalProperties") is False, (
        f"{label}: its request body accepts unknown fields; derive it from mesems.web.schemas.Input"
    )
    assert body["propertyNames"] == {"pattern": NO_NUL}


@pytest.mark.django_db
def test_unknown_field_is_refused_by_name(trial: Any) -> None:
    answer = Client().post("/api/auth/token", data={"username": "a", "password": "b", "pasword": "c"}, content_type="application/json")
    assert answer.status_code == 422
    assert [(e["field"], e["rule"]) for e in answer.json()["errors"]] == [("pasword", "extra_forbidden")]
