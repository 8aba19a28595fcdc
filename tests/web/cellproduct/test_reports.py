"""Lab dashboard and custody report for the lab; refused to blinded roles; the clinic sees codes by period."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mesems.access import Role, is_blinded
from mesems.errors import AccessDenied
from mesems.web.apps.allocation.services import allocate_next
from mesems.web.apps.cellproduct.reports import clinic_bags, custody_report, lab_dashboard
from mesems.web.apps.cellproduct.seeding import prepare_released_product
from tests.web.cellproduct.conftest import LAB_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def randomised(gated_list: Any, lab: Any, consented: Any, make_user: Any) -> None:
    consented("SE-KAR-0001")
    prepare_released_product("SE-KAR-0001", lab, LAB_PASSWORD)
    allocate_next("SE-KAR-0001", make_user(Role.NURSE, "SE-KAR", username="nurse-r"), "req-report-1")


def test_custody_report_lists_every_event_in_order(randomised: None, lab: Any) -> None:
    steps = [line.step for line in custody_report(lab, "SE-KAR-0001")]
    assert steps == ["harvest", "expansion", "bags_prepared", "bags_prepared", "release_tests", "release", "cryostorage", "cryostorage"]


def test_dashboard_counts_products_by_state(randomised: None, lab: Any) -> None:
    board = lab_dashboard(lab)
    assert board.counts["released"] == 1 and sum(board.counts.values()) == 1
    assert {b.content for b in board.products[0].bags} == {"MSC", "PLACEBO"}


@pytest.mark.parametrize("role", [r for r in Role if is_blinded(r)])
def test_blinded_roles_cannot_open_the_lab_views(randomised: None, make_user: Any, role: Role) -> None:
    user = make_user(role, "SE-KAR" if role in {Role.INVESTIGATOR, Role.NURSE, Role.OUTCOME_ASSESSOR} else None, username=f"blind-{role.value}")
    with pytest.raises(AccessDenied):
        lab_dashboard(user)
    with pytest.raises(AccessDenied):
        custody_report(user, "SE-KAR-0001")
    client = Client()
    client.force_login(user)
    for url in ("/cellproduct/", "/cellproduct/participants/SE-KAR-0001/", "/cellproduct/participants/SE-KAR-0001/custody/", "/api/cell-products", "/api/cell-products/SE-KAR-0001/custody"):
        assert client.get(url).status_code == 403, url
    if role is Role.OUTCOME_ASSESSOR:  # nothing of infusions for the blinded rater
        with pytest.raises(AccessDenied):
            clinic_bags(user, "SE-KAR-0001")
        assert client.get("/api/cell-products/SE-KAR-0001/bags").status_code == 403
        return
    bags = clinic_bags(user, "SE-KAR-0001")
    assert [b.period for b in bags] == [1, 2] and {b.state for b in bags} == {"stored"}
    assert set(client.get("/api/cell-products/SE-KAR-0001/bags").json()[0]) == {"period", "code", "state"}
