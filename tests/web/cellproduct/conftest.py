"""Fixtures of the cell-product tests: a lab user who is the qualified person, a loaded list, helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from mesems.access import Role
from tests.web.allocation.conftest import consented, fast_password_hashing, fresh_code  # noqa: F401 (fixtures shared)
from tests.web.conftest import PASSWORD


@pytest.fixture
def lab(make_user: Any) -> Any:
    from mesems.web.apps.allocation.secondfactor import ensure_totp_device
    from mesems.web.apps.cellproduct.seeding import designate_qualified_person

    user = make_user(Role.CELL_LAB, username="lab-qp")
    designate_qualified_person(user)
    ensure_totp_device(user)
    return user


@pytest.fixture
def gated_list(trial: Any) -> Any:
    """The MESEMS protocol as it is (randomisation waits for a released product) with a list loaded."""
    from mesems.web.apps.allocation.services import generate_and_load

    return generate_and_load("cellproduct-test-seed", per_stratum=8)


@pytest.fixture
def bags_ready(lab: Any, consented: Any) -> Callable[..., Any]:  # noqa: F811 (the shared fixture)
    """A consented participant with weight, harvest, expansion and two prepared bags (not released)."""
    from mesems.web.apps.cellproduct.services import (
        prepare_bags,
        record_expansion,
        record_harvest,
        record_weight,
    )

    def make(code: str = "SE-KAR-0001", site: str = "SE-KAR", kg: float = 70.0, cells: float = 105e6) -> Any:
        consented(code, site)
        record_weight(lab, code, kg, timezone.localdate())
        record_harvest(lab, code, timezone.localdate() - dt.timedelta(days=28), 50.0, "harvest room")
        record_expansion(lab, code, f"B-{code}", 3, "GMP lab")
        return prepare_bags(lab, code, cells, "GMP lab")

    return make


def lab_code(lab_user: Any) -> str:
    return fresh_code(lab_user.totpdevice_set.get(confirmed=True))


LAB_PASSWORD = PASSWORD


def two_randomised(lab_user: Any, nurse: Any, make_consented: Callable[..., Any]) -> tuple[str, str]:
    """SE-KAR-0001 and -0002 released and randomised; the first's period-1 bag thawed.
    Returns (the first's period-1 code, the second's period-1 code)."""
    from mesems.web.apps.allocation.services import allocate_next
    from mesems.web.apps.cellproduct.seeding import prepare_released_product
    from mesems.web.apps.cellproduct.services import thaw_bag

    for code in ("SE-KAR-0001", "SE-KAR-0002"):
        make_consented(code)
        prepare_released_product(code, lab_user, LAB_PASSWORD)
    mine = allocate_next("SE-KAR-0001", nurse, "req-two-0001").product_code
    other = allocate_next("SE-KAR-0002", nurse, "req-two-0002").product_code
    thaw_bag(lab_user, mine, "infusion room")
    return mine, other
