"""allocate_next and load_list on SQLite: preconditions, idempotency, refusals, the list running out."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from mesems.access import Role
from mesems.errors import AccessDenied, NotFound, RandomisationError
from mesems.web.apps.allocation.models import Allocation, StratumCounter
from mesems.web.apps.allocation.preconditions import register_precondition, registered_preconditions
from mesems.web.apps.allocation.services import allocate_next, generate_and_load
from mesems.web.apps.audit.services import history

pytestmark = pytest.mark.django_db


def test_allocation_gives_number_code_and_next_position(loaded_list: Any, consented: Any, make_user: Any) -> None:
    nurse = make_user(Role.NURSE, "SE-KAR")
    first = allocate_next(consented("SE-KAR-0001"), nurse, "req-00000001")
    second = allocate_next(consented("SE-KAR-0002"), nurse, "req-00000002")
    assert (first.randomisation_number, second.randomisation_number) == ("R-0001", "R-0002")
    assert first.product_code.startswith("P-") and len(first.product_code) == 6
    rows = list(Allocation.objects.order_by("randomisation_number"))
    assert [(r.stratum, r.position) for r in rows] == [("SE-KAR|RR", 1), ("SE-KAR|RR", 2)]
    assert StratumCounter.objects.get(alist=loaded_list, stratum="SE-KAR|RR").next_position == 3
    assert rows[0].participant.status == "randomised"


def test_a_retry_returns_the_same_allocation(loaded_list: Any, consented: Any, make_user: Any) -> None:
    nurse = make_user(Role.NURSE, "SE-KAR")
    participant = consented("SE-KAR-0001")
    first = allocate_next(participant, nurse, "req-retry-1")
    again = allocate_next(participant.code, nurse, "req-retry-1")
    assert again.replayed and (again.randomisation_number, again.product_code) == (first.randomisation_number, first.product_code)
    assert Allocation.objects.count() == 1


def test_never_twice_and_request_ids_are_not_reused(loaded_list: Any, consented: Any, make_user: Any) -> None:
    nurse = make_user(Role.NURSE, "SE-KAR")
    allocate_next(consented("SE-KAR-0001"), nurse, "req-once-001")
    with pytest.raises(RandomisationError, match="already randomised") as twice:
        allocate_next("SE-KAR-0001", nurse, "req-once-002")
    assert twice.value.http_status == 409
    with pytest.raises(RandomisationError, match="another participant") as reused:
        allocate_next(consented("SE-KAR-0002"), nurse, "req-once-001")
    assert reused.value.http_status == 409 and reused.value.field == "request_id"
    assert Allocation.objects.count() == 1


@pytest.mark.parametrize("status", ["screening", "screen_failed", "withdrawn_before_randomisation"])
def test_only_consented_participants_are_randomised(loaded_list: Any, make_participant: Any, make_user: Any, status: str) -> None:
    participant = make_participant("SE-KAR-0009", "SE-KAR")
    type(participant).objects.filter(pk=participant.pk).update(status=status)
    with pytest.raises(RandomisationError, match="only an eligible, consented participant") as refused:
        allocate_next("SE-KAR-0009", make_user(Role.INVESTIGATOR, "SE-KAR"), "req-status-1")
    assert refused.value.http_status == 409 and not Allocation.objects.exists()


def test_registered_preconditions_are_checked(loaded_list: Any, consented: Any, make_user: Any) -> None:
    register_precondition("test_blocker", lambda p, protocol: "blocked by a test check" if p.code.endswith("7") else None)
    try:
        assert "test_blocker" in registered_preconditions()
        with pytest.raises(RandomisationError, match="blocked by a test check"):
            allocate_next(consented("SE-KAR-0007"), make_user(Role.NURSE, "SE-KAR"), "req-blocked-1")
        assert allocate_next(consented("SE-KAR-0008"), make_user(Role.INVESTIGATOR, "SE-KAR"), "req-blocked-2").randomisation_number == "R-0001"
    finally:
        from mesems.web.apps.allocation import preconditions

        preconditions._checks.pop("test_blocker")


def test_roles_and_sites_that_may_not_allocate(loaded_list: Any, consented: Any, make_user: Any) -> None:
    consented("IT-01-0001", "IT-01")
    with pytest.raises(NotFound):
        allocate_next("IT-01-0001", make_user(Role.NURSE, "SE-KAR"), "req-site-001")
    for role in (Role.SPONSOR_ADMIN, Role.CELL_LAB, Role.UNBLINDED_STATISTICIAN, Role.OUTCOME_ASSESSOR):
        with pytest.raises(AccessDenied):
            allocate_next("IT-01-0001", make_user(role, "IT-01" if role == Role.OUTCOME_ASSESSOR else None), "req-role-001")


def test_bad_request_id_and_no_list(no_product_gate: Any, consented: Any, make_user: Any) -> None:
    nurse = make_user(Role.NURSE, "SE-KAR")
    consented("SE-KAR-0001")
    with pytest.raises(RandomisationError, match="request id") as bad:
        allocate_next("SE-KAR-0001", nurse, "x")
    assert bad.value.field == "request_id"
    with pytest.raises(RandomisationError, match="no allocation list is loaded"):
        allocate_next("SE-KAR-0001", nurse, "req-nolist-1")


def test_a_list_running_out_is_an_error_to_the_sponsor(no_product_gate: Any, consented: Any, make_user: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    generate_and_load("tiny-list-seed", per_stratum=1)
    nurse = make_user(Role.NURSE, "SE-KAR")
    taken = 0
    with pytest.raises(RandomisationError, match="no free position left in stratum SE-KAR\\|PP") as out:
        for i in range(10):
            allocate_next(consented(f"SE-KAR-{i:04d}", course="PP"), nurse, f"req-tiny-{i:04d}")
            taken += 1
    assert out.value.http_status == 409 and out.value.code == "list_exhausted"
    assert Allocation.objects.count() == taken and taken in (2, 4)
    [notice] = mail.outbox
    assert "SE-KAR|PP" in notice.body and notice.to == list(settings.SPONSOR_NOTIFICATION_EMAILS)


def test_the_audit_trail_has_no_sequence(loaded_list: Any, consented: Any, make_user: Any) -> None:
    allocate_next(consented("SE-KAR-0001"), make_user(Role.NURSE, "SE-KAR"), "req-audit-01")
    allocation = Allocation.objects.get()
    [event] = history(allocation)
    assert event.changes["randomisation_number"] == [None, "R-0001"]
    assert allocation.sequence not in str(event.changes) + event.reason and "sequence" not in event.changes
    assert str(allocation) == "R-0001"


def test_allocations_cannot_be_changed_or_deleted_and_attempts_are_recorded(loaded_list: Any, consented: Any, make_user: Any) -> None:
    allocate_next(consented("SE-KAR-0001"), make_user(Role.NURSE, "SE-KAR"), "req-immut-01")
    allocation = Allocation.objects.get()
    allocation.sequence = "placebo-MSC" if allocation.sequence == "MSC-placebo" else "MSC-placebo"
    with pytest.raises(RandomisationError, match="cannot be changed"):
        allocation.save()
    with pytest.raises(RandomisationError, match="cannot be deleted"):
        allocation.delete()
    with pytest.raises(RandomisationError):
        Allocation.objects.filter(pk=allocation.pk).update(sequence="x")
    with pytest.raises(RandomisationError):
        Allocation.objects.all().delete()
    assert [e.action for e in history(allocation)] == ["create", "refused_update", "refused_delete"]


def test_a_second_list_is_refused_once_allocations_exist(loaded_list: Any, consented: Any, make_user: Any) -> None:
    allocate_next(consented("SE-KAR-0001"), make_user(Role.NURSE, "SE-KAR"), "req-second-1")
    with pytest.raises(RandomisationError, match="cannot be replaced"):
        generate_and_load("another-seed-000", per_stratum=4)


def test_minimisation_list_allocates_live(no_product_gate: Any, consented: Any, make_user: Any) -> None:
    from mesems.protocol import load_protocol
    from mesems.randomisation import all_strata, generate_list, generator_from_seed
    from mesems.web.apps.allocation.services import load_list
    from mesems.web.apps.allocation.verification import verify_stored_list

    protocol = load_protocol()
    config = protocol.randomisation.model_copy(update={"method": "minimisation"})
    load_list(generate_list(config, ["MSC-placebo", "placebo-MSC"], all_strata(config, []), 20, generator_from_seed("minimise-seed")))
    nurse = make_user(Role.NURSE, "SE-KAR")
    for i in range(6):
        allocate_next(consented(f"SE-KAR-{i:04d}", course="RR" if i % 2 else "SP"), nurse, f"req-min-{i:04d}")
    assert [a.position for a in Allocation.objects.order_by("randomisation_number")] == [1, 2, 3, 4, 5, 6]
    assert verify_stored_list().ok


def test_allocation_emails_nobody_when_all_is_well(loaded_list: Any, consented: Any, make_user: Any) -> None:
    allocate_next(consented("SE-KAR-0001"), make_user(Role.NURSE, "SE-KAR"), "req-mail-001")
    assert mail.outbox == []
