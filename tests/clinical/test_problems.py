"""Problems and the refusal that carries them."""

from __future__ import annotations

from mesems.clinical.problems import InvalidRecord, Problem, whole_count


def test_invalid_record_lists_every_field() -> None:
    error = InvalidRecord([Problem("gel", "not_a_count", "bad"), Problem(None, "x", "whole form")])
    body = error.as_dict()
    assert body["field"] == "gel" and [e["field"] for e in body["errors"]] == ["gel", None]  # type: ignore[index]
    assert "gel: bad" in error.message and error.field is None


def test_whole_count() -> None:
    assert whole_count(0, "gel", "GEL") == [] and whole_count(None, "gel", "GEL") == []
    assert whole_count(1.5, "gel", "GEL") and whole_count(-1, "gel", "GEL")
