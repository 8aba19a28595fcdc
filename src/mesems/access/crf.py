"""Who may do what on case report forms, and how a data query moves between its states.

Site staff (research nurse, investigator) enter and correct data; the blinded outcome assessor
enters only the EDSS and sees only the forms of the examination (so nothing on infusions or
adverse events can unblind the rater); only the investigator signs a visit; data managers and
monitors raise queries, which the site answers and the raiser closes or re-opens; monitors mark
forms source-data-verified.
"""

from __future__ import annotations

from enum import StrEnum

from mesems.access.roles import Role
from mesems.errors import AccessDenied, MesemsError

ENTRY_ROLES: frozenset[Role] = frozenset({Role.NURSE, Role.INVESTIGATOR})
ASSESSOR_FORMS: frozenset[str] = frozenset({"edss", "relapse"})
"""Forms the outcome assessor enters and sees: the neurological examination only."""
SIGNING_ROLES: frozenset[Role] = frozenset({Role.INVESTIGATOR})
QUERY_RAISERS: frozenset[Role] = frozenset({Role.DATA_MANAGER, Role.MONITOR})
QUERY_ANSWERERS: frozenset[Role] = frozenset({Role.NURSE, Role.INVESTIGATOR})
VERIFYING_ROLES: frozenset[Role] = frozenset({Role.MONITOR})
SCHEDULE_ROLES: frozenset[Role] = frozenset(
    {Role.INVESTIGATOR, Role.NURSE, Role.SPONSOR_ADMIN, Role.DATA_MANAGER}
)
"""Roles that may start a participant's schedule by hand (normally the allocation does)."""


def may_enter(role: Role | None, form: str) -> bool:
    if role is None:
        return False
    return role in ENTRY_ROLES or (role == Role.OUTCOME_ASSESSOR and form in ASSESSOR_FORMS)


def may_view(role: Role | None, form: str) -> bool:
    if role is None:
        return False
    return role != Role.OUTCOME_ASSESSOR or form in ASSESSOR_FORMS or form == "visit"


def require_entry(role: Role | None, form: str) -> None:
    if not may_enter(role, form):
        raise AccessDenied(f"your role may not enter or change the {form.replace('_', ' ')} form")


class QueryStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class QueryAction(StrEnum):
    RAISE = "raise"
    ANSWER = "answer"
    CLOSE = "close"
    REOPEN = "reopen"


_MOVES: dict[QueryAction, tuple[frozenset[QueryStatus], QueryStatus]] = {
    QueryAction.ANSWER: (frozenset({QueryStatus.OPEN}), QueryStatus.ANSWERED),
    QueryAction.CLOSE: (frozenset({QueryStatus.OPEN, QueryStatus.ANSWERED}), QueryStatus.CLOSED),
    QueryAction.REOPEN: (frozenset({QueryStatus.ANSWERED, QueryStatus.CLOSED}), QueryStatus.OPEN),
}


def next_query_status(
    status: QueryStatus, action: QueryAction, role: Role | None, is_raiser: bool
) -> QueryStatus:
    """The status after `action`, or an error saying who may do what from where."""
    if action == QueryAction.RAISE:
        raise MesemsError("a query is raised once, when it is created", code="query_state", http_status=409)
    if action == QueryAction.ANSWER and role not in QUERY_ANSWERERS:
        raise AccessDenied("only the site (research nurse or investigator) answers a query")
    if action in {QueryAction.CLOSE, QueryAction.REOPEN} and not is_raiser:
        raise AccessDenied(f"only the person who raised the query may {action.value} it")
    allowed, target = _MOVES[action]
    if status not in allowed:
        states = ", ".join(sorted(s.value for s in allowed))
        done = {QueryAction.ANSWER: "answered", QueryAction.CLOSE: "closed", QueryAction.REOPEN: "re-opened"}[
            action
        ]
        raise MesemsError(
            f"a query that is {status.value} cannot be {done}; it must be one of [{states}]",
            code="query_state",
            http_status=409,
        )
    return target
