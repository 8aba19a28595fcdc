"""Data queries: raised on a field of a form by a data manager or monitor, answered by the site,
closed or re-opened by whoever raised them. Every step is kept in the query's thread and audited."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mesems.access.crf import QUERY_RAISERS, QueryAction, QueryStatus, next_query_status
from mesems.errors import NotFound
from mesems.web.apps.accounts.services import require_role, role_of, scope_to_site
from mesems.web.apps.audit.services import record_change
from mesems.web.apps.visits.models import Query, QueryMessage
from mesems.web.apps.visits.registry import get_kind
from mesems.web.apps.visits.services.records import refuse_field, visible_record

OPEN_STATUSES = (QueryStatus.OPEN.value, QueryStatus.ANSWERED.value)


def visible_queries(user: Any) -> QuerySet[Query]:
    return scope_to_site(
        Query.objects.select_related("participant__site", "raised_by"), user, "participant__site"
    )


def visible_query(user: Any, query_id: int) -> Query:
    query = visible_queries(user).filter(pk=query_id).first()
    if query is None:
        raise NotFound(f"no query #{query_id}", field="id")
    return query


@transaction.atomic
def raise_query(user: Any, kind: str, record_id: int, field: str, text: str) -> Query:
    require_role(user, QUERY_RAISERS, "raise a data query")
    form_kind = get_kind(kind)
    record = visible_record(user, form_kind, record_id)
    fields = form_kind.data_fields + form_kind.derived_fields
    if field not in fields:
        refuse_field(
            "field",
            "unknown_field",
            f"the {form_kind.slug} form has no field {field!r}; expected one of [{', '.join(fields)}]",
        )
    if not text.strip():
        refuse_field("text", "required", "write the question")
    now = timezone.now()
    query = Query.objects.create(
        participant=record.participant,
        kind=form_kind.slug,
        record_id=record.pk,
        field=field,
        raised_by=user,
        raised_at=now,
        updated_at=now,
    )
    QueryMessage.objects.create(
        query=query, author=user, action=QueryAction.RAISE.value, text=text.strip(), at=now
    )
    record_change(
        user,
        "query_raised",
        query,
        {"field": [None, field], "text": [None, text.strip()]},
        site_code=record.participant.site.code,
    )
    return query


@transaction.atomic
def move_query(user: Any, query_id: int, action: QueryAction, text: str) -> Query:
    """Answer, close or re-open a query; the text is the answer or the raiser's note."""
    query = visible_query(user, query_id)
    query = Query.objects.select_for_update().get(pk=query.pk)
    status = next_query_status(
        QueryStatus(query.status), action, role_of(user), query.raised_by_id == user.pk
    )
    if action == QueryAction.ANSWER and not text.strip():
        refuse_field("text", "required", "write the answer")
    old, query.status, query.updated_at = query.status, status.value, timezone.now()
    query.save(update_fields=["status", "updated_at"])
    QueryMessage.objects.create(
        query=query, author=user, action=action.value, text=text.strip(), at=query.updated_at
    )
    record_change(
        user,
        f"query_{action.value}",
        query,
        {"status": [old, status.value], "text": [None, text.strip()]},
        site_code=query.participant.site.code,
    )
    return query


def open_query_counts(user: Any) -> dict[str, Counter[str]]:
    """Queries not yet closed, counted per site code and per participant code."""
    by_site: Counter[str] = Counter()
    by_participant: Counter[str] = Counter()
    for site, participant in (
        visible_queries(user)
        .filter(status__in=OPEN_STATUSES)
        .values_list("participant__site__code", "participant__code")
    ):
        by_site[site] += 1
        by_participant[participant] += 1
    return {"sites": by_site, "participants": by_participant}


def queries_on(kind: str, record_id: int) -> list[Query]:
    return list(
        Query.objects.filter(kind=get_kind(kind).slug, record_id=record_id)
        .prefetch_related("messages__author")
        .select_related("raised_by")
    )
