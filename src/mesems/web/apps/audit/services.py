"""Writing and verifying the audit trail. Every service that changes trial data calls
`record_change` inside its transaction, so the change and its audit row commit together."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from mesems.audit import GENESIS, ChainProblem, record_digest, verify_chain
from mesems.web.apps.audit.models import AuditEvent, AuditHead


def plain(value: Any) -> Any:
    """A JSON-safe form of a field value, so old and new values read the same in the trail."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    names = list(fields) if fields is not None else [f.attname for f in instance._meta.concrete_fields]
    return {name: plain(getattr(instance, name)) for name in names}


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for each field whose value changed."""
    return {k: [plain(old.get(k)), plain(new.get(k))] for k in new if plain(old.get(k)) != plain(new.get(k))}


def _actor_fields(actor: Any) -> tuple[str, str, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "system", "", ""
    site = getattr(actor, "site", None)
    return actor.get_username(), str(getattr(actor, "role", "")), site.code if site else ""


def record_change(
    actor: Any,
    action: str,
    instance: models.Model,
    changes: Mapping[str, Any],
    *,
    reason: str = "",
    site_code: str | None = None,
) -> AuditEvent:
    """Appends one audit record to the chain. Must run inside the caller's transaction.

    Inside `audit_batch` the record is queued and appended with the others at the batch's end
    (its `pk` is set then)."""
    username, role, actor_site = _actor_fields(actor)
    event = AuditEvent(
        actor=username,
        role=role,
        site_code=site_code if site_code is not None else actor_site,
        action=action,
        entity=instance._meta.label_lower,
        entity_id=str(instance.pk),
        changes=plain(dict(changes)),
        reason=reason,
    )
    pending = _batch.get()
    if pending is None:
        _append([event])
    else:
        pending.append(event)
    return event


_batch: ContextVar[list[AuditEvent] | None] = ContextVar("audit_batch", default=None)


@contextmanager
def audit_batch() -> Iterator[None]:
    """Queues the audit records of a transaction and appends them together at its end.

    The chain's head is the one row every change to the trial locks, and a lock is held to the
    commit: appended as they come, the first record would hold it through all the work that
    follows; appended together, it is held for the last three statements of the transaction.
    Use inside `transaction.atomic`, around the whole of the work; nothing is appended if it fails.
    """
    if _batch.get() is not None:
        yield
        return
    pending: list[AuditEvent] = []
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    _append(pending)


def _append(events: list[AuditEvent]) -> None:
    """Chains the records after the head, under the head's row lock, in one insert."""
    if not events:
        return
    with transaction.atomic(savepoint=False):
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_digest": GENESIS})
        at = timezone.now()
        for event in events:
            event.id, event.at, event.prev_digest = head.last_seq + 1, at, head.last_digest
            event.digest = record_digest(event.prev_digest, event.chained_content())
            head.last_seq, head.last_digest = event.pk, event.digest
        AuditEvent.objects.bulk_create(events)
        head.save(update_fields=["last_seq", "last_digest"])


def verify_audit_trail(progress: Callable[[int], None] | None = None, anchor: str | None = None) -> list[ChainProblem]:
    """Checks the whole chain, and that its head still points at the last record.

    `anchor` is a head digest printed by an earlier check and kept outside the database: the
    record it names must still be in the chain. That finds what the chain alone cannot, a trail
    rewritten from some record on with every digest recomputed, or cut short with its head moved back.
    """

    def rows() -> Iterator[tuple[int, str, str, dict[str, Any]]]:
        for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
            if progress is not None:
                progress(1)
            yield event.pk, event.prev_digest, event.digest, event.chained_content()

    problems = verify_chain(rows())
    if anchor and not AuditEvent.objects.filter(digest=anchor).exists():
        problems.append(ChainProblem(0, "rewritten", f"the record with digest {anchor[:16]}… (an earlier head) is no longer in the trail: it was rewritten or cut short"))
    head = AuditHead.objects.filter(pk=1).first()
    last = AuditEvent.objects.order_by("-id").first()
    if head is not None and (last is None or head.last_digest != last.digest):
        seq = last.pk if last else 0
        problems.append(ChainProblem(seq, "deleted_or_inserted", "the last record is not the one the chain's head recorded: records at the end were deleted or added"))
    return problems


@dataclass(frozen=True)
class TrailHead:
    records: int
    digest: str


def trail_head() -> TrailHead:
    """How many records the trail holds and the digest of the last: print it, keep it, check against it later."""
    last = AuditEvent.objects.order_by("-id").first()
    return TrailHead(AuditEvent.objects.count(), last.digest if last else GENESIS)


def history(instance: models.Model) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(entity=instance._meta.label_lower, entity_id=str(instance.pk)).order_by("id"))
