"""Emergency unblinding: reason and second factor, shown to that user only, recorded, notified, listed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from mesems.access import Role
from mesems.errors import AccessDenied, RandomisationError
from mesems.web.apps.allocation.masking import allocation_view
from mesems.web.apps.allocation.models import Allocation, EmergencyUnblinding
from mesems.web.apps.allocation.secondfactor import ensure_totp_device
from mesems.web.apps.allocation.services import allocate_next
from mesems.web.apps.allocation.unblinding import emergency_unblind, unblinding_listing
from mesems.web.apps.audit.services import history
from tests.web.allocation.conftest import fresh_code

pytestmark = pytest.mark.django_db

REASON = "Severe anaphylaxis; treating physician needs to know the product"


@pytest.fixture
def randomised(loaded_list: Any, consented: Any, make_user: Any) -> Any:
    allocate_next(consented("SE-KAR-0001"), make_user(Role.NURSE, "SE-KAR"), "req-unblind-1")
    return Allocation.objects.get()


@pytest.fixture
def investigator(make_user: Any) -> Any:
    user = make_user(Role.INVESTIGATOR, "SE-KAR")
    ensure_totp_device(user)
    return user


def test_unblinding_reveals_to_that_user_records_and_notifies(randomised: Any, investigator: Any, make_user: Any) -> None:
    other = make_user(Role.INVESTIGATOR, "SE-KAR", username="second-investigator")
    participant = randomised.participant
    assert allocation_view(investigator, participant).sequence is None
    outcome = emergency_unblind(investigator, "SE-KAR-0001", REASON, fresh_code(investigator.totpdevice_set.get()))
    assert outcome.sequence == randomised.sequence and outcome.randomisation_number == "R-0001"
    assert allocation_view(investigator, participant).sequence == randomised.sequence
    assert allocation_view(other, participant).sequence is None
    record = EmergencyUnblinding.objects.get()
    assert record.user == investigator and record.reason == REASON
    assert [e.action for e in history(record)] == ["create"] or history(record)[0].action == "emergency_unblinding"
    [notice] = mail.outbox
    assert "SE-KAR-0001" in notice.body and REASON in notice.body
    assert randomised.sequence not in notice.body and "MSC" not in notice.body.replace("MESEMS", "")
    assert record.notified == [] or EmergencyUnblinding.objects.get().notified == notice.to
    [listed] = unblinding_listing(make_user(Role.SPONSOR_ADMIN))
    assert (listed.participant, listed.by, listed.reason, listed.randomisation_number) == ("SE-KAR-0001", investigator.username, REASON, "R-0001")
    assert not hasattr(listed, "sequence")


def test_a_request_without_reason_or_second_factor_is_refused_and_recorded(randomised: Any, investigator: Any) -> None:
    device = investigator.totpdevice_set.get()
    with pytest.raises(RandomisationError, match="clinical reason") as no_reason:
        emergency_unblind(investigator, "SE-KAR-0001", "   ", fresh_code(device))
    assert no_reason.value.field == "reason"
    with pytest.raises(AccessDenied, match="second-factor code is required") as no_code:
        emergency_unblind(investigator, "SE-KAR-0001", REASON, "")
    assert no_code.value.field == "otp_token"
    with pytest.raises(AccessDenied, match="wrong or expired"):
        emergency_unblind(investigator, "SE-KAR-0001", REASON, "000000" if fresh_code(device) != "000000" else "111111")
    assert not EmergencyUnblinding.objects.exists() and mail.outbox == []
    refusals = [e for e in history(randomised.participant) if e.action == "refused_emergency_unblinding"]
    assert len(refusals) == 3


def test_only_investigators_of_the_site_with_a_device(randomised: Any, make_user: Any) -> None:
    with pytest.raises(AccessDenied):
        emergency_unblind(make_user(Role.NURSE, "SE-KAR", username="another-nurse"), "SE-KAR-0001", REASON, "123456")
    without_device = make_user(Role.INVESTIGATOR, "SE-KAR", username="no-device")
    with pytest.raises(AccessDenied, match="set up a second factor"):
        emergency_unblind(without_device, "SE-KAR-0001", REASON, "123456")
    elsewhere = make_user(Role.INVESTIGATOR, "IT-01")
    ensure_totp_device(elsewhere)
    from mesems.errors import NotFound

    with pytest.raises(NotFound):
        emergency_unblind(elsewhere, "SE-KAR-0001", REASON, fresh_code(elsewhere.totpdevice_set.get()))


def test_nothing_to_unblind_before_randomisation(loaded_list: Any, consented: Any, investigator: Any) -> None:
    consented("SE-KAR-0002")
    with pytest.raises(RandomisationError, match="not randomised") as refused:
        emergency_unblind(investigator, "SE-KAR-0002", REASON, fresh_code(investigator.totpdevice_set.get()))
    assert refused.value.http_status == 409


def test_listing_is_scoped_and_refused_to_nurses(randomised: Any, investigator: Any, make_user: Any) -> None:
    emergency_unblind(investigator, "SE-KAR-0001", REASON, fresh_code(investigator.totpdevice_set.get()))
    assert unblinding_listing(make_user(Role.INVESTIGATOR, "IT-01")) == []
    assert len(unblinding_listing()) == 1
    with pytest.raises(AccessDenied):
        unblinding_listing(make_user(Role.NURSE, "SE-KAR", username="listing-nurse"))
