"""The version in force, the overall verdict, and every unknown path."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from mesems.eligibility import Verdict, parse_candidate, screen_candidate
from mesems.eligibility.screening import overall_verdict, version_for
from mesems.errors import EligibilityError
from tests.eligibility.conftest import EXAMPLE, PROTOCOL, candidate, screen, verdicts

MET, NOT_MET, UNKNOWN = Verdict.MET, Verdict.NOT_MET, Verdict.UNKNOWN


def test_the_design_example_is_eligible_under_both_versions() -> None:
    for version in (None, "v1", "final"):
        result = screen(EXAMPLE, version)
        assert result.eligible is True
        assert result.failed == () and result.missing == ()
        assert all(c.verdict is MET for c in result.criteria)


@pytest.mark.parametrize(
    ("day", "version"),
    [("2013-02-01", "v1"), ("2014-12-31", "v1"), ("2015-01-01", "final"), ("2026-01-15", "final")],
)
def test_the_version_in_force_on_the_planned_randomisation_date(day: str, version: str) -> None:
    assert version_for(PROTOCOL, dt.date.fromisoformat(day)).id == version


def test_the_version_switch_changes_the_verdict() -> None:
    """Duration 12 years and EDSS 2.5: out under v1 (2 to 10, 3.0 to 6.5), in under final."""

    def record(day: str) -> dict[str, Any]:
        return {"planned_randomisation_date": day, "ms_onset_date": "2002-06-01", "edss": 2.5}

    v1 = verdicts(screen_candidate(parse_candidate(record("2014-12-31")), PROTOCOL))
    final = verdicts(screen_candidate(parse_candidate(record("2015-01-01")), PROTOCOL))
    assert (v1["INC-3"], v1["INC-4"]) == (NOT_MET, NOT_MET)
    assert (final["INC-3"], final["INC-4"]) == (MET, MET)


def test_a_named_version_overrides_the_date() -> None:
    assert screen(candidate(edss=2.5), "v1").protocol_version == "v1"
    assert screen(candidate(edss=2.5), "v1").eligible is False
    assert screen(candidate(edss=2.5)).eligible is True


def test_no_version_before_the_first_takes_effect() -> None:
    with pytest.raises(EligibilityError) as caught:
        screen({"planned_randomisation_date": "2012-12-31"})
    assert caught.value.field == "planned_randomisation_date"
    assert "2013-02-01" in caught.value.message


def test_an_unknown_version_lists_the_known_ones() -> None:
    with pytest.raises(EligibilityError) as caught:
        screen(EXAMPLE, "v2")
    assert "expected one of [v1, final]" in caught.value.message


def test_without_a_date_the_version_must_be_named_and_dated_criteria_are_unknown() -> None:
    with pytest.raises(EligibilityError) as caught:
        screen(candidate(planned_randomisation_date=None))
    assert caught.value.field == "planned_randomisation_date"
    result = screen(candidate(planned_randomisation_date=None), "final")
    found = verdicts(result)
    dated = ["INC-1a", "INC-2", "INC-3", "EXC-1", "EXC-5", "EXC-6", "EXC-7", "EXC-8"]
    assert {c for c, v in found.items() if v is UNKNOWN and c != "INC-1"} == set(dated)
    assert result.missing == ("planned_randomisation_date",)
    assert result.eligible is None


UNKNOWN_PATHS: dict[str, set[str]] = {
    "birth_date": {"INC-2"},
    "ms_course": {"INC-1", "EXC-1", "EXC-2", "EXC-3"},
    "ms_onset_date": {"INC-3"},
    "edss": {"INC-4"},
    "relapses": {"EXC-8"},
    "therapies": {"INC-1a", "EXC-1", "EXC-5", "EXC-6", "EXC-7"},
    "active_infection": {"EXC-4"},
    "hiv": {"EXC-4"},
    "hepatitis_b": {"EXC-4"},
    "hepatitis_c": {"EXC-4"},
    "malignancy_history": {"EXC-9"},
    "life_limiting_comorbidity": {"EXC-10"},
    "haematological_disease": {"EXC-11"},
    "wbc_abnormal": {"EXC-11"},
    "pregnant": {"EXC-12"},
    "uses_contraception": {"EXC-12"},
    "egfr": {"EXC-13"},
    "renal_failure": {"EXC-13"},
    "can_have_mri": {"EXC-13"},
    "consent": {"EXC-14"},
}


@pytest.mark.parametrize("field", sorted(UNKNOWN_PATHS))
def test_each_missing_field_makes_its_criteria_unknown_and_the_verdict_unknown(field: str) -> None:
    for absent in (candidate(**{field: None}), {k: v for k, v in EXAMPLE.items() if k != field}):
        result = screen(absent)
        found = {c.id for c in result.criteria if c.verdict is UNKNOWN}
        assert found == UNKNOWN_PATHS[field]
        assert result.eligible is None
        assert result.missing == (field,)
        assert all(field in c.missing for c in result.criteria if c.verdict is UNKNOWN)


@pytest.mark.parametrize("field", ["sex", "edss_history", "mri", "csf_oligoclonal_bands", "id"])
def test_fields_an_rrms_candidate_does_not_need(field: str) -> None:
    assert screen(candidate(**{field: None})).eligible is True


def test_one_failure_excludes_even_with_unknowns() -> None:
    result = screen(candidate(edss=7.0, hiv=None, consent=None))
    assert result.eligible is False
    assert result.failed == ("INC-4",)
    assert result.missing == ("hiv", "consent")


@pytest.mark.parametrize(
    ("parts", "eligible"),
    [([MET, MET], True), ([MET, UNKNOWN], None), ([UNKNOWN, NOT_MET], False), ([], True)],
)
def test_overall_verdict(parts: list[Verdict], eligible: bool | None) -> None:
    assert overall_verdict(parts) is eligible


def test_the_json_output_keeps_the_design_contract() -> None:
    result = screen(candidate(edss=7.0, therapies=[{"drug": "Fooximab", "start": "2025-12-01"}]))
    data = json.loads(json.dumps(result.as_dict()))
    assert data["eligible"] is False
    assert data["protocol_version"] == "final"
    assert data["unclassified_drugs"] == ["Fooximab"]
    for criterion in data["criteria"]:
        assert {"id", "text", "verdict", "reason"} <= criterion.keys()
        assert criterion["verdict"] in {"met", "not_met", "unknown"}
        assert criterion["reason"]
    assert [c["id"] for c in data["criteria"]] == [
        "INC-1a",
        "INC-2",
        "INC-3",
        "INC-4",
        *(f"EXC-{n}" for n in range(1, 15)),
    ]
