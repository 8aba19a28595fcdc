"""The release gate: tests in specification, dose 1-2 x 10^6/kg from a recent weight, e-signed by
the qualified person with password and second factor; each refusal recorded, nothing changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mesems.access import Role
from mesems.errors import AccessDenied, CellProductError
from mesems.web.apps.allocation.secondfactor import ensure_totp_device
from mesems.web.apps.cellproduct.models import CustodyEvent, Product, ReleaseSignature, WeightMeasurement
from mesems.web.apps.cellproduct.release import release_product
from mesems.web.apps.cellproduct.seeding import PASSING_RESULTS
from mesems.web.apps.cellproduct.services import record_release_tests
from tests.web.cellproduct.conftest import LAB_PASSWORD, lab_code

pytestmark = pytest.mark.django_db


def refusals() -> list[str]:
    return [e.details["reason"] for e in CustodyEvent.objects.filter(step="refused_release").order_by("id")]


def test_release_with_everything_in_specification(bags_ready: Any, lab: Any) -> None:
    bags_ready()
    record_release_tests(lab, "SE-KAR-0001", PASSING_RESULTS)
    signature = release_product(lab, "SE-KAR-0001", LAB_PASSWORD, lab_code(lab))
    assert signature.signer == lab and len(signature.content_digest) == 64
    assert Product.objects.get().state == "released"


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        ({**PASSING_RESULTS, "sterility": "positive"}, "Sterility: 'positive', expected 'negative'"),
        ({k: v for k, v in PASSING_RESULTS.items() if k != "mycoplasma"}, "Mycoplasma: no result recorded"),
        ({**PASSING_RESULTS, "viability": "65"}, "Viability: 65, expected at least 70 %"),
    ],
)
def test_a_failed_or_missing_test_refuses_release(bags_ready: Any, lab: Any, results: dict[str, str], expected: str) -> None:
    bags_ready()
    record_release_tests(lab, "SE-KAR-0001", results)
    with pytest.raises(CellProductError, match="cannot be released") as refused:
        release_product(lab, "SE-KAR-0001", LAB_PASSWORD, lab_code(lab))
    assert expected in refused.value.message and refused.value.http_status == 409
    assert Product.objects.get().state == "bags_prepared" and not ReleaseSignature.objects.exists()
    assert expected in refusals()[0]


@pytest.mark.parametrize(("cells", "kg", "words"), [(60e6, 70.0, "outside"), (150e6, 70.0, "outside")])
def test_a_dose_outside_the_range_refuses_release(bags_ready: Any, lab: Any, cells: float, kg: float, words: str) -> None:
    bags_ready(kg=kg, cells=cells)
    record_release_tests(lab, "SE-KAR-0001", PASSING_RESULTS)
    with pytest.raises(CellProductError, match=f"dose: .* is {words} 1e\\+06-2e\\+06 cells/kg"):
        release_product(lab, "SE-KAR-0001", LAB_PASSWORD, lab_code(lab))
    assert Product.objects.get().state == "bags_prepared"


def test_an_old_weight_refuses_release(bags_ready: Any, lab: Any) -> None:
    bags_ready()
    WeightMeasurement.objects.update(measured_on=timezone.localdate() - dt.timedelta(days=31))
    record_release_tests(lab, "SE-KAR-0001", PASSING_RESULTS)
    with pytest.raises(CellProductError, match="31 days old"):
        release_product(lab, "SE-KAR-0001", LAB_PASSWORD, lab_code(lab))


def test_the_signature_needs_the_qualified_person_password_and_second_factor(bags_ready: Any, lab: Any, make_user: Any) -> None:
    bags_ready()
    record_release_tests(lab, "SE-KAR-0001", PASSING_RESULTS)
    with pytest.raises(AccessDenied, match="password is wrong") as wrong:
        release_product(lab, "SE-KAR-0001", "not-my-password", lab_code(lab))
    assert wrong.value.field == "password"
    with pytest.raises(AccessDenied, match="second-factor code is required"):
        release_product(lab, "SE-KAR-0001", LAB_PASSWORD, "")
    other = make_user(Role.CELL_LAB, username="lab-tech")
    ensure_totp_device(other)
    with pytest.raises(AccessDenied, match="qualified person"):
        release_product(other, "SE-KAR-0001", LAB_PASSWORD, lab_code(other))
    assert Product.objects.get().state == "bags_prepared" and len(refusals()) == 3
