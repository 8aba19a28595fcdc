"""The demo services: whole visits through the real forms, and a signature from a script."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mesems.access import Role
from tests.web.conftest import PASSWORD
from tests.web.visits.conftest import install_without_cell_product, site_today

pytestmark = pytest.mark.django_db


def test_fill_visits_with_recorded_values_then_sign_and_query(randomised: Any, make_user: Any) -> None:
    """Recorded values win over drawn ones and a form recorded as None is left out (a missed scan).
    No cell product here: the bedside check is the replay's (tests/cli/test_demo.py)."""
    from mesems.web.apps.visits.demo import fill_visit
    from mesems.web.apps.visits.models import Infusion, MriRead, Visit
    from mesems.web.apps.visits.services import raise_query, sign_visit, visit_views

    install_without_cell_product()
    participant = randomised("SE-KAR-0001", weeks_ago=26)
    nurse, investigator, monitor = (
        make_user(Role.NURSE, "SE-KAR"),
        make_user(Role.INVESTIGATOR, "SE-KAR"),
        make_user(Role.MONITOR),
    )
    rng = np.random.default_rng(7)
    past = Visit.objects.filter(participant=participant, week__isnull=False, target_date__lt=site_today())
    for visit in past.order_by("target_date"):
        recorded = {
            "infusion": {"product_code": f"LOT-{visit.code}"},
            "mri": None if visit.code == "W12" else {"gel": 3},
        }
        fill_visit(nurse, participant.code, visit.code, visit.target_date, rng, recorded)
    assert [v.code for v in past.order_by("target_date")] == ["W00", "W04", "W08", "W12", "W16", "W20", "W24"]
    views = {v.visit.code: v for v in visit_views(participant)}
    assert all(views[code].completeness.complete for code in ("W00", "W04", "W24"))
    assert views["W12"].completeness.missing_forms == ("mri",)
    assert sorted(MriRead.objects.values_list("visit__code", "gel")) == [("W00", 3), ("W04", 3), ("W24", 3)]
    assert sorted(Infusion.objects.values_list("product_code", flat=True)) == ["LOT-W00", "LOT-W24"]
    signature = sign_visit(investigator, participant.code, "W24", PASSWORD)
    assert signature.visit.code == "W24"
    infusion = Infusion.objects.get(visit__code="W00")
    query = raise_query(monitor, "infusion", infusion.pk, "volume_ml", "Pump log says 98 mL")
    assert query.status == "open"
