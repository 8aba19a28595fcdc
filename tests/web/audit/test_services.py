"""Tampering with the audit trail straight in the database (SQL UPDATE, DELETE, INSERT on
audit_auditevent and audit_audithead) is caught by `verify_audit_trail`, on SQLite and on PostgreSQL.

The chain alone catches a changed, deleted or inserted record. Two attacks keep the chain
consistent (every digest recomputed, or the tail cut off with the head moved back): those are
caught against an anchor, a head digest printed by an earlier check and kept outside the database.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection

from mesems.access import Role
from mesems.audit import record_digest
from tests.web.figures import record_figure
from tests.web.principals import fast_hashing  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]

INSERT = (
    "INSERT INTO audit_auditevent (id, at, actor, role, site_code, action, entity, entity_id, changes, reason, prev_digest, digest) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def _events() -> list[Any]:
    from mesems.web.apps.audit.models import AuditEvent

    return list(AuditEvent.objects.order_by("id"))


def _forged(seq: int, prev: str, reason: str = "nothing to see") -> list[Any]:
    """The columns of a forged record whose own digest is right, as a forger who read the code would make it."""
    from django.utils import timezone

    from mesems.web.apps.audit.models import AuditEvent

    event = AuditEvent(id=seq, at=timezone.now(), actor="intruder", role="data_manager", site_code="SE-KAR", action="update",
                       entity="trials.participant", entity_id="1", changes={"ms_course": ["PP", "RR"]}, reason=reason, prev_digest=prev)
    digest = record_digest(prev, event.chained_content())
    return [seq, event.at, event.actor, event.role, event.site_code, event.action, event.entity, event.entity_id, json.dumps(event.changes), reason, prev, digest]


def _rechain(cursor: Any, start: int) -> None:
    """Recomputes every digest from record `start` on, and the head: a thorough forger's last step."""
    events = _events()
    prev = events[start - 2].digest if start > 1 else "0" * 64
    for event in events[start - 1:]:
        digest = record_digest(prev, event.chained_content())
        cursor.execute("UPDATE audit_auditevent SET prev_digest = %s, digest = %s WHERE id = %s", [prev, digest, event.pk])
        prev = digest
    cursor.execute("UPDATE audit_audithead SET last_seq = %s, last_digest = %s", [events[-1].pk, prev])


def change_reason(cursor: Any, events: list[Any]) -> int:
    cursor.execute("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["tidied up", events[5].pk])
    return events[5].pk


def change_old_and_new_values(cursor: Any, events: list[Any]) -> int:
    target = next(e for e in events if "ms_course" in e.changes)
    cursor.execute("UPDATE audit_auditevent SET changes = %s WHERE id = %s", [json.dumps({"ms_course": ["RR", "RR"]}), target.pk])
    return int(target.pk)


def change_actor(cursor: Any, events: list[Any]) -> int:
    cursor.execute("UPDATE audit_auditevent SET actor = %s WHERE id = %s", ["someone_else", events[-2].pk])
    return events[-2].pk


def change_time(cursor: Any, events: list[Any]) -> int:
    import datetime as dt

    cursor.execute("UPDATE audit_auditevent SET at = %s WHERE id = %s", [events[3].at - dt.timedelta(days=30), events[3].pk])
    return events[3].pk


def change_a_record_and_its_digest(cursor: Any, events: list[Any]) -> int:
    target = events[6]
    content = {**target.chained_content(), "reason": "edited, digest redone"}
    cursor.execute("UPDATE audit_auditevent SET reason = %s, digest = %s WHERE id = %s", [content["reason"], record_digest(target.prev_digest, content), target.pk])
    return events[7].pk


def swap_two_records(cursor: Any, events: list[Any]) -> int:
    first, second = next(e for e in events if e.reason == "course was misread"), next(e for e in events if e.reason == "second opinion")
    cursor.execute("UPDATE audit_auditevent SET reason = %s WHERE id = %s", [second.reason, first.pk])
    cursor.execute("UPDATE audit_auditevent SET reason = %s WHERE id = %s", [first.reason, second.pk])
    return int(min(first.pk, second.pk))


def delete_a_record(cursor: Any, events: list[Any]) -> int:
    cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[4].pk])
    return events[5].pk


