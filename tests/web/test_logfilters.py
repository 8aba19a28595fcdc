"""No patient data in logs or error pages: errors are triggered with patient data in the exception's
message, and the log and the page must show where it happened, never what it said."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from mesems.access import Role
from mesems.web.logfilters import NoPatientData

pytestmark = pytest.mark.django_db

PATIENT_DATA = "Anna Svensson born 1984-05-01 EDSS 4.5"


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    """What the configured console handler writes, for the length of the test."""
    handler = next(h for h in logging.getLogger("django.request").handlers if isinstance(h, logging.StreamHandler))
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def _explode(*args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"cannot file the record of {PATIENT_DATA}")


def test_page_error_shows_and_logs_no_patient_data(make_user: Any, make_participant: Any, monkeypatch: pytest.MonkeyPatch, log: io.StringIO) -> None:
    make_participant("SE-KAR-0001", "SE-KAR")
    monkeypatch.setattr("mesems.web.apps.trials.views.visible_participant", _explode)
    client = Client(raise_request_exception=False)
    client.force_login(make_user(Role.DATA_MANAGER))
    page = client.get("/participants/SE-KAR-0001/?note=" + PATIENT_DATA.replace(" ", "+"))
    assert page.status_code == 500
    assert PATIENT_DATA not in page.content.decode() and "Traceback" not in page.content.decode()
    written = log.getvalue()
    assert "ValueError at" in written and "participant_detail" in written, written
    assert "Anna" not in written and "1984" not in written


def test_api_error_answers_and_logs_no_patient_data(make_user: Any, make_participant: Any, monkeypatch: pytest.MonkeyPatch, log: io.StringIO) -> None:
    make_participant("SE-KAR-0001", "SE-KAR")
    monkeypatch.setattr("mesems.web.apps.trials.api.visible_participant", _explode)
    client = Client()
    client.force_login(make_user(Role.DATA_MANAGER))
    answer = client.get("/api/participants/SE-KAR-0001")
    assert answer.status_code == 500
    assert answer.json() == {"code": "internal_error", "message": "internal error; it has been logged", "field": None}
    written = log.getvalue()
    assert "internal error ValueError at GET /api/participants/SE-KAR-0001" in written
    assert "Anna" not in written


def test_traceback_is_reduced_to_where_it_went() -> None:
    try:
        _explode()
    except ValueError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/x/",), exc_info=__import__("sys").exc_info())
    NoPatientData().filter(record)
    text = logging.Formatter().format(record)
    assert text.startswith("Internal Server Error: /x/ [ValueError at ") and "_explode" in text
    assert "Anna" not in text and "Traceback" not in text


def test_request_lines_lose_their_query_string() -> None:
    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s', ("GET /participants/?name=Anna+Svensson HTTP/1.1", "200", "512"), None)
    NoPatientData().filter(record)
    assert record.getMessage() == '"GET /participants/?… HTTP/1.1" 200 512'
