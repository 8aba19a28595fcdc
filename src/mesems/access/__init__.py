"""Roles, what each may see and do: the one policy module for blinding, site scope and authorisation."""

from mesems.access.matrix import MATRIX, Access, access, missing_rows
from mesems.access.roles import Role, SITE_ROLES, UNBLINDED_ROLES, is_blinded, is_site_scoped

__all__ = ["MATRIX", "Access", "Role", "SITE_ROLES", "UNBLINDED_ROLES", "access", "is_blinded", "is_site_scoped", "missing_rows"]
