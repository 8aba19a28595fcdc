"""The case report forms over the API: the same services, forms and rules as the pages.

Each form kind gets its routes, with its own input and output schema:
`GET/POST /participants/{code}/crf/{slug}`, `GET/PUT /crf/{slug}/{id}`, `GET /crf/{slug}/{id}/audit`,
`POST /crf/{slug}/{id}/verify`. An edit sends the `version` it was made from and a `reason`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.orm import create_schema

from mesems.access.crf import QueryAction, may_view
from mesems.clinical.meddra import search_terms
from mesems.web.apps.accounts.services import role_of
from mesems.web.apps.audit.services import history
from mesems.web.apps.trials.services import visible_participant
from mesems.web.apps.visits import services
from mesems.web.apps.visits.registry import FormKind, all_kinds
from mesems.web.apps.visits.services.records import records_of, visible_record
from mesems.web.apps.visits.services.schedule import visible_visit
from mesems.web.schemas import Input

router = Router(tags=["visits and forms"])


class AuditOut(Schema):
    at: dt.datetime
    actor: str
    role: str
    action: str
    changes: dict[str, Any]
    reason: str


class VisitOut(Schema):
    code: str
    name: str
    week: int | None
    period: int
    target_date: dt.date
    earliest: dt.date
    latest: dt.date
    status: str
    visit_date: dt.date | None
    missed: bool
    out_of_window: bool
    ae_review: str
    conmed_review: str
    relapse_review: str
    version: int
    missing_forms: list[str]
    unanswered_reviews: list[str]
    signed_by: str | None
    signed_at: dt.datetime | None


class ScheduleIn(Input):
    randomisation_date: dt.date


class VisitReportIn(Input):
    visit_date: dt.date | None = None
    missed: bool = False
    missed_reason: str = ""
    ae_review: str = ""
    conmed_review: str = ""
    relapse_review: str = ""
    version: int | None = None
    reason: str = ""


class UnscheduledIn(Input):
    visit_date: dt.date
    reason: str = "relapse"


class SignIn(Input):
    password: str


class SignatureOut(Schema):
    visit: str
    signed_by: str
    signed_at: dt.datetime
    meaning: str


class QueryIn(Input):
    kind: str
    record_id: int
    field: str
    text: str


class QueryMoveIn(Input):
    text: str = ""


class QueryMessageOut(Schema):
    author: str
    action: str
    text: str
    at: dt.datetime


class QueryOut(Schema):
    id: int
    participant: str
    site: str
    kind: str
    record_id: int
    field: str
    status: str
    raised_by: str
    raised_at: dt.datetime
    messages: list[QueryMessageOut]


class QueryCountsOut(Schema):
    sites: dict[str, int]
    participants: dict[str, int]


class TermOut(Schema):
    pt: str
    soc: str


def _visit_out(view: Any) -> dict[str, Any]:
    visit = view.visit
    return {
        **{
            f: getattr(visit, f)
            for f in (
                "code",
                "name",
                "week",
                "period",
                "target_date",
                "earliest",
                "latest",
                "visit_date",
                "missed",
                "out_of_window",
                "ae_review",
                "conmed_review",
                "relapse_review",
                "version",
            )
        },
        "status": view.status.value,
        "missing_forms": list(view.completeness.missing_forms),
        "unanswered_reviews": list(view.completeness.unanswered_reviews),
        "signed_by": view.signed.signed_by.get_username() if view.signed else None,
        "signed_at": view.signed.signed_at if view.signed else None,
    }


def _audit_out(instance: Any) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at,
            "actor": e.actor,
            "role": e.role,
            "action": e.action,
            "changes": e.changes,
            "reason": e.reason,
        }
        for e in history(instance)
    ]


@router.get(
    "/participants/{code}/schedule",
    response=list[VisitOut],
    summary="The participant's visits with windows and status",
)
def get_schedule(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    participant = visible_participant(request.auth, code)  # type: ignore[attr-defined]
    return [_visit_out(v) for v in services.visit_views(participant)]


@router.post(
    "/participants/{code}/schedule",
    response={201: list[VisitOut]},
    summary="Start the schedule at randomisation (normally done by the allocation)",
)
def post_schedule(request: HttpRequest, code: str, payload: ScheduleIn) -> tuple[int, list[dict[str, Any]]]:
    schedule = services.start_schedule_as(request.auth, code, payload.randomisation_date)  # type: ignore[attr-defined]
    return Status(201, [_visit_out(v) for v in services.visit_views(schedule.participant)])


def _view_of(user: Any, code: str, visit_code: str) -> dict[str, Any]:
    visit = visible_visit(user, code, visit_code)
    return _visit_out(next(v for v in services.visit_views(visit.participant) if v.visit.pk == visit.pk))


@router.put(
    "/participants/{code}/visits/{visit_code}",
    response=VisitOut,
    summary="Report a visit: its date, or not done, and the reviews",
)
def put_visit(request: HttpRequest, code: str, visit_code: str, payload: VisitReportIn) -> dict[str, Any]:
    services.report_visit(request.auth, code, visit_code, payload.dict())  # type: ignore[attr-defined]
    return _view_of(request.auth, code, visit_code)  # type: ignore[attr-defined]


@router.post(
    "/participants/{code}/unscheduled-visits",
    response={201: VisitOut},
    summary="Add an unscheduled visit (a relapse)",
)
def post_unscheduled(request: HttpRequest, code: str, payload: UnscheduledIn) -> Status:
    visit = services.add_unscheduled_visit(request.auth, code, payload.visit_date, payload.reason)  # type: ignore[attr-defined]
    return Status(201, _view_of(request.auth, code, visit.code))  # type: ignore[attr-defined]


@router.post(
    "/participants/{code}/visits/{visit_code}/sign",
    response={201: SignatureOut},
    summary="The investigator signs a visit (password again)",
)
def post_sign(request: HttpRequest, code: str, visit_code: str, payload: SignIn) -> Status:
    signature = services.sign_visit(request.auth, code, visit_code, payload.password, request)  # type: ignore[attr-defined]
    return Status(
        201,
        {
            "visit": visit_code,
            "signed_by": signature.signed_by.get_username(),
            "signed_at": signature.signed_at,
            "meaning": signature.meaning,
        },
    )


@router.get(
    "/participants/{code}/visits/{visit_code}/audit",
    response=list[AuditOut],
    summary="The visit report's audit trail",
)
def get_visit_audit(request: HttpRequest, code: str, visit_code: str) -> list[dict[str, Any]]:
    return _audit_out(visible_visit(request.auth, code, visit_code))  # type: ignore[attr-defined]


def _query_out(query: Any) -> dict[str, Any]:
    return {
        "id": query.pk,
        "participant": query.participant.code,
        "site": query.participant.site.code,
        "kind": query.kind,
        "record_id": query.record_id,
        "field": query.field,
        "status": query.status,
        "raised_by": query.raised_by.get_username(),
        "raised_at": query.raised_at,
        "messages": [
            {"author": m.author.get_username(), "action": m.action, "text": m.text, "at": m.at}
            for m in query.messages.all()
        ],
    }


@router.get("/queries", response=list[QueryOut], summary="Data queries the caller may see")
def list_queries(
    request: HttpRequest, status: str | None = None, participant: str | None = None
) -> list[dict[str, Any]]:
    queries = services.queries.visible_queries(request.auth).prefetch_related("messages__author")  # type: ignore[attr-defined]
    if status:
        queries = queries.filter(status=status)
    if participant:
        queries = queries.filter(participant__code=participant)
    return [_query_out(q) for q in queries]


@router.post("/queries", response={201: QueryOut}, summary="Raise a query on a field of a form")
def post_query(request: HttpRequest, payload: QueryIn) -> Status:
    return Status(
        201,
        _query_out(
            services.raise_query(request.auth, payload.kind, payload.record_id, payload.field, payload.text)
        ),
    )  # type: ignore[attr-defined]


@router.get("/queries/counts", response=QueryCountsOut, summary="Open queries per site and per participant")
def query_counts(request: HttpRequest) -> dict[str, Any]:
    counts = services.open_query_counts(request.auth)  # type: ignore[attr-defined]
    return {"sites": dict(counts["sites"]), "participants": dict(counts["participants"])}


@router.post("/queries/{query_id}/{action}", response=QueryOut, summary="Answer, close or re-open a query")
def move(request: HttpRequest, query_id: int, action: str, payload: QueryMoveIn) -> dict[str, Any]:
    allowed = {a.value: a for a in (QueryAction.ANSWER, QueryAction.CLOSE, QueryAction.REOPEN)}
    if action not in allowed:
        from mesems.errors import NotFound

        raise NotFound(f"no query action {action!r}; expected one of [{', '.join(allowed)}]", field="action")
    return _query_out(services.move_query(request.auth, query_id, allowed[action], payload.text))  # type: ignore[attr-defined]


class ConsentVersionIn(Input):
    version: str
    effective_from: dt.date
    requires_reconsent: bool = False
    description: str = ""


class ConsentVersionOut(ConsentVersionIn):
    pass


@router.get("/consent-versions", response=list[ConsentVersionOut], summary="Consent form versions")
def list_consent_versions(request: HttpRequest) -> list[Any]:
    from mesems.web.apps.visits.models import ConsentFormVersion

    return list(ConsentFormVersion.objects.all())


@router.post(
    "/consent-versions", response={201: ConsentVersionOut}, summary="Issue a consent form version (sponsor)"
)
def post_consent_version(request: HttpRequest, payload: ConsentVersionIn) -> Status:
    return Status(
        201,
        services.add_consent_version(
            request.auth,
            payload.version,
            payload.effective_from,
            payload.requires_reconsent,
            payload.description,
        ),
    )  # type: ignore[attr-defined]


@router.get(
    "/participants/{code}/reconsent",
    response=ConsentVersionOut | None,
    summary="The consent version the participant must sign again, if any",
)
def get_reconsent(request: HttpRequest, code: str) -> Any:
    return services.reconsent_due(visible_participant(request.auth, code))  # type: ignore[attr-defined]


class SaeClockOut(Schema):
    participant: str
    sae_report: int
    adverse_event: int
    term: str
    clock_id: str
    aware_on: dt.date
    due_on: dt.date
    state: str
    days_left: int


@router.get(
    "/sae-clocks", response=list[SaeClockOut], summary="Running SAE reporting clocks, the most urgent first"
)
def sae_clock_list(request: HttpRequest, include_reported: bool = False) -> list[dict[str, Any]]:
    from mesems.web.apps.safety.services import sae_clocks

    if not may_view(role_of(request.auth), "sae"):  # type: ignore[attr-defined]
        return []
    return [
        {
            "participant": c.report.participant.code,
            "sae_report": c.report.pk,
            "adverse_event": c.report.adverse_event_id,
            "term": c.report.adverse_event.term,
            "clock_id": c.status.duty.clock_id,
            "aware_on": c.status.duty.aware_on,
            "due_on": c.status.duty.due_on,
            "state": c.status.state.value,
            "days_left": c.status.days_left,
        }
        for c in sae_clocks(request.auth, include_reported)  # type: ignore[attr-defined]
    ]


@router.get("/meddra/terms", response=list[TermOut], summary="Preferred terms of the bundled MedDRA subset")
def meddra_terms(request: HttpRequest, q: str = "") -> list[Any]:
    return search_terms(q)


META = ("id", "version", "created_at", "created_by", "updated_at", "updated_by", "verified_at", "verified_by")


def record_out(kind: FormKind, record: Any) -> dict[str, Any]:
    out = {name: getattr(record, name) for name in (*META, *kind.data_fields, *kind.derived_fields)}
    for name in kind.data_fields:
        if hasattr(out[name], "pk"):
            out[name] = out[name].pk
    return {
        **out,
        "participant": record.participant.code,
        "visit": record.visit.code if record.visit else None,
    }


def _routes_for(kind: FormKind) -> None:
    name = kind.model.__name__
    links = [f for f in kind.data_fields if kind.model._meta.get_field(f).is_relation]
    plain = [f for f in kind.data_fields if f not in links]
    by_id: list[tuple[str, Any, Any]] = [
        (f, int | None, None) for f in links
    ]  # a linked form is named by its id
    data_in = create_schema(
        kind.model,
        base_class=Input,
        name=f"{name}FormIn",
        fields=plain,
        optional_fields=plain,
        custom_fields=[
            *by_id,
            ("visit", str | None, None),
            ("version", int | None, None),
            ("reason", str, ""),
        ],
    )
    data_out = create_schema(
        kind.model,
        name=f"{name}FormOut",
        fields=[*META, *plain, *kind.derived_fields],
        custom_fields=[*by_id, ("participant", str, ...), ("visit", str | None, None)],
    )
    label = str(kind.label).lower()

    def list_records(request: HttpRequest, code: str) -> list[dict[str, Any]]:
        participant = visible_participant(request.auth, code)  # type: ignore[attr-defined]
        return [record_out(kind, r) for r in records_of(request.auth, participant, kind)]  # type: ignore[attr-defined]

    def create(request: HttpRequest, code: str, payload: data_in) -> Status:  # type: ignore[valid-type]
        body = payload.dict()  # type: ignore[attr-defined]
        record = services.save_record(request.auth, kind, code, body, visit_code=body.pop("visit", None))  # type: ignore[attr-defined]
        return Status(201, record_out(kind, record))

    def read(request: HttpRequest, record_id: int) -> dict[str, Any]:
        return record_out(kind, visible_record(request.auth, kind, record_id))  # type: ignore[attr-defined]

    def update(request: HttpRequest, record_id: int, payload: data_in) -> dict[str, Any]:  # type: ignore[valid-type]
        current = visible_record(request.auth, kind, record_id)  # type: ignore[attr-defined]
        body = payload.dict(exclude_unset=True)  # type: ignore[attr-defined]
        body.pop("visit", None)
        data = {
            **{
                f: getattr(current, f"{f}_id" if hasattr(current, f"{f}_id") else f) for f in kind.data_fields
            },
            **body,
        }
        record = services.save_record(request.auth, kind, current.participant.code, data, record_id=record_id)  # type: ignore[attr-defined]
        return record_out(kind, record)

    def audit(request: HttpRequest, record_id: int) -> list[dict[str, Any]]:
        return _audit_out(visible_record(request.auth, kind, record_id))  # type: ignore[attr-defined]

    def verify(request: HttpRequest, record_id: int) -> dict[str, Any]:
        return record_out(kind, services.verify_record(request.auth, kind, record_id))  # type: ignore[attr-defined]

    for handler in (create, update):  # the schemas are local: give ninja the classes, not their names
        handler.__annotations__["payload"] = data_in
    slug = kind.slug
    router.get(
        f"/participants/{{code}}/crf/{slug}",
        response=list[data_out],
        operation_id=f"list_{kind.key}",
        summary=f"List {label} forms",
    )(list_records)
    router.post(
        f"/participants/{{code}}/crf/{slug}",
        response={201: data_out},
        operation_id=f"create_{kind.key}",
        summary=f"Save a new {label} form",
    )(create)
    router.get(
        f"/crf/{slug}/{{record_id}}",
        response=data_out,
        operation_id=f"read_{kind.key}",
        summary=f"One {label} form",
    )(read)
    router.put(
        f"/crf/{slug}/{{record_id}}",
        response=data_out,
        operation_id=f"update_{kind.key}",
        summary=f"Change a {label} form (version and reason)",
    )(update)
    router.get(
        f"/crf/{slug}/{{record_id}}/audit",
        response=list[AuditOut],
        operation_id=f"audit_{kind.key}",
        summary=f"Audit trail of a {label} form",
    )(audit)
    router.post(
        f"/crf/{slug}/{{record_id}}/verify",
        response=data_out,
        operation_id=f"verify_{kind.key}",
        summary=f"Mark a {label} form source-data-verified",
    )(verify)


for _kind in all_kinds():
    _routes_for(_kind)
