"""Who may take the trial's reports and data exports: the `export:` rows of the authorisation
matrix (`mesems.access.matrix`), read here for the web app, the API and the command line alike.

Issue 7 (reports): a blinded report pools every participant for the trial team; the unblinded
report is for the data-safety board's closed session and the unblinded statistician only.
Issue 9 (exports): blinded exports go to the central data roles; an unblinded export only to an
unblinded role among them. Site roles never take whole-trial data (they see their own site's
participants only), and the cell-processing lab works on products, not outcomes. Whatever the
matrix says, an unblinded variant never goes to a role that `mesems.access` calls blinded.
"""

from __future__ import annotations

from mesems.access.matrix import MATRIX
from mesems.access.roles import UNBLINDED_ROLES, Role
from mesems.errors import AccessDenied


def _granted(action: str) -> frozenset[Role]:
    return frozenset(role for role, cell in MATRIX[action].cells.items() if cell.permits)


REPORT_ROLES: frozenset[Role] = _granted("export:blinded_report")
"""Roles that may take the blinded (pooled) trial report."""

UNBLINDED_REPORT_ROLES: frozenset[Role] = _granted("export:unblinded_report") & UNBLINDED_ROLES
"""Roles that may take the unblinded report (the DSMB's closed session)."""

EXPORT_ROLES: frozenset[Role] = _granted("export:blinded_data")
"""Roles that may take a blinded data export (CSV, ODM, SDTM)."""

UNBLINDED_EXPORT_ROLES: frozenset[Role] = _granted("export:unblinded_data") & UNBLINDED_ROLES
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
