"""MRI read, infusion, consent, con-meds and the participant-level forms."""

from __future__ import annotations

import datetime as dt

from mesems.clinical.consent import ConsentVersion, check_consent, reconsent_needed
from mesems.clinical.disposition import (
    check_demographics,
    check_deviation,
    check_end_of_study,
    check_ms_history,
)
from mesems.clinical.infusion import check_bedside_code, check_infusion, total_dose
from mesems.clinical.medication import check_conmed, drug_class_of, medication_flag
from mesems.clinical.mri import check_mri_read
from mesems.protocol import load_protocol

TODAY = dt.date(2026, 6, 1)


def codes(problems: list) -> list[str]:  # type: ignore[type-arg]
    return [p.code for p in problems]


def test_mri_read() -> None:
    good = {"scan_date": TODAY, "gel": 2, "field_strength_t": 1.5, "reader_blinded": True}
    assert check_mri_read(good, TODAY, t2_required=False) == []
    assert codes(check_mri_read({**good, "gel": -1}, TODAY, False)) == ["not_a_count"]
    assert {p.field for p in check_mri_read(good, TODAY, True)} == {"new_t2", "t2_volume_ml", "black_holes"}
    assert codes(
        check_mri_read({**good, "field_strength_t": 3.0, "reader_blinded": False}, TODAY, False)
    ) == ["not_protocol_scanner", "reader_not_blinded"]


def test_infusion_dose_and_weight_recency() -> None:
    dose = load_protocol().intervention("MSC").dose
    assert dose is not None
    good = {"infused_on": TODAY, "product_code": "P-1", "dose_per_kg": 1.5e6, "volume_ml": 100}
    assert check_infusion(good, TODAY, dose, 70, TODAY - dt.timedelta(days=30)) == []
    assert codes(check_infusion(good, TODAY, dose, 70, TODAY - dt.timedelta(days=31))) == ["weight_too_old"]
    assert codes(check_infusion(good, TODAY, dose, None, None)) == ["no_weight"]
    assert codes(check_infusion({**good, "dose_per_kg": 3e6}, TODAY, dose, 70, TODAY)) == ["out_of_range"]
    assert codes(check_infusion({**good, "reaction": True}, TODAY, dose, 70, TODAY)) == ["required"]
    assert total_dose(1.5e6, 70) == 1.05e8 and total_dose(None, 70) is None


def test_infusion_code_is_the_bag_checked_at_the_bedside() -> None:
    assert check_bedside_code("p-7f3k", "P-7F3K", 1) == [] and check_bedside_code("7F3K ", "P-7F3K", 1) == []
    assert check_bedside_code(None, None, 1) == []  # left to the required check
    [before] = check_bedside_code("P-7F3K", None, 2)
    assert (before.field, before.code) == (
        "product_code",
        "no_bedside_check",
    ) and "for period 2 yet" in before.message
    [other] = check_bedside_code("P-9ABC", "P-7F3K", 1)
    assert (other.field, other.code) == ("product_code", "not_the_checked_bag")
    assert "P-9ABC is not the bag that passed the bedside check for period 1 (P-7F3K)" in other.message
    assert "for this visit" in check_bedside_code("P-7F3K", None, None)[0].message


VERSIONS = [
    ConsentVersion("1.0", dt.date(2013, 1, 1)),
    ConsentVersion("2.0", dt.date(2015, 1, 1), requires_reconsent=True),
]


def test_consent_versions() -> None:
    assert check_consent({"form_version": "2.0", "consented_on": dt.date(2016, 1, 1)}, TODAY, VERSIONS) == []
    assert codes(
        check_consent({"form_version": "1.0", "consented_on": dt.date(2016, 1, 1)}, TODAY, VERSIONS)
    ) == ["superseded"]
    assert codes(
        check_consent({"form_version": "2.0", "consented_on": dt.date(2014, 1, 1)}, TODAY, VERSIONS)
    ) == ["not_yet_in_force"]
    assert codes(
        check_consent({"form_version": "9", "consented_on": dt.date(2014, 1, 1)}, TODAY, VERSIONS)
    ) == ["unknown_version"]
    assert reconsent_needed(["1.0"], VERSIONS, TODAY) == VERSIONS[1]
    assert reconsent_needed(["1.0", "2.0"], VERSIONS, TODAY) is None
    assert reconsent_needed([], VERSIONS, TODAY) is None


def test_conmeds() -> None:
    good = {"drug": "Paracetamol", "indication": "pain", "start_date": dt.date(2026, 5, 1), "ongoing": True}
    assert check_conmed(good, TODAY) == []
    assert codes(check_conmed({**good, "ongoing": False}, TODAY)) == ["required"]
    assert codes(check_conmed({**good, "stop_date": dt.date(2026, 4, 1)}, TODAY)) == [
        "before_start",
        "ongoing_with_stop",
    ]
    assert (
        drug_class_of("IV methylprednisolone 1 g") == "corticosteroid" and drug_class_of("paracetamol") == ""
    )
    assert "relapse" in medication_flag("corticosteroid") and "exclusion 5" in medication_flag("natalizumab")
    assert medication_flag("") == ""


def test_participant_level_forms() -> None:
    week0 = dt.date(2026, 1, 5)
    assert check_end_of_study({"status": "completed", "end_date": TODAY}, TODAY, week0, 48, 48) == []
    assert codes(check_end_of_study({"status": "completed", "end_date": TODAY}, TODAY, week0, 36, 48)) == [
        "not_completed"
    ]
    assert codes(check_end_of_study({"status": "withdrawn", "end_date": TODAY}, TODAY, week0, 36, 48)) == [
        "required"
    ]
    assert codes(
        check_end_of_study(
            {"status": "withdrawn", "end_date": dt.date(2025, 1, 1), "reason": "moved"}, TODAY, week0, 0, 48
        )
    ) == ["before_start"]
    assert (
        check_deviation(
            {"category": "other", "description": "x", "found_how": "site_report", "found_on": TODAY}, TODAY
        )
        == []
    )
    assert codes(check_demographics({"birth_date": dt.date(1890, 1, 1), "sex": "F"}, TODAY)) == [
        "implausible"
    ]
    assert codes(
        check_ms_history(
            {"onset_date": TODAY, "diagnosis_date": dt.date(2020, 1, 1), "ms_course": "RR"}, TODAY
        )
    ) == ["before_start"]
