"""The authorisation matrix: for every action and every role, allow, deny or own site only.

This is the one table that says who may do what. The web shell enforces it on every API
operation and every page (`mesems.web.access`), and `tests/web/test_access.py` walks the
whole API and every URL as each role and checks each answer against it; an operation or a
page without a row fails that test with its name.

Actions are named by where they are reached:

    api:<operationId>      an operation of the JSON API, as named in /api/openapi.json
    page:<url name>        a page, by its Django URL name (with its namespace, `app:name`)
    export:<name>          an action that is not a route of its own (checked with `authorise`)

Cells:

    A  allow
    S  own site only: allowed, but a user bound to a site sees and changes only that site's
       records (another site's are "not found", exactly like records that do not exist);
       a user bound to no site sees every site
    -  deny (403)
    P  public: anyone, signed in or not (the whole row is P)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from mesems.access.roles import Role


class Access(StrEnum):
    ALLOW = "allow"
    OWN_SITE = "own_site"
    DENY = "deny"
    PUBLIC = "public"

    @property
    def permits(self) -> bool:
        return self is not Access.DENY


CELLS: Mapping[str, Access] = MappingProxyType({"A": Access.ALLOW, "S": Access.OWN_SITE, "-": Access.DENY, "P": Access.PUBLIC})

COLUMNS: Mapping[str, Role] = MappingProxyType({
    "adm": Role.SPONSOR_ADMIN,
    "inv": Role.INVESTIGATOR,
    "nur": Role.NURSE,
    "oa": Role.OUTCOME_ASSESSOR,
    "lab": Role.CELL_LAB,
    "dm": Role.DATA_MANAGER,
    "mon": Role.MONITOR,
    "bst": Role.BLINDED_STATISTICIAN,
    "ust": Role.UNBLINDED_STATISTICIAN,
    "dsmb": Role.DSMB,
})
"""Column headings of the table, in order, and the role each stands for."""

KINDS = ("api", "page", "export")

TABLE = """
action                                  adm inv nur oa  lab dm  mon bst ust dsmb
# signing in and out, the language switch, the API's own description
page:login                              P   P   P   P   P   P   P   P   P   P
page:logout                             P   P   P   P   P   P   P   P   P   P
page:set_language                       P   P   P   P   P   P   P   P   P   P
page:api:api-root                       P   P   P   P   P   P   P   P   P   P
page:api:openapi-json                   P   P   P   P   P   P   P   P   P   P
page:api:openapi-view                   P   P   P   P   P   P   P   P   P   P
api:accounts_create_token               P   P   P   P   P   P   P   P   P   P
# one's own account
api:accounts_me                         A   A   A   A   A   A   A   A   A   A
page:accounts:second_factor             A   A   A   A   A   A   A   A   A   A
# the trial's sites and participants
page:home                               A   S   S   S   A   A   S   A   A   A
page:participant                        A   S   S   S   A   A   S   A   A   A
api:trials_list_sites                   A   S   S   S   A   A   S   A   A   A
api:trials_list_participants            A   S   S   S   A   A   S   A   A   A
api:trials_get_participant              A   S   S   S   A   A   S   A   A   A
# correcting a participant's record, with a reason (audited)
api:trials_update_participant           -   S   -   -   -   A   -   -   -   -
page:participant_edit                   -   S   -   -   -   A   -   -   -   -
# reports and exports of the whole trial: the page, its two actions, the API (mesems.access.datasets)
page:datasets:index                     A   -   -   -   -   A   -   A   A   A
page:datasets:report                    A   -   -   -   -   A   -   A   A   A
page:datasets:export                    A   -   -   -   -   A   -   A   A   A
api:datasets_reports                    A   -   -   -   -   A   -   A   A   A
api:datasets_take_report                A   -   -   -   -   A   -   A   A   A
api:datasets_exports                    A   -   -   -   -   A   -   A   A   A
api:datasets_take_export                A   -   -   -   -   A   -   A   A   A
# ... and which variant: the unblinded ones only for the unblinded statistician and the DSMB's closed session
export:blinded_report                   A   -   -   -   -   A   -   A   A   A
export:unblinded_report                 -   -   -   -   -   -   -   -   A   A
export:blinded_data                     A   -   -   -   -   A   -   A   A   A
export:unblinded_data                   -   -   -   -   -   -   -   -   A   A
"""


@dataclass(frozen=True)
class Row:
    action: str
    cells: Mapping[Role, Access]

    @property
    def public(self) -> bool:
        return all(a is Access.PUBLIC for a in self.cells.values())


def parse_table(text: str) -> dict[str, Row]:
    """Reads the text table; a malformed table is a programming error and stops the import."""
    lines = [line.split() for line in text.strip().splitlines() if line.strip() and not line.lstrip().startswith("#")]
    header, *body = lines
    if header != ["action", *COLUMNS]:
        raise ValueError(f"matrix header must be 'action {' '.join(COLUMNS)}', got {' '.join(header)!r}")
    rows: dict[str, Row] = {}
    for parts in body:
        action, cells = parts[0], parts[1:]
        if action.split(":", 1)[0] not in KINDS or ":" not in action:
            raise ValueError(f"matrix action {action!r} must start with one of {', '.join(k + ':' for k in KINDS)}")
        if len(cells) != len(COLUMNS) or any(c not in CELLS for c in cells):
            raise ValueError(f"matrix row {action!r} needs {len(COLUMNS)} cells, each one of {' '.join(CELLS)}; got {' '.join(cells)!r}")
        if "P" in cells and set(cells) != {"P"}:
            raise ValueError(f"matrix row {action!r}: a public row is P in every column")
        if action in rows:
            raise ValueError(f"matrix row {action!r} appears twice")
        rows[action] = Row(action, MappingProxyType({role: CELLS[c] for role, c in zip(COLUMNS.values(), cells)}))
    return rows


MATRIX: Mapping[str, Row] = MappingProxyType(parse_table(TABLE))


def access(role: Role | None, action: str) -> Access:
    """What `role` (None: not signed in) may do with `action`; an action without a row is denied."""
    row = MATRIX.get(action)
    if row is None:
        return Access.DENY
    if row.public:
        return Access.PUBLIC
    return Access.DENY if role is None else row.cells[role]


def missing_rows(actions: Iterable[str]) -> list[str]:
    """The actions that have no row, in the order given."""
    return [a for a in actions if a not in MATRIX]
