"""Allocation and the product: randomisation waits for a released product; the period-1 bag's code
is the product code returned; each bag gets the period its content has in the sequence."""

from __future__ import annotations

from typing import Any

import pytest

from mesems.access import Role
from mesems.errors import RandomisationError
from mesems.protocol import load_protocol
from mesems.web.apps.allocation.models import Allocation
from mesems.web.apps.allocation.services import allocate_next
from mesems.web.apps.cellproduct.models import Bag
from mesems.web.apps.cellproduct.release import release_product
from mesems.web.apps.cellproduct.seeding import PASSING_RESULTS
from mesems.web.apps.cellproduct.services import record_release_tests
from tests.web.cellproduct.conftest import LAB_PASSWORD, lab_code

pytestmark = pytest.mark.django_db


def test_randomisation_waits_for_a_released_product(gated_list: Any, bags_ready: Any, lab: Any, make_user: Any, consented: Any) -> None:
    nurse = make_user(Role.NURSE, "SE-KAR")
    consented("SE-KAR-0009")
    with pytest.raises(RandomisationError, match="no released cell product") as without:
        allocate_next("SE-KAR-0009", nurse, "req-gate-0001")
    assert without.value.http_status == 409
    bags_ready()
    with pytest.raises(RandomisationError, match="no released cell product"):
        allocate_next("SE-KAR-0001", nurse, "req-gate-0002")
    record_release_tests(lab, "SE-KAR-0001", PASSING_RESULTS)
    release_product(lab, "SE-KAR-0001", LAB_PASSWORD, lab_code(lab))
    result = allocate_next("SE-KAR-0001", nurse, "req-gate-0003")
    allocation = Allocation.objects.get()
    interventions = load_protocol().arm(allocation.sequence).interventions
    by_period = {b.period: b for b in Bag.objects.all()}
    assert result.product_code == by_period[1].code == allocation.product_code
    assert [by_period[1].content, by_period[2].content] == interventions