def delete_the_last_record(cursor: Any, events: list[Any]) -> int:
    cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    return events[-2].pk


def delete_every_record(cursor: Any, events: list[Any]) -> int:
    cursor.execute("DELETE FROM audit_auditevent")
    return 0


def append_a_forged_record(cursor: Any, events: list[Any]) -> int:
    cursor.execute(INSERT, _forged(events[-1].pk + 1, events[-1].digest))
    return events[-1].pk + 1


def insert_a_forged_record(cursor: Any, events: list[Any]) -> int:
    k = events[8].pk
    cursor.execute("UPDATE audit_auditevent SET id = -id WHERE id > %s", [k])
    cursor.execute("UPDATE audit_auditevent SET id = 1 - id WHERE id < 0")
    cursor.execute(INSERT, _forged(k + 1, events[8].digest))
    return k + 2


def rewrite_the_trail(cursor: Any, events: list[Any]) -> int:
    cursor.execute("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["rewritten", events[5].pk])
    _rechain(cursor, events[5].pk)
    return 0


def cut_the_tail_and_move_the_head(cursor: Any, events: list[Any]) -> int:
    cursor.execute("DELETE FROM audit_auditevent WHERE id > %s", [events[-4].pk])
    cursor.execute("UPDATE audit_audithead SET last_seq = %s, last_digest = %s", [events[-4].pk, events[-4].digest])
    return 0


@dataclass(frozen=True)
class Tamper:
    tamper: Callable[[Any, list[Any]], int]
    kind: str
    needs_anchor: bool = False


TAMPERS = [
    Tamper(change_reason, "changed"),
    Tamper(change_old_and_new_values, "changed"),
    Tamper(change_actor, "changed"),
    Tamper(change_time, "changed"),
    Tamper(change_a_record_and_its_digest, "deleted_or_inserted"),
    Tamper(swap_two_records, "changed"),
    Tamper(delete_a_record, "deleted_or_inserted"),
    Tamper(delete_the_last_record, "deleted_or_inserted"),
    Tamper(delete_every_record, "deleted_or_inserted"),
    Tamper(append_a_forged_record, "deleted_or_inserted"),
    Tamper(insert_a_forged_record, "changed"),
    Tamper(rewrite_the_trail, "rewritten", needs_anchor=True),
    Tamper(cut_the_tail_and_move_the_head, "rewritten", needs_anchor=True),
]


@pytest.fixture
def trail(make_user: Callable[..., Any], make_participant: Callable[..., Any], fast_hashing: None) -> list[Any]:
    """A trail of a few dozen records: the protocol's sites, and participants corrected twice each."""
    from mesems.web.apps.trials.services import correct_participant

    manager = make_user(Role.DATA_MANAGER)
    for code, site in (("SE-KAR-0001", "SE-KAR"), ("IT-01-0001", "IT-01"), ("SE-KAR-0002", "SE-KAR")):
        make_participant(code, site)
        correct_participant(manager, code, version=1, reason="course was misread", values={"ms_course": "SP"})
        correct_participant(manager, code, version=2, reason="second opinion", values={"ms_course": "PP"})
    return _events()


@pytest.mark.parametrize("backend", BACKENDS)
def test_untouched_trail_verifies(backend: str, trail: list[Any]) -> None:
    from mesems.web.apps.audit.services import trail_head, verify_audit_trail

    assert connection.vendor == backend
    assert verify_audit_trail(anchor=trail[10].digest) == []
    assert trail_head().records == len(trail) > 20


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", TAMPERS, ids=[t.tamper.__name__ for t in TAMPERS])
def test_tampering_is_caught(backend: str, case: Tamper, trail: list[Any]) -> None:
    from mesems.web.apps.audit.services import trail_head, verify_audit_trail

    assert connection.vendor == backend
    anchor = trail_head().digest
    with connection.cursor() as cursor:
        seq = case.tamper(cursor, trail)
    problems = verify_audit_trail(anchor=anchor if case.needs_anchor else None)
    assert case.kind in {p.kind for p in problems}, problems
    if seq:
        assert seq in {p.seq for p in problems}, problems
    record_figure(f"tamper-{backend}-{case.tamper.__name__}", caught=True, kinds=sorted({p.kind for p in problems}))
