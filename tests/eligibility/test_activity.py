"""Inclusion 1: the branch of each course (a RRMS, b SPMS, c PPMS) and exclusions 1-3 mirroring it."""

from __future__ import annotations

from typing import Any

import pytest

from mesems.eligibility import Verdict
from tests.eligibility.conftest import candidate, reason, screen, verdict, verdicts

MET, NOT_MET, UNKNOWN = Verdict.MET, Verdict.NOT_MET, Verdict.UNKNOWN
AVONEX_7_YEARS = [{"drug": "Avonex", "start": "2019-01-01", "stop": "2025-11-01"}]


def rr(**changes: Any) -> dict[str, Any]:
    """RRMS on Avonex for years; no relapse and no GEL unless the changes give them."""
    return candidate(
        **{"relapses": [], "mri": [{"date": "2025-09-01", "gel": 0}], "therapies": AVONEX_7_YEARS, **changes}
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"relapses": ["2025-01-15"]}, MET),
        ({"relapses": ["2025-01-14"]}, NOT_MET),
        ({"relapses": ["2024-01-15", "2025-01-14"]}, MET),
        ({"relapses": ["2024-01-14", "2025-01-14"]}, NOT_MET),
        ({"mri": [{"date": "2025-01-15", "gel": 1}]}, MET),
        ({"mri": [{"date": "2025-01-14", "gel": 3}, {"date": "2025-06-01", "gel": 0}]}, NOT_MET),
        ({}, NOT_MET),
    ],
)
def test_rrms_activity_one_relapse_in_12_months_two_in_24_or_gel_in_12(
    changes: dict[str, Any], expected: Verdict
) -> None:
    found = verdicts(screen(rr(**changes)))
    assert found["INC-1a"] is expected
    assert found["EXC-1"] is expected
    assert found["EXC-2"] is found["EXC-3"] is MET


@pytest.mark.parametrize(
    ("therapies", "expected"),
    [
        ([{"drug": "Copaxone", "start": "2024-01-01", "stop": "2024-12-30"}], MET),
        ([{"drug": "Copaxone", "start": "2024-01-02", "stop": "2024-12-30"}], NOT_MET),
        (
            [
                {"drug": "Copaxone", "start": "2023-01-01", "stop": "2023-06-30"},
                {"drug": "Tysabri", "start": "2023-06-01", "stop": "2023-12-30"},
            ],
            NOT_MET,
        ),
        (
            [
                {"drug": "Copaxone", "start": "2023-01-01", "stop": "2023-06-30"},
                {"drug": "Tysabri", "start": "2023-07-01", "stop": "2023-12-31"},
            ],
            MET,
        ),
        ([{"drug": "azathioprine", "start": "2015-01-01", "stop": "2020-01-01"}], NOT_MET),
        ([], NOT_MET),
        ([{"drug": "Rebif", "stop": "2024-12-30"}], UNKNOWN),
        (
            [
                {"drug": "Rebif", "start": "2024-06-01", "stop": "2024-12-30"},
                {"drug": "Fooximab", "start": "2018-01-01", "stop": "2020-01-01"},
            ],
            UNKNOWN,
        ),
        (
            [
                {"drug": "Rebif", "start": "2022-06-01", "stop": "2024-12-30"},
                {"drug": "Fooximab", "start": "2018-01-01", "stop": "2020-01-01"},
            ],
            MET,
        ),
    ],
)
def test_rrms_must_have_failed_a_year_of_approved_therapy(
    therapies: list[dict[str, Any]], expected: Verdict
) -> None:
    assert verdict(rr(relapses=["2025-06-01"], therapies=therapies), "INC-1a") is expected


def test_rrms_reason_names_therapy_and_activity() -> None:
    text = reason(
        rr(
            relapses=["2025-06-01"],
            therapies=[{"drug": "Copaxone", "start": "2025-01-01", "stop": "2025-06-30"}],
        ),
        "INC-1a",
    )
    assert text.startswith("approved therapy for 181 days (Copaxone); at least 365 (12 months) needed")
    assert "1 relapse in the last 12 months" in text


