"""The matrix table itself: well formed, and read the way its docstring says."""

from __future__ import annotations

import pytest

from mesems.access import MATRIX, Access, Role, access, missing_rows
from mesems.access.matrix import COLUMNS, TABLE, parse_table

HEADER = "action " + " ".join(COLUMNS)


def test_every_role_has_a_column() -> None:
    assert set(COLUMNS.values()) == set(Role)


def test_table_parses_and_every_row_covers_every_role() -> None:
    assert len(MATRIX) == len(parse_table(TABLE))
    assert all(set(row.cells) == set(Role) for row in MATRIX.values())


def test_public_row_is_open_to_visitors_and_everyone() -> None:
    assert access(None, "page:login") is Access.PUBLIC
    assert all(access(role, "page:login").permits for role in Role)


def test_visitor_is_denied_every_non_public_row() -> None:
    assert all(access(None, action) is Access.DENY for action, row in MATRIX.items() if not row.public)


def test_action_without_a_row_is_denied() -> None:
    assert access(Role.SPONSOR_ADMIN, "api:no_such_operation") is Access.DENY
    assert missing_rows(["page:home", "api:no_such_operation"]) == ["api:no_such_operation"]


def test_site_roles_see_participants_of_their_own_site_only() -> None:
    assert access(Role.NURSE, "api:trials_list_participants") is Access.OWN_SITE
    assert access(Role.DATA_MANAGER, "api:trials_list_participants") is Access.ALLOW


@pytest.mark.parametrize(
    ("table", "complaint"),
    [
        ("action adm\npage:x A", "matrix header must be"),
        (f"{HEADER}\npage:x A A", "needs 10 cells"),
        (f"{HEADER}\npage:x A A A A A A A A A X", "each one of A S - P"),
        (f"{HEADER}\nview:x A A A A A A A A A A", "must start with one of api:, page:, export:"),
        (f"{HEADER}\npage:x P P P P P A P P P P", "a public row is P in every column"),
        (f"{HEADER}\npage:x A A A A A A A A A A\npage:x A A A A A A A A A A", "appears twice"),
    ],
)
def test_malformed_table_is_refused_with_the_reason(table: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        parse_table(table)
