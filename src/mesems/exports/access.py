"""Who may take which export. The blinding policy itself lives in `mesems.access`; this module
only applies it to exports, so the CLI, the web app and the API refuse the same people.

Blinded exports (no sequence, no product identity, arms masked) may go to any role. An
unblinded export may go only to an unblinded role (`mesems.access.UNBLINDED_ROLES`); the web app
records who took it in the audit trail.
"""

from __future__ import annotations

from mesems.access import UNBLINDED_ROLES, Role, is_blinded
from mesems.errors import AccessDenied


def role_named(name: str | Role) -> Role:
    """The Role for a name such as 'unblinded_statistician'; AccessDenied lists the valid names."""
    if isinstance(name, Role):
        return name
    try:
        return Role(name)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise AccessDenied(f"unknown role {name!r}; expected one of [{known}]", field="role") from None


def require_export_access(role: str | Role | None, *, unblinded: bool) -> Role | None:
    """Refuse an unblinded export to a blinded role (or to no role at all); return the role checked."""
    if not unblinded:
        return role_named(role) if role is not None else None
    allowed = ", ".join(sorted(r.value for r in UNBLINDED_ROLES))
    if role is None:
        raise AccessDenied(f"an unblinded export needs the role of the person taking it; allowed: [{allowed}]", field="role")
    checked = role_named(role)
    if is_blinded(checked):
        raise AccessDenied(
            f"role {checked.value!r} is blinded and may not take an unblinded export; allowed: [{allowed}]", field="role"
        )
    return checked
