"""The roles of a masked multi-site trial.

Blinding is decided here and nowhere else: only the cell-processing lab, the unblinded
statistician and the data-safety board's closed session may see sequences. Site roles see
their own site's participants only.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SPONSOR_ADMIN = "sponsor_admin"
    INVESTIGATOR = "investigator"
    NURSE = "nurse"
    OUTCOME_ASSESSOR = "outcome_assessor"
    CELL_LAB = "cell_lab"
    DATA_MANAGER = "data_manager"
    MONITOR = "monitor"
    BLINDED_STATISTICIAN = "blinded_statistician"
    UNBLINDED_STATISTICIAN = "unblinded_statistician"
    DSMB = "dsmb"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.SPONSOR_ADMIN: "Sponsor administrator",
    Role.INVESTIGATOR: "Site investigator",
    Role.NURSE: "Research nurse",
    Role.OUTCOME_ASSESSOR: "Outcome assessor (blinded rater)",
    Role.CELL_LAB: "Cell-processing lab (unblinded)",
    Role.DATA_MANAGER: "Data manager",
    Role.MONITOR: "Monitor",
    Role.BLINDED_STATISTICIAN: "Blinded statistician",
    Role.UNBLINDED_STATISTICIAN: "Unblinded statistician",
    Role.DSMB: "Data-safety board member",
}

UNBLINDED_ROLES: frozenset[Role] = frozenset({Role.CELL_LAB, Role.UNBLINDED_STATISTICIAN, Role.DSMB})
"""Roles that may see sequences; the DSMB only in its closed session."""

SITE_ROLES: frozenset[Role] = frozenset({Role.INVESTIGATOR, Role.NURSE, Role.OUTCOME_ASSESSOR})
"""Roles bound to one site, who see only that site's participants. Monitors may be bound to sites too."""


def is_blinded(role: Role) -> bool:
    return role not in UNBLINDED_ROLES


def is_site_scoped(role: Role) -> bool:
    return role in SITE_ROLES
