"""The demo services: whole visits through the real forms, and a signature from a script."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mesems.access import Role
from tests.web.conftest import PASSWORD
from tests.web.visits.conftest import site_today

pytestmark = pytest.mark.django_db


def test_fill_past_visits_then_sign_and_query(randomised: Any, make_user: Any) -> None:
    from mesems.web.apps.visits.demo import fill_past_visits
    from mesems.web.apps.visits.services import raise_query, sign_visit, visit_views

    participant = randomised("SE-KAR-0001", weeks_ago=26)
    nurse, investigator, monitor = (
        make_user(Role.NURSE, "SE-KAR"),
        make_user(Role.INVESTIGATOR, "SE-KAR"),
        make_user(Role.MONITOR),
    )
    done = fill_past_visits(nurse, participant.code, site_today(), np.random.default_rng(7))
    assert [v.code for v in done] == ["W00", "W04", "W08", "W12", "W16", "W20", "W24"]
    views = {v.visit.code: v for v in visit_views(participant)}
    assert all(views[code].completeness.complete for code in ("W00", "W24"))
    signature = sign_visit(investigator, participant.code, "W24", PASSWORD)
    assert signature.visit.code == "W24"
    from mesems.web.apps.visits.models import Infusion

    infusion = Infusion.objects.get(visit__code="W00")
    query = raise_query(monitor, "infusion", infusion.pk, "volume_ml", "Pump log says 98 mL")
    assert query.status == "open"
