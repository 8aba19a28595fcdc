"""The criteria's boundaries, each as PROTOCOL.md states it (bounds inclusive, age and duration in
completed years on the planned randomisation date)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from mesems.eligibility import Verdict, parse_candidate, screen_candidate
from mesems.eligibility.criteria import EVALUATORS
from tests.eligibility.conftest import (
    PROTOCOL,
    candidate,
    days_before,
    reason,
    verdict,
    verdicts,
    years_before,
)

MET, NOT_MET, UNKNOWN = Verdict.MET, Verdict.NOT_MET, Verdict.UNKNOWN
any_day = st.dates(dt.date(2015, 1, 1), dt.date(2040, 12, 31))


def only(randomisation: dt.date, version: str | None = None, **fields: Any) -> dict[str, Verdict]:
    """Verdicts for a record that holds nothing but the planned randomisation date and `fields`."""
    record = {
        "planned_randomisation_date": randomisation.isoformat(),
        **{k: v.isoformat() if isinstance(v, dt.date) else v for k, v in fields.items()},
    }
    return verdicts(screen_candidate(parse_candidate(record), PROTOCOL, version))


@given(any_day)
def test_age_18_is_in_on_the_18th_birthday_and_the_day_after_not_the_day_before(day: dt.date) -> None:
    assume((day.month, day.day) != (2, 29))
    birthday = years_before(day, 18)
    assert only(day, birth_date=birthday)["INC-2"] is MET
    assert only(day, birth_date=birthday - dt.timedelta(days=1))["INC-2"] is MET
    assert only(day, birth_date=birthday + dt.timedelta(days=1))["INC-2"] is NOT_MET


@given(any_day)
def test_age_50_is_in_on_the_50th_birthday_and_the_day_after_51_is_out(day: dt.date) -> None:
    assume((day.month, day.day) != (2, 29))
    assert only(day, birth_date=years_before(day, 50))["INC-2"] is MET
    assert only(day, birth_date=years_before(day, 50) - dt.timedelta(days=1))["INC-2"] is MET
    assert only(day, birth_date=years_before(day, 51) + dt.timedelta(days=1))["INC-2"] is MET
    assert only(day, birth_date=years_before(day, 51))["INC-2"] is NOT_MET


def test_a_29_february_birthday_falls_on_1_march_in_a_common_year() -> None:
    assert only(dt.date(2018, 2, 28), birth_date=dt.date(2000, 2, 29))["INC-2"] is NOT_MET
    assert only(dt.date(2018, 3, 1), birth_date=dt.date(2000, 2, 29))["INC-2"] is MET
    assert only(dt.date(2032, 2, 29), birth_date=dt.date(1982, 2, 28))["INC-2"] is MET
    assert only(dt.date(2031, 3, 1), birth_date=dt.date(1980, 2, 29))["INC-2"] is NOT_MET


def test_age_reasons_say_age_date_and_bound() -> None:
    assert (
        reason(candidate(birth_date="1975-01-15"), "INC-2")
        == "age 51 on 2026-01-15 (born 1975-01-15) is above 50"
    )
    assert (
        reason(candidate(birth_date="2008-01-16"), "INC-2")
        == "age 17 on 2026-01-15 (born 2008-01-16) is below 18"
    )


@given(any_day)
def test_disease_duration_exactly_2_10_and_15_years(day: dt.date) -> None:
    assume((day.month, day.day) != (2, 29))
    two, ten, eleven, fifteen, sixteen = (years_before(day, n) for n in (2, 10, 11, 15, 16))
    assert only(day, "v1", ms_onset_date=two)["INC-3"] is MET
    assert only(day, "v1", ms_onset_date=two + dt.timedelta(days=1))["INC-3"] is NOT_MET
    assert only(day, "v1", ms_onset_date=ten)["INC-3"] is MET
    assert only(day, "v1", ms_onset_date=eleven + dt.timedelta(days=1))["INC-3"] is MET
    assert only(day, "v1", ms_onset_date=eleven)["INC-3"] is NOT_MET
    assert only(day, "final", ms_onset_date=eleven)["INC-3"] is MET
    assert only(day, "final", ms_onset_date=fifteen)["INC-3"] is MET
    assert only(day, "final", ms_onset_date=sixteen + dt.timedelta(days=1))["INC-3"] is MET
    assert only(day, "final", ms_onset_date=sixteen)["INC-3"] is NOT_MET


@pytest.mark.parametrize(
    ("version", "edss", "expected"),
    [
        ("v1", 2.5, NOT_MET),
        ("v1", 3.0, MET),
        ("v1", 6.5, MET),
        ("v1", 7.0, NOT_MET),
        ("final", 2.0, NOT_MET),
        ("final", 2.5, MET),
        ("final", 3.0, MET),
        ("final", 6.5, MET),
        ("final", 7.0, NOT_MET),
    ],
)
def test_edss_range_per_version(version: str, edss: float, expected: Verdict) -> None:
    assert verdict(candidate(edss=edss), "INC-4", version) is expected


@given(
    st.sampled_from([("v1", 3.0, 6.5), ("final", 2.5, 6.5)]),
    st.sampled_from([0.0, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 6.0, 6.5, 7.0, 9.5, 10.0]),
)
def test_edss_is_in_exactly_between_the_versions_bounds(
    bounds: tuple[str, float, float], edss: float
) -> None:
    version, low, high = bounds
    assert (verdict(candidate(edss=edss), "INC-4", version) is MET) == (low <= edss <= high)


def test_edss_reason() -> None:
    assert reason(candidate(edss=7.0), "INC-4") == "EDSS 7.0 is above 6.5"


@pytest.mark.parametrize(
    ("egfr", "expected"), [(60, MET), (60.0, MET), (59.9, NOT_MET), (0, NOT_MET), (120.5, MET)]
)
def test_egfr_60_is_in_and_59_9_out(egfr: float, expected: Verdict) -> None:
    assert verdict(candidate(egfr=egfr), "EXC-13") is expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"renal_failure": True}, NOT_MET),
        ({"can_have_mri": False}, NOT_MET),
        ({"egfr": None}, UNKNOWN),
        ({"egfr": None, "can_have_mri": False}, NOT_MET),
    ],
)
def test_renal_failure_or_no_mri_exclude(changes: dict[str, Any], expected: Verdict) -> None:
    assert verdict(candidate(**changes), "EXC-13") is expected


@given(
    any_day,
    st.sampled_from(
        [
            ("Solu-Medrol", "EXC-7"),
            ("prednisolone", "EXC-7"),
            ("Avonex", "EXC-6"),
            ("REBIF", "EXC-6"),
            ("Copaxone", "EXC-6"),
        ]
    ),
    st.integers(0, 70),
)
def test_steroid_and_interferon_stopped_30_days_before_exclude_31_do_not(
    day: dt.date, drug: tuple[str, str], back: int
) -> None:
    name, criterion = drug
    stop = days_before(day, back)
    found = only(day, therapies=[{"drug": name, "start": stop.isoformat(), "stop": stop.isoformat()}])
    assert found[criterion] is (NOT_MET if back <= 30 else MET)


@pytest.mark.parametrize(("back", "expected"), [(29, NOT_MET), (30, NOT_MET), (31, MET)])
def test_steroid_stops_at_29_30_31_days(back: int, expected: Verdict) -> None:
    stop = days_before(dt.date(2026, 1, 15), back).isoformat()
    record = candidate(
        therapies=[*candidate()["therapies"], {"drug": "methylprednisolone", "start": stop, "stop": stop}]
    )
    assert verdict(record, "EXC-7") is expected


def test_steroid_reason_gives_date_days_and_rule() -> None:
    record = candidate(therapies=[{"drug": "Solu-Medrol", "start": "2025-12-18", "stop": "2025-12-20"}])
    assert (
        reason(record, "EXC-7")
        == "last corticosteroid 2025-12-20 (Solu-Medrol), 26 days before randomisation; must be more than 30"
    )


@given(any_day, st.integers(0, 120))
def test_a_relapse_60_days_before_excludes_61_does_not(day: dt.date, back: int) -> None:
    found = only(day, relapses=[days_before(day, back).isoformat()])
    assert found["EXC-8"] is (NOT_MET if back <= 60 else MET)


@pytest.mark.parametrize(("back", "expected"), [(59, NOT_MET), (60, NOT_MET), (61, MET)])
def test_relapse_at_59_60_61_days(back: int, expected: Verdict) -> None:
    record = candidate(relapses=["2025-06-01", days_before(dt.date(2026, 1, 15), back).isoformat()])
    assert verdict(record, "EXC-8") is expected


def test_relapse_reasons() -> None:
    assert (
        reason(candidate(relapses=["2025-12-01"]), "EXC-8")
        == "last relapse 2025-12-01, 45 days before randomisation; must be more than 60"
    )
    assert reason(candidate(relapses=[]), "EXC-8") == "no relapse recorded"


@pytest.mark.parametrize(
    ("day", "stop", "expected"),
    [
        ("2026-01-15", "2025-10-15", NOT_MET),
        ("2026-01-15", "2025-10-14", MET),
        ("2026-05-31", "2026-02-28", NOT_MET),
        ("2026-05-31", "2026-02-27", MET),
        ("2024-05-31", "2024-02-29", NOT_MET),
        ("2024-05-31", "2024-02-28", MET),
    ],
)
def test_immunosuppressant_within_3_months_is_on_or_after_the_same_day_3_months_earlier(
    day: str, stop: str, expected: Verdict
) -> None:
    found = only(
        dt.date.fromisoformat(day), therapies=[{"drug": "Tysabri", "start": "2020-01-01", "stop": stop}]
    )
    assert found["EXC-5"] is expected


@pytest.mark.parametrize("stop", [None, "2026-01-15", "2026-04-01"])
def test_an_ongoing_therapy_counts_as_taken_on_the_randomisation_date(stop: str | None) -> None:
    record = candidate(therapies=[{"drug": "Gilenya", "start": "2019-01-01", "stop": stop}])
    assert verdict(record, "EXC-5") is NOT_MET
    assert verdict(record, "EXC-6") is MET


def test_an_unclassified_drug_in_the_window_leaves_the_exclusion_unknown() -> None:
    record = candidate(
        therapies=[
            *candidate()["therapies"],
            {"drug": "Fooximab", "start": "2025-12-01", "stop": "2025-12-30"},
        ]
    )
    result = verdicts(screen_candidate(parse_candidate(record), PROTOCOL))
    assert (result["EXC-5"], result["EXC-6"], result["EXC-7"]) == (UNKNOWN, UNKNOWN, UNKNOWN)
    assert "could not classify 'Fooximab'" in reason(record, "EXC-7")
    old = candidate(
        therapies=[
            *candidate()["therapies"],
            {"drug": "Fooximab", "start": "2020-01-01", "stop": "2020-02-01"},
        ]
    )
    assert verdict(old, "EXC-7") is MET


def test_a_known_recent_drug_excludes_even_beside_an_unclassified_one() -> None:
    record = candidate(
        therapies=[
            {"drug": "Fooximab", "start": "2025-12-01"},
            {"drug": "prednisone", "start": "2026-01-01", "stop": "2026-01-05"},
        ]
    )
    assert verdict(record, "EXC-7") is NOT_MET


@pytest.mark.parametrize(
    ("changes", "criterion", "expected"),
    [
        ({"hiv": True}, "EXC-4", NOT_MET),
        ({"hepatitis_c": None}, "EXC-4", UNKNOWN),
        ({"hepatitis_c": None, "active_infection": True}, "EXC-4", NOT_MET),
        ({"malignancy_history": "basal_cell"}, "EXC-9", MET),
        ({"malignancy_history": "carcinoma_in_situ_remission_over_1y"}, "EXC-9", MET),
        ({"malignancy_history": "carcinoma_in_situ_remission_1y_or_less"}, "EXC-9", NOT_MET),
        ({"malignancy_history": "other"}, "EXC-9", NOT_MET),
        ({"life_limiting_comorbidity": True}, "EXC-10", NOT_MET),
        ({"wbc_abnormal": True}, "EXC-11", NOT_MET),
        ({"haematological_disease": None}, "EXC-11", UNKNOWN),
        ({"pregnant": True}, "EXC-12", NOT_MET),
        ({"uses_contraception": False}, "EXC-12", NOT_MET),
        ({"pregnant": None}, "EXC-12", UNKNOWN),
        ({"pregnant": None, "uses_contraception": False}, "EXC-12", NOT_MET),
        ({"sex": "M", "pregnant": None, "uses_contraception": None}, "EXC-12", MET),
        ({"sex": None, "pregnant": False, "uses_contraception": True}, "EXC-12", MET),
        ({"consent": False}, "EXC-14", NOT_MET),
        ({"consent": None}, "EXC-14", UNKNOWN),
    ],
)
def test_yes_no_exclusions(changes: dict[str, Any], criterion: str, expected: Verdict) -> None:
    assert verdict(candidate(**changes), criterion) is expected


def test_a_criterion_without_a_rule_is_for_the_investigator() -> None:
    version = PROTOCOL.eligibility_version("final")
    manual = version.criteria[-1].model_copy(update={"rule": None, "params": {}})
    edited = version.model_copy(update={"criteria": [*version.criteria[:-1], manual]})
    protocol = PROTOCOL.model_copy(update={"eligibility": [PROTOCOL.eligibility[0], edited]})
    result = screen_candidate(parse_candidate(candidate()), protocol)
    assert result.criteria[-1].verdict is UNKNOWN
    assert result.eligible is None
    assert result.missing == ("EXC-14",)


def test_every_evaluator_names_its_protocol_item() -> None:
    for name, evaluate in EVALUATORS.items():
        assert evaluate.__doc__, name
