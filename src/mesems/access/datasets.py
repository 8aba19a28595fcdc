"""Who may take the trial's reports and data exports.

Issue 7 (reports): a blinded report pools every participant for the trial team; the unblinded
report is for the data-safety board's closed session and the unblinded statistician only.
Issue 9 (exports): blinded exports go to the central data roles; an unblinded export only to an
unblinded role among them (`UNBLINDED_ROLES`, the one blinding decision). Site roles never take
whole-trial data: they see their own site's participants only. The cell-processing lab is
unblinded but works on products, not on outcomes, so it takes neither.
"""

from __future__ import annotations

from mesems.access.roles import UNBLINDED_ROLES, Role, is_blinded
from mesems.errors import AccessDenied

REPORT_ROLES: frozenset[Role] = frozenset({
    Role.SPONSOR_ADMIN, Role.DATA_MANAGER, Role.BLINDED_STATISTICIAN, Role.UNBLINDED_STATISTICIAN, Role.DSMB,
})
"""Roles that may take the blinded (pooled) trial report."""

UNBLINDED_REPORT_ROLES: frozenset[Role] = frozenset({Role.UNBLINDED_STATISTICIAN, Role.DSMB}) & UNBLINDED_ROLES
"""Roles that may take the unblinded report (the DSMB's closed session)."""

EXPORT_ROLES: frozenset[Role] = REPORT_ROLES
"""Roles that may take a blinded data export (CSV, ODM, SDTM)."""

UNBLINDED_EXPORT_ROLES: frozenset[Role] = frozenset(r for r in EXPORT_ROLES if not is_blinded(r))
"""Roles that may take an unblinded data export."""


def _names(roles: frozenset[Role]) -> str:
    return ", ".join(sorted(r.value for r in roles))


def _require(role: Role | None, allowed: frozenset[Role], what: str) -> Role:
    if role is None:
        raise AccessDenied(f"{what} needs the role of the person taking it; allowed: [{_names(allowed)}]", field="role")
    if role not in allowed:
        raise AccessDenied(f"role {role.value!r} may not take {what}; allowed: [{_names(allowed)}]", field="role")
    return role


def require_report_access(role: Role | None, *, unblinded: bool) -> Role:
    """The role, when it may take the blinded (or unblinded) report; AccessDenied otherwise."""
    if unblinded:
        return _require(role, UNBLINDED_REPORT_ROLES, "the unblinded report")
    return _require(role, REPORT_ROLES, "the blinded report")


def require_dataset_access(role: Role | None, *, unblinded: bool) -> Role:
    """The role, when it may take a blinded (or unblinded) export of the whole trial."""
    if unblinded:
        return _require(role, UNBLINDED_EXPORT_ROLES, "an unblinded export")
    return _require(role, EXPORT_ROLES, "a data export")


def may_take_reports(role: Role | None) -> bool:
    return role in REPORT_ROLES or role in EXPORT_ROLES


def may_unblind_reports(role: Role | None) -> bool:
    return role in UNBLINDED_REPORT_ROLES


def may_unblind_exports(role: Role | None) -> bool:
    return role in UNBLINDED_EXPORT_ROLES
