"""What each visit collects."""

from __future__ import annotations

from mesems.schedule import collection_for, completeness


def test_week_4_collects_vitals_and_mri_and_three_reviews() -> None:
    collection = collection_for(["vitals", "adverse_events", "conmeds", "mri_gel", "relapse_check"])
    assert collection.forms == ("vital_signs", "mri")
    assert collection.reviews == ("ae_review", "conmed_review", "relapse_review")
    assert not collection.t2_required


def test_mri_once_even_with_t2_and_completeness() -> None:
    collection = collection_for(["mri_gel", "mri_t2", "weight", "unknown_assessment"])
    assert collection.forms == ("mri", "weight") and collection.t2_required
    state = completeness(collection, ["mri"], [])
    assert state.missing_forms == ("weight",) and not state.complete
    assert completeness(collection, ["mri", "weight"], []).complete
