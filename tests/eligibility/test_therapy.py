"""Therapy courses as the criteria see them."""

from __future__ import annotations

import datetime as dt

from mesems.eligibility.drugs import DrugClass
from mesems.eligibility.record import Therapy
from mesems.eligibility.rules import RecentTherapyParams
from mesems.eligibility.therapy import recent_therapy, therapy_courses, therapy_failure, unclassified_drugs
from mesems.eligibility.verdicts import Verdict

DAY = dt.date(2026, 1, 15)


def test_courses_are_classified_and_cut_at_the_randomisation_date() -> None:
    courses = therapy_courses(
        [
            Therapy(drug="Avonex", start=dt.date(2020, 1, 1)),
            Therapy(drug="Tysabri", start=dt.date(2020, 1, 1), stop=dt.date(2026, 1, 15)),
            Therapy(drug="Copaxone", start=dt.date(2020, 1, 1), stop=dt.date(2026, 6, 1)),
            Therapy(drug="baclofen", stop=dt.date(2025, 1, 1)),
        ],
        DAY,
    )
    assert [(c.drug_class, c.last, c.ongoing) for c in courses] == [
        (DrugClass.INTERFERON_BETA, DAY, True),
        (DrugClass.NATALIZUMAB, DAY, False),
        (DrugClass.GLATIRAMER, DAY, True),
        (None, dt.date(2025, 1, 1), False),
    ]


def test_unclassified_drugs_are_listed_once_in_order() -> None:
    therapies = [Therapy(drug="Foo"), Therapy(drug="Avonex"), Therapy(drug="Bar"), Therapy(drug="Foo")]
    assert unclassified_drugs(therapies) == ("Foo", "Bar")


def test_the_ongoing_reason_says_it_counts_on_the_randomisation_date() -> None:
    courses = therapy_courses([Therapy(drug="Gilenya", start=dt.date(2020, 1, 1))], DAY)
    outcome = recent_therapy(courses, DAY, RecentTherapyParams(classes=[DrugClass.FINGOLIMOD], months=3))
    assert outcome.verdict is Verdict.NOT_MET
    assert (
        outcome.reason
        == "fingolimod (Gilenya) ongoing, counted as taken on the randomisation date 2026-01-15; must stop before 2025-10-15 (3 months before randomisation)"
    )


def test_no_course_of_the_classes_is_met_with_their_names() -> None:
    outcome = recent_therapy(
        (), DAY, RecentTherapyParams(classes=[DrugClass.INTERFERON_BETA, DrugClass.GLATIRAMER], days=30)
    )
    assert (outcome.verdict, outcome.reason) == (
        Verdict.MET,
        "no interferon-beta or glatiramer acetate recorded",
    )


def test_failure_counts_overlaps_once_and_says_what_is_unknown() -> None:
    courses = therapy_courses(
        [Therapy(drug="Rebif", start=dt.date(2025, 1, 1), stop=dt.date(2025, 3, 31)), Therapy(drug="Rebif")],
        DAY,
    )
    outcome = therapy_failure(courses, 12, [DrugClass.INTERFERON_BETA])
    assert outcome.verdict is Verdict.UNKNOWN
    assert outcome.data["approved_therapy_days"] == 90
    assert "start of 'Rebif' unknown" in outcome.reason