def sp(**changes: Any) -> dict[str, Any]:
    """SPMS on Avonex for years, EDSS 5.0 from 4.0 in the last 12 months, a relapse in them."""
    return candidate(
        **{
            "ms_course": "SP",
            "edss": 5.0,
            "edss_history": [{"date": "2025-03-01", "value": 4.0}],
            "relapses": ["2025-06-01"],
            "mri": [],
            "therapies": AVONEX_7_YEARS,
            **changes,
        }
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, MET),
        ({"edss_history": [{"date": "2025-03-01", "value": 4.5}]}, NOT_MET),
        ({"edss": 5.5, "edss_history": [{"date": "2025-03-01", "value": 5.0}]}, MET),
        ({"edss": 6.0, "edss_history": [{"date": "2025-03-01", "value": 5.5}]}, MET),
        ({"edss": 5.5, "edss_history": [{"date": "2025-03-01", "value": 5.5}]}, NOT_MET),
        (
            {"edss_history": [{"date": "2025-01-14", "value": 3.0}, {"date": "2025-02-01", "value": 4.5}]},
            NOT_MET,
        ),
        ({"edss_history": [{"date": "2025-01-15", "value": 3.0}, {"date": "2025-02-01", "value": 4.5}]}, MET),
        ({"edss_history": [{"date": "2024-06-01", "value": 2.0}]}, UNKNOWN),
        ({"edss_history": None}, UNKNOWN),
        ({"relapses": [], "mri": [{"date": "2025-10-01", "gel": 1}]}, MET),
        ({"relapses": [], "mri": [{"date": "2025-10-01", "gel": 0}]}, NOT_MET),
        ({"relapses": [], "mri": []}, UNKNOWN),
        ({"relapses": ["2024-06-01"], "mri": [{"date": "2025-10-01", "gel": 0}]}, NOT_MET),
        ({"therapies": []}, NOT_MET),
        ({"therapies": None}, UNKNOWN),
    ],
)
def test_spms_edss_increase_with_relapse_or_gel_after_failed_therapy(
    changes: dict[str, Any], expected: Verdict
) -> None:
    found = verdicts(screen(sp(**changes)))
    assert found["INC-1b"] is expected
    assert found["EXC-2"] is expected
    assert found["EXC-1"] is found["EXC-3"] is MET


def test_spms_increase_reason_says_the_step_needed() -> None:
    text = reason(sp(edss_history=[{"date": "2025-03-01", "value": 4.5}]), "INC-1b")
    assert (
        "EDSS 5.0, lowest in the last 12 months 4.5: increase 0.5; at least 1.0 needed with EDSS at or below 5.0"
        in text
    )


def pp(**changes: Any) -> dict[str, Any]:
    """PPMS with no therapy, EDSS 4.0 from 3.0, GEL on a recent MRI, oligoclonal bands."""
    return candidate(
        **{
            "ms_course": "PP",
            "edss": 4.0,
            "edss_history": [{"date": "2025-03-01", "value": 3.0}],
            "relapses": [],
            "mri": [{"date": "2025-10-01", "gel": 2}],
            "csf_oligoclonal_bands": True,
            "therapies": [],
            **changes,
        }
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, MET),
        ({"csf_oligoclonal_bands": False}, NOT_MET),
        ({"csf_oligoclonal_bands": None}, UNKNOWN),
        ({"mri": [{"date": "2025-10-01", "gel": 0}]}, NOT_MET),
        ({"mri": [{"date": "2025-10-01", "gel": 0}], "relapses": ["2025-06-01"]}, NOT_MET),
        ({"mri": None}, UNKNOWN),
        ({"edss_history": [{"date": "2025-03-01", "value": 3.5}]}, NOT_MET),
        ({"edss": None}, UNKNOWN),
        ({"therapies": None}, MET),
    ],
)
def test_ppms_edss_increase_gel_and_oligoclonal_bands(changes: dict[str, Any], expected: Verdict) -> None:
    found = verdicts(screen(pp(**changes)))
    assert found["INC-1c"] is expected
    assert found["EXC-3"] is expected


def test_inclusion_1_is_reported_as_the_branch_of_the_course() -> None:
    assert [screen(f()).criteria[0].id for f in (rr, sp, pp)] == ["INC-1a", "INC-1b", "INC-1c"]
    unknown = screen(candidate(ms_course=None))
    assert unknown.criteria[0].id == "INC-1"
    assert unknown.criteria[0].verdict is UNKNOWN
    assert [c.verdict for c in unknown.criteria[4:7]] == [UNKNOWN, UNKNOWN, UNKNOWN]
    assert unknown.missing == ("ms_course",)


def test_the_mirrored_exclusion_explains_itself() -> None:
    assert reason(sp(), "EXC-1") == "applies to RRMS only; the candidate has SPMS"
    assert reason(sp(), "EXC-2") == "SPMS meets INC-1b"
    assert reason(sp(therapies=[]), "EXC-2").startswith(
        "SPMS does not meet INC-1b: no approved therapy recorded"
    )
