"""`allocation verify` in the database: a row changed directly is caught, so is a changed digest."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from mesems.access import Role
from mesems.web.apps.allocation.models import AllocationList, ListEntry
from mesems.web.apps.allocation.services import allocate_next
from mesems.web.apps.allocation.verification import verify_stored_list

pytestmark = pytest.mark.django_db


def test_unchanged_list_and_allocations_verify(loaded_list: Any, consented: Any, make_user: Any) -> None:
    nurse = make_user(Role.NURSE, "SE-KAR")
    for i in range(3):
        allocate_next(consented(f"SE-KAR-{i:04d}"), nurse, f"req-verify-{i}")
    result = verify_stored_list(loaded_list.digest)
    assert result.ok and result.allocations == 3 and result.audit_digest == loaded_list.digest


def _flip_row(stratum: str, position: int) -> None:
    row = ListEntry.objects.get(stratum=stratum, position=position)
    other = "placebo-MSC" if row.sequence == "MSC-placebo" else "MSC-placebo"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE allocation_listentry SET sequence = %s WHERE id = %s", [other, row.pk])


def test_a_row_changed_directly_is_caught(loaded_list: Any) -> None:
    _flip_row("IT-02|SP", 3)
    result = verify_stored_list()
    assert not result.ok
    assert "a row was changed" in result.problems[0]


def test_a_row_and_its_digest_changed_together_are_caught_by_the_audit_trail(loaded_list: Any) -> None:
    from mesems.web.apps.allocation.services import core_list

    _flip_row("IT-02|SP", 3)
    AllocationList.objects.filter(pk=loaded_list.pk).update(digest=core_list(loaded_list).digest)
    result = verify_stored_list()
    assert not result.ok and any("audit trail" in p for p in result.problems)


def test_a_used_row_changed_is_caught_against_the_allocation(loaded_list: Any, consented: Any, make_user: Any) -> None:
    allocate_next(consented("SE-KAR-0001"), make_user(Role.NURSE, "SE-KAR"), "req-verify-x")
    _flip_row("SE-KAR|RR", 1)
    assert any("R-0001" in p for p in verify_stored_list().problems)


def test_a_digest_the_statistician_kept_must_match(loaded_list: Any) -> None:
    assert not verify_stored_list("0" * 64).ok
