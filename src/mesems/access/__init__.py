"""Roles, what each may see and do: the one policy module for blinding and site scope."""

from mesems.access.roles import Role, SITE_ROLES, UNBLINDED_ROLES, is_blinded, is_site_scoped

__all__ = ["Role", "SITE_ROLES", "UNBLINDED_ROLES", "is_blinded", "is_site_scoped"]
