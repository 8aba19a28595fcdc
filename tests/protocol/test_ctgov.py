from __future__ import annotations

import json
from pathlib import Path

import pytest

from mesems.errors import ProtocolError
from mesems.protocol import CriterionKind, dump_protocol, parse_protocol
from mesems.protocol.ctgov import age_in_years, import_ctgov, protocol_from_ctgov, split_criteria, weeks_in_time_frame
from tests.conftest import CTGOV_RECORDS

CTGOV = CTGOV_RECORDS


def _counts(protocol) -> dict[str, int]:  # type: ignore[no-untyped-def]
    text = [c for c in protocol.eligibility[0].criteria if c.rule is None]
    return {kind: sum(1 for c in text if c.kind == kind) for kind in ("inclusion", "exclusion")}


def test_randomised_quadruple_masked_record() -> None:
    protocol = import_ctgov(CTGOV / "NCT00763412.json")
    assert protocol.identity.id == "NCT00763412"
    assert protocol.design.allocation == "randomised"
    assert protocol.design.intervention_model == "parallel"
    assert protocol.design.masking.level == "quadruple"
    assert protocol.design.masking.who_masked == ["participant", "care_provider", "investigator", "outcomes_assessor"]
    assert protocol.design.planned_enrolment == 31
    assert [a.label for a in protocol.arms] == ["1 Placebo", "2. repaglinide"]
    assert protocol.intervention(protocol.arms[0].interventions[0]).kind == "placebo"
    assert protocol.intervention(protocol.arms[1].interventions[0]).kind == "drug"
    assert _counts(protocol) == {"inclusion": 5, "exclusion": 6}
    age = protocol.eligibility[0].criteria[0]
    assert age.rule == "age_range" and age.params == {"min_years": 12, "max_years": 24}
    assert [e.kind for e in protocol.endpoints].count("primary") == 3
    assert protocol.sites[0].country == "US"


def test_single_group_open_label_record() -> None:
    protocol = import_ctgov(CTGOV / "NCT03934567.json")
    assert protocol.design.allocation == "na"
    assert protocol.design.intervention_model == "single_group"
    assert protocol.design.masking.level == "none"
    assert protocol.identity.phases == ["PHASE2"]
    assert _counts(protocol) == {"inclusion": 7, "exclusion": 13}
    assert protocol.eligibility[0].criteria[0].params == {"min_years": 18, "max_years": None}
    assert len(protocol.sites) == 26 and {s.country for s in protocol.sites} == {"CN"}
    assert len({s.id for s in protocol.sites}) == 26


@pytest.mark.parametrize("name", ["NCT00763412.json", "NCT03934567.json"])
def test_imported_protocol_validates_and_round_trips(name: str) -> None:
    protocol = import_ctgov(CTGOV / name)
    assert parse_protocol(dump_protocol(protocol)) == protocol


def test_sub_items_are_kept() -> None:
    text = "Inclusion Criteria:\n\n1. Adults\n2. One of:\n   * relapse in 12 months\n   * GEL on MRI\n\nExclusion Criteria:\n\n* Pregnancy\n  continued line\n"
    found = split_criteria(text)
    inclusion, exclusion = found[CriterionKind.INCLUSION], found[CriterionKind.EXCLUSION]
    assert [c.id for c in inclusion] == ["INC-1", "INC-2"]
    assert [c.id for c in inclusion[1].items] == ["INC-2a", "INC-2b"]
    assert inclusion[1].items[1].text == "GEL on MRI"
    assert exclusion[0].text == "Pregnancy continued line"


def test_missing_modules_are_fine() -> None:
    protocol = protocol_from_ctgov({"protocolSection": {"identificationModule": {"nctId": "NCT00000001", "briefTitle": "Bare"}}})
    assert protocol.identity.title == "Bare"
    assert parse_protocol(dump_protocol(protocol)) == protocol


@pytest.mark.parametrize("record", [[], {"studies": []}, {"protocolSection": "x"}])
def test_not_a_study_record_is_one_clear_error(record: object) -> None:
    with pytest.raises(ProtocolError, match="not a ClinicalTrials.gov API v2 study record"):
        protocol_from_ctgov(record)


def test_not_json_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("<html>")
    with pytest.raises(ProtocolError, match="not a ClinicalTrials.gov API v2 study record"):
        import_ctgov(bad)


@pytest.mark.parametrize(("text", "years"), [("18 Years", 18), ("6 Months", 0), ("24 Months", 2), (None, None)])
def test_ages(text: str | None, years: int | None) -> None:
    assert age_in_years(text) == years


@pytest.mark.parametrize(("text", "weeks"), [("up to 56 days", 8), ("2 year/end of study", 104), ("weeks 4, 12 and 24", None), ("12 weeks", 12)])
def test_time_frames(text: str, weeks: int | None) -> None:
    assert weeks_in_time_frame(text) == weeks


def test_record_files_are_json() -> None:
    for file in CTGOV.glob("*.json"):
        assert "protocolSection" in json.loads(file.read_text())
