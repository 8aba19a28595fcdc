"""A released product for a participant in one call, through the same services the lab uses
(for the demo and tests). The release is e-signed like any other: the lab user's password and a
code from their authenticator device."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from mesems.web.apps.allocation.secondfactor import current_code, ensure_totp_device
from mesems.web.apps.cellproduct.models import Bag, QualifiedPerson
from mesems.web.apps.cellproduct.release import release_product
from mesems.web.apps.cellproduct.services import prepare_bags, record_expansion, record_harvest, record_release_tests, record_weight, store_bag

PASSING_RESULTS = {"viability": "92", "cd73": "98", "cd90": "97", "cd105": "96", "cd45": "0.8", "sterility": "negative", "endotoxin": "0.2", "mycoplasma": "negative"}


def designate_qualified_person(user: Any) -> QualifiedPerson:
    return QualifiedPerson.objects.get_or_create(user=user)[0]


def prepare_released_product(
    participant_code: str, lab_user: Any, lab_password: str, weight_kg: float = 70.0, cells_per_kg: float = 1.5e6,
    codes: Mapping[str, str] | None = None, today: dt.date | None = None,
) -> list[Bag]:
    """Weight, harvest, expansion, the two bags, passing release tests, e-signed release, cryostorage."""
    today = today or timezone.localdate()
    designate_qualified_person(lab_user)
    device = ensure_totp_device(lab_user)
    record_weight(lab_user, participant_code, weight_kg, today)
    record_harvest(lab_user, participant_code, today - dt.timedelta(days=28), 60.0, "bone-marrow harvest room")
    record_expansion(lab_user, participant_code, f"B-{participant_code}", 3, "GMP cell-processing lab")
    bags = prepare_bags(lab_user, participant_code, cells_per_kg * weight_kg, "GMP cell-processing lab", codes)
    record_release_tests(lab_user, participant_code, PASSING_RESULTS)
    type(device).objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    release_product(lab_user, participant_code, lab_password, current_code(device))
    for position, bag in enumerate(bags, start=1):
        store_bag(lab_user, bag.code, f"tank 1 / rack A / box 1 / position {position}")
    return bags
