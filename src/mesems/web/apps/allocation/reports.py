"""The list's balance and verification as the roles may see them."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from mesems.access import Role, is_blinded
from mesems.errors import AccessDenied
from mesems.randomisation import BalanceReport, balance_of
from mesems.web.apps.accounts.services import require_role, role_of
from mesems.web.apps.allocation.masking import sees_sequences
from mesems.web.apps.allocation.models import Allocation
from mesems.web.apps.allocation.services import active_list
from mesems.web.apps.allocation.verification import StoredVerification, verify_stored_list

VERIFIERS = frozenset({Role.SPONSOR_ADMIN, Role.DATA_MANAGER, Role.MONITOR, Role.UNBLINDED_STATISTICIAN, Role.DSMB})


def allocated_balance() -> BalanceReport:
    """Counts per arm in each stratum over the allocations made so far, in randomisation order."""
    alist = active_list()
    by_stratum: dict[str, list[str]] = {}
    for stratum, sequence in Allocation.objects.filter(alist=alist).order_by("randomisation_number").values_list("stratum", "sequence"):
        by_stratum.setdefault(stratum, []).append(sequence)
    rows = tuple(balance_of(by_stratum[s], alist.arms, s) for s in sorted(by_stratum))
    totals = {arm: sum(row.counts[arm] for row in rows) for arm in alist.arms}
    return BalanceReport(rows, totals)


def balance_for(user: Any) -> dict[str, Any]:
    role = role_of(user)
    if role is None or is_blinded(role):
        raise AccessDenied("only unblinded roles may see the balance of arms")
    report = allocated_balance()
    return {"strata": [asdict(s) for s in report.strata], "totals": dict(report.totals)}


def verification_for(user: Any) -> dict[str, Any]:
    """The verdict for every verifier; the problems (which name strata and positions) for unblinded roles only."""
    require_role(user, VERIFIERS, "verify the allocation list")
    result: StoredVerification = verify_stored_list()
    answer: dict[str, Any] = {"ok": result.ok, "digest": result.digest, "recorded_digest": result.recorded_digest, "problem_count": len(result.problems)}
    if sees_sequences(user):
        answer["problems"] = list(result.problems)
    return answer
