"""Who may do what on forms, and the query state machine."""

from __future__ import annotations

import pytest

from mesems.access import Role
from mesems.access.crf import QueryAction, QueryStatus, may_enter, may_view, next_query_status
from mesems.errors import AccessDenied, MesemsError


def test_entry_and_view() -> None:
    assert may_enter(Role.NURSE, "vital_signs") and may_enter(Role.INVESTIGATOR, "adverse_event")
    assert may_enter(Role.OUTCOME_ASSESSOR, "edss") and not may_enter(Role.OUTCOME_ASSESSOR, "adverse_event")
    assert not may_enter(Role.MONITOR, "vital_signs") and not may_enter(None, "edss")
    assert not may_view(Role.OUTCOME_ASSESSOR, "infusion") and may_view(Role.MONITOR, "infusion")


def test_query_moves() -> None:
    assert next_query_status(QueryStatus.OPEN, QueryAction.ANSWER, Role.NURSE, False) == QueryStatus.ANSWERED
    assert (
        next_query_status(QueryStatus.ANSWERED, QueryAction.CLOSE, Role.MONITOR, True) == QueryStatus.CLOSED
    )
    assert next_query_status(QueryStatus.CLOSED, QueryAction.REOPEN, Role.MONITOR, True) == QueryStatus.OPEN
    with pytest.raises(AccessDenied):
        next_query_status(QueryStatus.OPEN, QueryAction.ANSWER, Role.MONITOR, True)
    with pytest.raises(AccessDenied, match="raised"):
        next_query_status(QueryStatus.ANSWERED, QueryAction.CLOSE, Role.DATA_MANAGER, False)
    with pytest.raises(MesemsError, match="cannot be answered"):
        next_query_status(QueryStatus.CLOSED, QueryAction.ANSWER, Role.NURSE, False)
    with pytest.raises(MesemsError):
        next_query_status(QueryStatus.OPEN, QueryAction.RAISE, Role.MONITOR, True)
