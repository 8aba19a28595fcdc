"""`allocation verify`: proves the stored list is the one generated, and the allocations follow it.

Three independent records must agree: the digest of the rows now in the database, the digest
stored with the list, and the digest written in the (hash-chained) audit trail when the list was
loaded. Each allocation must then match its list position, and positions must be used in order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from mesems.randomisation import Assigned, ListEntry as CoreEntry, decide, verify_list
from mesems.web.apps.allocation.models import Allocation, AllocationList, StratumCounter
from mesems.web.apps.allocation.services import active_list, core_list
from mesems.web.apps.audit.models import AuditEvent


@dataclass(frozen=True)
class StoredVerification:
    ok: bool
    digest: str
    recorded_digest: str
    audit_digest: str | None
    entries: int
    allocations: int
    problems: tuple[str, ...]


def _audit_digest(alist: AllocationList) -> str | None:
    event = AuditEvent.objects.filter(entity="allocation.allocationlist", entity_id=str(alist.pk), action="create").order_by("id").first()
    if event is None:
        return None
    recorded = event.changes.get("digest")
    return str(recorded[1]) if isinstance(recorded, list) and len(recorded) == 2 else None


def _allocation_problems(alist: AllocationList, entries: dict[tuple[str, int], CoreEntry]) -> list[str]:
    problems = []
    history: list[Assigned] = []
    used: dict[str, list[int]] = defaultdict(list)
    for allocation in Allocation.objects.filter(alist=alist).order_by("randomisation_number"):
        used[allocation.stratum].append(allocation.position)
        entry = entries.get((allocation.stratum, allocation.position))
        where = f"allocation {allocation.randomisation_number}"
        if entry is None:
            problems.append(f"{where}: its list position does not exist in the list")
            continue
        expected = decide(alist.method, entry, allocation.levels, history, list(alist.arms))
        history.append(Assigned(allocation.levels, allocation.sequence))
        if expected != allocation.sequence:
            problems.append(f"{where}: its sequence is not the one its list position gives")
    counters = {c.stratum: c.next_position for c in StratumCounter.objects.filter(alist=alist)}
    for stratum, positions in sorted(used.items()):
        if sorted(positions) != list(range(1, len(positions) + 1)) or counters.get(stratum) != len(positions) + 1:
            problems.append(f"stratum {stratum}: positions were not used in order without gaps")
    return problems


def verify_stored_list(external_digest: str | None = None) -> StoredVerification:
    """Checks the stored list; `external_digest` is the one the statistician kept from generation."""
    alist = active_list()
    stored = core_list(alist)
    result = verify_list(stored, alist.digest)
    problems = list(result.problems)
    audit = _audit_digest(alist)
    if audit is None:
        problems.append("the audit trail has no record of the list being loaded")
    elif audit != alist.digest:
        problems.append("the digest stored with the list is not the one the audit trail recorded at loading: the record was changed")
    if external_digest is not None and external_digest.strip().lower() != result.actual_digest:
        problems.append("the list's digest is not the digest you gave from generation")
    entries = {(e.stratum, e.position): e for e in stored.entries}
    problems += _allocation_problems(alist, entries)
    return StoredVerification(not problems, result.actual_digest, alist.digest, audit, len(stored.entries), Allocation.objects.filter(alist=alist).count(), tuple(problems))
