"""What a visit must collect: its protocol assessments turned into forms and reviews.

Most assessments are a form of their own (vital signs, weight, labs, EDSS, MRI read, infusion
record). Three are reviews answered on the visit itself: adverse events, concomitant medications
and relapses since the last visit; each is a yes/no question, and a "yes" leads to the
participant's log of that kind. The MRI read asks for the T2 measures only where the visit
collects `mri_t2` (weeks 0, 24 and 48).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

FORM_OF_ASSESSMENT: dict[str, str] = {
    "vitals": "vital_signs",
    "weight": "weight",
    "labs": "labs",
    "mri_gel": "mri",
    "mri_t2": "mri",
    "edss": "edss",
    "infusion": "infusion",
}
"""Assessment id (protocol) -> form kind that records it."""

REVIEW_OF_ASSESSMENT: dict[str, str] = {
    "adverse_events": "ae_review",
    "conmeds": "conmed_review",
    "relapse_check": "relapse_review",
}
"""Assessment id (protocol) -> the yes/no review answered on the visit record."""


@dataclass(frozen=True)
class Collection:
    forms: tuple[str, ...]
    reviews: tuple[str, ...]
    t2_required: bool


def collection_for(assessments: Iterable[str]) -> Collection:
    """The forms (in order, once each) and reviews that a visit with these assessments collects;
    an assessment id this table does not know is ignored (it has no form)."""
    wanted = list(assessments)
    forms = tuple(dict.fromkeys(FORM_OF_ASSESSMENT[a] for a in wanted if a in FORM_OF_ASSESSMENT))
    reviews = tuple(REVIEW_OF_ASSESSMENT[a] for a in wanted if a in REVIEW_OF_ASSESSMENT)
    return Collection(forms, reviews, "mri_t2" in wanted)


@dataclass(frozen=True)
class Completeness:
    missing_forms: tuple[str, ...]
    unanswered_reviews: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing_forms and not self.unanswered_reviews


def completeness(
    collection: Collection, forms_saved: Iterable[str], reviews_answered: Iterable[str]
) -> Completeness:
    saved, answered = set(forms_saved), set(reviews_answered)
    return Completeness(
        tuple(f for f in collection.forms if f not in saved),
        tuple(r for r in collection.reviews if r not in answered),
    )
