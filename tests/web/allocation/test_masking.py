"""Who sees a sequence: the unblinded roles of mesems.access, nobody else."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from mesems.access import Role, is_blinded
from mesems.web.apps.allocation.masking import allocation_view
from mesems.web.apps.allocation.models import Allocation
from mesems.web.apps.allocation.services import allocate_next

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_what_access_policy_says(loaded_list: Any, consented: Any, make_user: Any, role: Role) -> None:
    allocate_next(consented("SE-KAR-0001"), make_user(Role.NURSE, "SE-KAR", username="allocating-nurse"), "req-mask-0001")
    allocation = Allocation.objects.get()
    user = make_user(role, "SE-KAR" if role in {Role.INVESTIGATOR, Role.NURSE, Role.OUTCOME_ASSESSOR} else None)
    view = allocation_view(user, allocation.participant)
    assert (view.status, view.randomisation_number, view.product_code) == ("randomised", "R-0001", allocation.product_code)
    if is_blinded(role):
        shown = {k for k, v in dataclasses.asdict(view).items() if v is not None}
        assert shown == {"participant", "status", "randomisation_number", "product_code", "allocated_at"}
    else:
        assert (view.sequence, view.stratum, view.position) == (allocation.sequence, "SE-KAR|RR", 1)


def test_not_randomised_view(loaded_list: Any, consented: Any, make_user: Any) -> None:
    view = allocation_view(make_user(Role.CELL_LAB), consented("SE-KAR-0001"))
    assert view.status == "not randomised" and view.randomisation_number is None
