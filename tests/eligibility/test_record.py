"""The candidate record: unknown when absent, refused (naming the field) when wrong."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mesems.eligibility.record import CandidateRecordError, parse_candidate, parse_candidate_json
from mesems.errors import EligibilityError, MesemsError
from tests.eligibility.conftest import EXAMPLE, candidate


def test_the_design_example_is_a_valid_record() -> None:
    record = parse_candidate(EXAMPLE)
    assert record.birth_date == dt.date(1984, 5, 1)
    assert record.therapies is not None and record.therapies[0].stop == dt.date(2025, 11, 1)
    assert record.egfr == 85.0


def test_absent_and_null_fields_are_unknown() -> None:
    record = parse_candidate({"id": "C-2", "hiv": None})
    assert record.hiv is None and record.edss is None and record.therapies is None


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"edss": 3.25}, "edss", "not an EDSS step"),
        ({"edss": 0.5}, "edss", "not an EDSS step"),
        ({"edss": "4.0"}, "edss", "valid number"),
        ({"edss": True}, "edss", "valid number"),
        (
            {"edss_history": [{"date": "2025-01-01", "value": 7.25}]},
            "edss_history[0].value",
            "not an EDSS step",
        ),
        ({"egfr": -1}, "egfr", "greater than or equal to 0"),
        ({"egfr": "85"}, "egfr", "valid number"),
        ({"hiv": "no"}, "hiv", "valid boolean"),
        ({"hiv": 0}, "hiv", "valid boolean"),
        ({"sex": "female"}, "sex", "'F' or 'M'"),
        ({"ms_course": "RRMS"}, "ms_course", "'RR', 'SP' or 'PP'"),
        ({"malignancy_history": "melanoma"}, "malignancy_history", "'none'"),
        ({"birth_date": "1984-02-30"}, "birth_date", "not a calendar date"),
        ({"birth_date": "01/05/1984"}, "birth_date", "YYYY-MM-DD"),
        ({"birth_date": 19840501}, "birth_date", "YYYY-MM-DD"),
        ({"relapses": "2025-06-01"}, "relapses", "valid list"),
        ({"relapses": ["2025-06-01", "June"]}, "relapses[1]", "YYYY-MM-DD"),
        ({"mri": [{"date": "2025-09-01", "gel": -2}]}, "mri[0].gel", "greater than or equal to 0"),
        ({"mri": [{"date": "2025-09-01", "gel": 1.5}]}, "mri[0].gel", "valid integer"),
        ({"therapies": [{"start": "2020-01-01"}]}, "therapies[0].drug", "required"),
        ({"therapies": [{"drug": ""}]}, "therapies[0].drug", "at least 1 character"),
        ({"egrf": 85}, "egrf", "unknown field"),
        ({"ms_onset_date": "2026-02-01"}, "ms_onset_date", "after planned_randomisation_date"),
        ({"ms_onset_date": "1980-01-01"}, "ms_onset_date", "before birth_date"),
        (
            {
                "birth_date": "2026-02-01",
                "ms_onset_date": None,
                "relapses": [],
                "mri": [],
                "edss_history": [],
                "therapies": [],
            },
            "birth_date",
            "after planned_randomisation_date",
        ),
        ({"relapses": ["2026-01-16"]}, "relapses[0]", "after planned_randomisation_date"),
        ({"mri": [{"date": "2026-03-01", "gel": 0}]}, "mri[0].date", "after planned_randomisation_date"),
        (
            {"edss_history": [{"date": "1970-01-01", "value": 1.0}]},
            "edss_history[0].date",
            "before birth_date",
        ),
        (
            {"therapies": [{"drug": "Avonex", "start": "2020-01-01", "stop": "2019-12-31"}]},
            "therapies[0].stop",
            "before its start",
        ),
        (
            {"therapies": [{"drug": "Avonex", "start": "2026-02-01"}]},
            "therapies[0].start",
            "after planned_randomisation_date",
        ),
    ],
)
def test_wrong_values_are_refused_naming_the_field(changes: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(CandidateRecordError) as caught:
        parse_candidate(candidate(**changes))
    assert caught.value.field == field
    assert caught.value.message.startswith(f"{field}: ")
    assert words in caught.value.message
    assert "\n" not in caught.value.message
    assert isinstance(caught.value, EligibilityError) and isinstance(caught.value, MesemsError)


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(CandidateRecordError) as caught:
        parse_candidate(candidate(edss=3.25, egfr=-4, hiv="yes"))
    assert [p.field for p in caught.value.problems] == ["edss", "hiv", "egfr"]
    assert "and 2 more: hiv, egfr" in caught.value.message


def test_a_stop_after_the_randomisation_date_is_a_planned_stop_not_an_error() -> None:
    record = parse_candidate(
        candidate(therapies=[{"drug": "Avonex", "start": "2020-01-01", "stop": "2026-03-01"}])
    )
    assert record.therapies is not None


@pytest.mark.parametrize(
    ("text", "words"),
    [("{", "not valid JSON"), ("[1, 2]", "expected a JSON object"), ('"C-1"', "expected a JSON object")],
)
def test_json_that_is_not_a_record_is_refused(text: str, words: str) -> None:
    with pytest.raises(EligibilityError) as caught:
        parse_candidate_json(text, "c.json")
    assert words in caught.value.message
    assert caught.value.field == "record"
