"""Fuzzes every operation of /api/openapi.json with schemathesis, as each role and a visitor, on
PostgreSQL (which refuses more than SQLite: NUL characters, out-of-range integers, over-long text).

Each operation gets MESEMS_FUZZ_EXAMPLES (default 12) generated requests per principal, valid and
invalid ones, with path parameters sometimes taken from records of the caller's own site and of
another, so the operations' own code runs too. Every answer must be below 500 and valid against
the schema (status documented, body matching its schema). A new operation is fuzzed as soon as it
is in the schema.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import hypothesis
from schemathesis.specs.openapi.checks import positive_data_acceptance
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.errors import FailureGroup

from mesems.web.wsgi import application
from tests.web.figures import record_figure
from tests.web.principals import OTHER, OWN, PATH_EXAMPLES, Actor, fast_hashing, world  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

EXAMPLES = int(os.environ.get("MESEMS_FUZZ_EXAMPLES", "12"))
SCHEMA = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
RUNS: dict[str, int] = {}


def _strategies(operation: Any) -> st.SearchStrategy[Any]:
    """Generated requests, valid and invalid, plus valid ones aimed at real records of either site."""
    modes = [operation.as_strategy(generation_mode=mode) for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
    names = [p.name for p in operation.path_parameters]
    if names and all(n in PATH_EXAMPLES for n in names):
        for site in (OWN, OTHER):
            modes.append(operation.as_strategy(path_parameters={n: PATH_EXAMPLES[n](site) for n in names}))
    return st.one_of(modes)


@pytest.fixture
def kept_connection() -> Iterator[None]:
    """One database connection for the whole run instead of one per request (CONN_MAX_AGE=0): speed only."""
    from django.db import connection

    before = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = None
    yield
    connection.settings_dict["CONN_MAX_AGE"] = before


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_operation_never_fails_and_answers_by_its_schema(operation: Any, world: dict[str, Actor], kept_connection: None) -> None:
    strategy = _strategies(operation)
    failures: list[str] = []
    cases = 0
    for actor in world.values():
        headers = {"Authorization": f"Bearer {actor.token}"} if actor.token else {}

        @hypothesis.settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, suppress_health_check=list(hypothesis.HealthCheck), phases=[hypothesis.Phase.generate])
        @hypothesis.given(case=strategy)
        def fuzz(case: Any) -> None:
            nonlocal cases
            cases += 1
            try:
                # A schema-valid body may still break a clinical rule (EDSS 120, a date before
                # randomisation): that is a 422 naming the field, the API's contract, not a failure.
                case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
            except (FailureGroup, AssertionError) as failure:  # every failure is collected, with the request to repeat it
                failures.append(f"as {actor.principal.label}: {failure}")

        fuzz()
    RUNS[operation.label] = cases
    record_figure(f"fuzz-{operation.label.replace('/', '_').replace(' ', '')}", cases=cases, principals=len(world))
    assert not failures, "\n\n".join(failures[:5])
