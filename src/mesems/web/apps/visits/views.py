"""The site's pages: dashboard, participant timeline, visit, form, signature, audit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mesems.access.crf import (
    QUERY_ANSWERERS,
    QUERY_RAISERS,
    SIGNING_ROLES,
    VERIFYING_ROLES,
    may_enter,
    may_view,
)
from mesems.clinical.meddra import meddra_subset, search_terms
from mesems.errors import MesemsError
from mesems.web.apps.accounts.services import role_of
from mesems.web.apps.audit.services import history
from mesems.web.apps.trials.services import visible_participant
from mesems.web.apps.visits import services
from mesems.web.apps.visits.models import VisitSignature
from mesems.web.apps.visits.registry import FormKind, all_kinds, get_kind
from mesems.web.apps.visits.services.consent import reconsent_due
from mesems.web.apps.visits.services.queries import queries_on, visible_queries
from mesems.web.apps.visits.services.records import FormRefused, bind_form, records_of, visible_record
from mesems.web.apps.visits.services.schedule import visible_visit, visit_views
from mesems.web.apps.visits.visit_forms import (
    SIGNATURE_MEANING,
    QueryForm,
    QueryReplyForm,
    SignatureForm,
    VisitReportForm,
)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    board = services.site_dashboard(request.user)
    template = "visits/_dashboard_panels.html" if request.htmx else "visits/dashboard.html"  # type: ignore[attr-defined]
    return render(request, template, {"board": board})


@login_required
def participant(request: HttpRequest, code: str) -> HttpResponse:
    person = visible_participant(request.user, code)
    role = role_of(request.user)
    logs = [
        (k, records_of(request.user, person, k))
        for k in all_kinds()
        if k.scope != "visit" and may_view(role, k.key)
    ]
    counts = services.open_query_counts(request.user)["participants"]
    return render(
        request,
        "visits/participant.html",
        {
            "participant": person,
            "visits": visit_views(person),
            "logs": logs,
            "open_queries": counts.get(person.code, 0),
            "may_enter": {k.key: may_enter(role, k.key) for k in all_kinds()},
            "reconsent": reconsent_due(person),
        },
    )


@login_required
def visit(request: HttpRequest, code: str, visit_code: str) -> HttpResponse:
    row = visible_visit(request.user, code, visit_code)
    view = next(v for v in visit_views(row.participant) if v.visit.pk == row.pk)
    today = services.site_today(row.participant.site)
    form = VisitReportForm(
        instance=row, today=today, reason_required=row.reported, initial={"version": row.version}
    )
    if request.method == "POST":
        try:
            services.report_visit(request.user, code, visit_code, request.POST.dict())
            messages.success(request, _("Visit %(visit)s saved.") % {"visit": visit_code})
            return redirect("visits:visit", code=code, visit_code=visit_code)
        except FormRefused as refused:
            form = refused.form  # type: ignore[assignment]
        except MesemsError as error:
            form = VisitReportForm(data=request.POST, instance=row, today=today, reason_required=row.reported)
            form.is_valid()
            form.add_error(None, error.message)
    role = role_of(request.user)
    forms_here = []
    for key in view.completeness.missing_forms + tuple(sorted(_saved_keys(row))):
        kind = get_kind(key)
        record = kind.model.objects.filter(visit=row).first()
        if may_view(role, key):
            forms_here.append({"kind": kind, "record": record, "may_enter": may_enter(role, key)})
    signatures = VisitSignature.objects.filter(visit=row).select_related("signed_by")
    return render(
        request,
        "visits/visit.html",
        {
            "participant": row.participant,
            "view": view,
            "form": form,
            "forms_here": forms_here,
            "signatures": signatures,
            "may_sign": role in SIGNING_ROLES,
            "may_enter_visit": may_enter(role, "visit"),
            "logs_here": [k for k in all_kinds() if k.scope == "log" and may_enter(role, k.key)],
        "reported_here": [
            (k, r) for k in all_kinds() if k.scope == "log" and may_view(role, k.key) for r in k.model.objects.filter(visit=row)
        ],
        },
    )


def _saved_keys(row: Any) -> set[str]:
    return {k.key for k in all_kinds() if k.scope == "visit" and k.model.objects.filter(visit=row).exists()}


@login_required
def sign(request: HttpRequest, code: str, visit_code: str) -> HttpResponse:
    row = visible_visit(request.user, code, visit_code)
    form = SignatureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_visit(request.user, code, visit_code, form.cleaned_data["password"], request)
            messages.success(request, _("Visit %(visit)s signed.") % {"visit": visit_code})
            return redirect("visits:visit", code=code, visit_code=visit_code)
        except MesemsError as error:
            form.add_error("password" if error.field == "password" else None, error.message)
    return render(
        request,
        "visits/sign.html",
        {"participant": row.participant, "visit": row, "form": form, "meaning": SIGNATURE_MEANING},
    )


def _form_page(
    request: HttpRequest, kind: FormKind, person: Any, form: Any, record: Any = None, visit_row: Any = None
) -> HttpResponse:
    role = role_of(request.user)
    first_error = next((name for name in form.errors if name in form.fields), None)
    if first_error is not None:
        form.fields[first_error].widget.attrs["autofocus"] = True
    queries = queries_on(kind.slug, record.pk) if record is not None else []
    return render(
        request,
        "visits/form.html",
        {
            "kind": kind,
            "participant": person,
            "form": form,
            "record": record,
            "visit": visit_row,
            "queries": queries,
            "queries_by_field": {q.field for q in queries if q.status != "closed"},
            "may_edit": may_enter(role, kind.key),
            "may_raise": role in QUERY_RAISERS,
            "may_verify": role in VERIFYING_ROLES,
            "may_answer": role in QUERY_ANSWERERS,
            "query_form": QueryForm(),
            "reply_form": QueryReplyForm(),
            "meddra_socs": meddra_subset().socs,
            "derived": [
                (record._meta.get_field(f).verbose_name, getattr(record, f)) for f in kind.derived_fields
            ]
            if record
            else [],
        },
    )


@login_required
def record_new(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    kind = get_kind(slug)
    person = visible_participant(request.user, code)
    visit_code = request.GET.get("visit") or request.POST.get("visit") or None
    visit_row = visible_visit(request.user, code, visit_code) if visit_code else None
    if request.method == "POST":
        try:
            record = services.save_record(
                request.user, kind, code, request.POST.dict(), visit_code=visit_code, posted=True
            )
            messages.success(request, _("%(form)s saved.") % {"form": kind.label})
            return redirect("visits:record", slug=kind.slug, record_id=record.pk)
        except FormRefused as refused:
            return _form_page(request, kind, person, refused.form, visit_row=visit_row)
    initial = {"adverse_event": request.GET.get("ae")} if request.GET.get("ae") else None
    form = bind_form(kind, person, None, None, visit_row)
    if initial:
        form.initial.update(initial)
    return _form_page(request, kind, person, form, visit_row=visit_row)


@login_required
def record(request: HttpRequest, slug: str, record_id: int) -> HttpResponse:
    kind = get_kind(slug)
    row = visible_record(request.user, kind, record_id)
    if request.method == "POST":
        try:
            services.save_record(
                request.user, kind, row.participant.code, request.POST.dict(), record_id=row.pk, posted=True
            )
            messages.success(request, _("%(form)s saved.") % {"form": kind.label})
            return redirect("visits:record", slug=kind.slug, record_id=row.pk)
        except FormRefused as refused:
            return _form_page(request, kind, row.participant, refused.form, row, row.visit)
        except services.StaleEdit as stale:
            form = stale.form  # type: ignore[attr-defined]
            form.is_valid()
            current = visible_record(request.user, kind, record_id)
            form.data = {**form.data, "version": current.version}
            form.add_error(None, stale.message)
            return _form_page(request, kind, current.participant, form, current, current.visit)
    return _form_page(
        request, kind, row.participant, bind_form(kind, row.participant, None, row, row.visit), row, row.visit
    )


@login_required
def record_audit(request: HttpRequest, slug: str, record_id: int) -> HttpResponse:
    kind = get_kind(slug)
    row = visible_record(request.user, kind, record_id)
    return render(
        request,
        "visits/audit.html",
        {
            "participant": row.participant,
            "title": f"{kind.label} #{row.pk}",
            "events": history(row),
            "back": reverse("visits:record", args=[kind.slug, row.pk]),
            "queries": queries_on(kind.slug, row.pk),
        },
    )


@login_required
def visit_audit(request: HttpRequest, code: str, visit_code: str) -> HttpResponse:
    row = visible_visit(request.user, code, visit_code)
    events = history(row) + [e for s in VisitSignature.objects.filter(visit=row) for e in history(s)]
    events.sort(key=lambda e: e.pk)
    return render(
        request,
        "visits/audit.html",
        {
            "participant": row.participant,
            "title": f"{row.participant.code} {row.code}",
            "events": events,
            "back": reverse("visits:visit", args=[code, visit_code]),
            "queries": [],
        },
    )


@login_required
@require_POST
def raise_query(request: HttpRequest, slug: str, record_id: int) -> HttpResponse:
    kind = get_kind(slug)
    services.raise_query(
        request.user, kind.slug, record_id, request.POST.get("field", ""), request.POST.get("text", "")
    )
    return _queries_fragment(request, kind, record_id)


@login_required
@require_POST
def move_query(request: HttpRequest, query_id: int, action: str) -> HttpResponse:
    from mesems.access.crf import QueryAction

    query = services.move_query(request.user, query_id, QueryAction(action), request.POST.get("text", ""))
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect("visits:record", slug=query.kind, record_id=query.record_id)
    return _queries_fragment(request, get_kind(query.kind), query.record_id)


def _queries_fragment(request: HttpRequest, kind: FormKind, record_id: int) -> HttpResponse:
    role = role_of(request.user)
    row = visible_record(request.user, kind, record_id)
    return render(
        request,
        "visits/_queries.html",
        {
            "kind": kind,
            "record": row,
            "queries": queries_on(kind.slug, record_id),
            "may_raise": role in QUERY_RAISERS,
            "may_answer": role in QUERY_ANSWERERS,
            "query_form": QueryForm(),
            "reply_form": QueryReplyForm(),
            "form": bind_form(kind, row.participant, None, row, row.visit),
        },
    )


@login_required
@require_POST
def verify(request: HttpRequest, slug: str, record_id: int) -> HttpResponse:
    row = services.verify_record(request.user, slug, record_id)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "visits/_verified.html", {"record": row})
    return redirect("visits:record", slug=get_kind(slug).slug, record_id=row.pk)


@login_required
def queries(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    rows = visible_queries(request.user).prefetch_related("messages__author")
    if status in {"open", "answered", "closed"}:
        rows = rows.filter(status=status)
    return render(
        request,
        "visits/queries.html",
        {
            "queries": rows[:500],
            "status": status,
            "counts": {k: dict(v) for k, v in services.open_query_counts(request.user).items()},
        },
    )


@login_required
def meddra_options(request: HttpRequest) -> HttpResponse:
    return render(
        request, "visits/_meddra_options.html", {"terms": search_terms(request.GET.get("pt", ""), limit=20)}
    )
