"""Saving a case report form: one path for the pages and the API.

The service opens the transaction, locks the row, binds the kind's Django form (which calls the
clinical rules), checks the optimistic lock and the reason, saves, audits, and voids the visit's
signature when signed data change. Refusals name each field; a stale edit is kept in the audit
trail as a refused attempt, so nothing typed is lost without trace.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

from django import forms
from django.db import transaction
from django.utils import timezone

from mesems.access.crf import VERIFYING_ROLES, may_view, require_entry
from mesems.clinical.problems import InvalidRecord
from mesems.errors import AccessDenied, NotFound
from mesems.web.apps.accounts.services import require_role, role_of
from mesems.web.apps.audit.services import diff, record_change, snapshot
from mesems.web.apps.trials.models import Participant
from mesems.web.apps.trials.services import current_protocol, visible_participant
from mesems.web.apps.visits.forms import CrfForm, RecordContext, problems_of
from mesems.web.apps.visits.models import CrfRecord, Relapse, Visit, VisitSignature
from mesems.web.apps.visits.registry import FormKind, all_kinds, get_kind
from mesems.web.apps.visits.services.editing import (
    StaleEdit,
    audited_save,
    check_version,
    record_refusal,
    site_today,
)
from mesems.web.apps.visits.services.schedule import randomisation_date_of


class FormRefused(InvalidRecord):
    """A form broke one or more rules; `form` is the bound form with each error at its field."""

    def __init__(self, form: forms.BaseForm) -> None:
        super().__init__(problems_of(form))
        self.form = form


def refuse_invalid(form: forms.BaseForm) -> None:
    if not form.is_valid():
        raise FormRefused(form)


def context_for(participant: Participant, visit: Visit | None) -> RecordContext:
    return RecordContext(
        participant,
        current_protocol(),
        site_today(participant.site),
        visit,
        randomisation_date_of(participant),
    )


def tracked_fields(kind: FormKind) -> list[str]:
    return kind.data_fields + kind.derived_fields + ["visit_id", "verified_at", "verified_by"]


def visible_record(user: Any, kind: FormKind | str, record_id: int) -> CrfRecord:
    """A saved form the user may see; another site's is not found."""
    kind = get_kind(kind) if isinstance(kind, str) else kind
    if not may_view(role_of(user), kind.key):
        raise AccessDenied(f"your role may not see the {kind.key.replace('_', ' ')} form")
    from mesems.web.apps.trials.services import visible_participants

    record = (
        kind.model.objects.filter(pk=record_id, participant__in=visible_participants(user))
        .select_related("participant__site", "visit")
        .first()
    )
    if record is None:
        raise NotFound(f"no {kind.slug} form #{record_id}", field="id")
    return record


def _visit_for_new(kind: FormKind, participant: Participant, visit_code: str | None) -> Visit | None:
    if not visit_code:
        if kind.scope == "visit":
            refuse_field(
                "visit", "required", f"the {kind.slug} form belongs to a visit; name the visit (e.g. W04)"
            )
        return None
    visit = Visit.objects.filter(participant=participant, code=visit_code).first()
    if visit is None:
        refuse_field("visit", "unknown_visit", f"{participant.code} has no visit {visit_code!r}")
    if kind.scope == "visit":
        from mesems.schedule import collection_for

        wanted = collection_for(visit.assessments).forms
        if kind.key not in wanted:
            refuse_field(
                "visit",
                "not_collected",
                f"{visit.code} does not collect the {kind.slug} form; it collects [{', '.join(wanted)}]",
            )
        if visit.visit_date is None:
            refuse_field("visit", "visit_not_done", f"record the date of visit {visit.code} first")
    return visit


def refuse_field(field: str, code: str, message: str) -> NoReturn:
    from mesems.clinical.problems import Problem

    raise InvalidRecord([Problem(field, code, message)])


def _signed(visit: Visit | None) -> VisitSignature | None:
    return VisitSignature.objects.filter(visit=visit, voided_at__isnull=True).first() if visit else None


def bind_form(
    kind: FormKind,
    participant: Participant,
    data: Mapping[str, Any] | None,
    instance: CrfRecord | None,
    visit: Visit | None,
) -> CrfForm:
    """The kind's form, bound to `data` (or unbound for a blank page), with its rules' context."""
    signature = _signed(visit)
    initial = {"version": instance.version} if instance is not None else None
    form = kind.form(
        data=data,
        instance=instance,
        initial=initial,
        context=context_for(participant, visit),
        reason_required=instance is not None or signature is not None,
    )
    form.signature = signature  # looked up once, before the save takes the audit chain's lock
    return form


def save_record(
    user: Any,
    kind: FormKind | str,
    participant_code: str,
    data: Mapping[str, Any],
    *,
    record_id: int | None = None,
    visit_code: str | None = None,
    posted: bool = False,
) -> CrfRecord:
    """Creates (no `record_id`) or edits a form as `user`; returns the saved record.

    `data` holds plain values as the API takes them; on a new record a field left out takes its
    default (e.g. 1.5 T, reader blinded). `posted` data come from a page, where an unticked box
    is simply absent and means no."""
    kind = get_kind(kind) if isinstance(kind, str) else kind
    if record_id is None and not posted:
        data = {**_defaults(kind), **data}
    require_entry(role_of(user), kind.key)
    participant = visible_participant(user, participant_code)
    stale: StaleEdit | None = None
    with transaction.atomic():
        instance: CrfRecord | None = None
        if record_id is not None:
            instance = (
                kind.model.objects.select_for_update().filter(pk=record_id, participant=participant).first()
            )
            if instance is None:
                raise NotFound(f"no {kind.slug} form #{record_id} for {participant.code}", field="id")
            visit = instance.visit
            before = snapshot(instance, tracked_fields(kind))
        else:
            visit = _visit_for_new(kind, participant, visit_code)
            _refuse_duplicate(kind, participant, visit)
        form = bind_form(kind, participant, data, instance, visit)
        if instance is None:
            return _commit(user, kind, form, participant, visit, None, None)
        try:
            check_version(instance, data.get("version"), kind.data_fields)
        except StaleEdit as error:
            stale = error
        else:
            return _commit(user, kind, form, participant, visit, instance, before)
    attempted = {k: data.get(k) for k in kind.data_fields if k in data}
    record_refusal(user, instance, attempted, f"stale edit refused: {stale.message}", participant.site.code)
    stale.form = form  # type: ignore[attr-defined]
    raise stale


def _defaults(kind: FormKind) -> dict[str, Any]:
    fields = (kind.model._meta.get_field(name) for name in kind.data_fields)
    return {f.name: f.get_default() for f in fields if f.has_default()}


def _refuse_duplicate(kind: FormKind, participant: Participant, visit: Visit | None) -> None:
    if kind.scope == "once" and kind.model.objects.filter(participant=participant).exists():
        refuse_field(
            "kind", "exists", f"{participant.code} already has the {kind.slug} form; open it to change it"
        )
    if kind.scope == "visit" and kind.model.objects.filter(visit=visit).exists():
        refuse_field(
            "visit",
            "exists",
            f"{visit.code if visit else ''} already has the {kind.slug} form; open it to change it",
        )


def _commit(
    user: Any,
    kind: FormKind,
    form: CrfForm,
    participant: Participant,
    visit: Visit | None,
    instance: CrfRecord | None,
    before: dict[str, Any] | None,
) -> CrfRecord:
    """Saves a bound form; `before` is the row as it was before the form touched it (binding
    writes the posted values into the instance)."""
    refuse_invalid(form)
    fields = tracked_fields(kind)
    record = form.save(commit=False)
    record.participant, record.visit = participant, visit
    for name, value in form.derive(form.cleaned_data).items():
        setattr(record, name, value)
    reason = form.cleaned_data.get("reason", "")
    if before is not None:
        if not diff(before, snapshot(record, fields)):
            return instance  # type: ignore[return-value]
        if record.verified_at is not None:
            record.verified_at, record.verified_by = None, ""
    audited_save(user, record, before, fields, reason, participant.site.code)
    form.after_save(record, user)
    if visit is not None and form.signature is not None:
        void_signature_if_signed(
            user, visit, f"{kind.slug} form {'changed' if before else 'added'}: {reason}", form.signature
        )
    return record


def void_signature_if_signed(
    actor: Any, visit: Visit, reason: str, signature: VisitSignature | None = None
) -> None:
    """A change to a signed visit's data voids its signature; the investigator signs again."""
    signature = signature or _signed(visit)
    if signature is None:
        return
    signature.voided_at = timezone.now()
    signature.voided_by = actor.get_username() if getattr(actor, "is_authenticated", False) else "system"
    signature.void_reason = reason
    signature.save(update_fields=["voided_at", "voided_by", "void_reason"])
    record_change(
        actor,
        "signature_voided",
        signature,
        {"voided_at": [None, signature.voided_at]},
        reason=reason,
        site_code=visit.participant.site.code,
    )


def forms_saved_by_visit(participant: Participant) -> dict[int, set[str]]:
    saved: dict[int, set[str]] = {}
    for kind in all_kinds():
        if kind.scope == "visit":
            for visit_id in kind.model.objects.filter(
                participant=participant, visit__isnull=False
            ).values_list("visit_id", flat=True):
                saved.setdefault(visit_id, set()).add(kind.key)
    return saved


def records_of(user: Any, participant: Participant, kind: FormKind) -> list[CrfRecord]:
    if not may_view(role_of(user), kind.key):
        return []
    return list(kind.model.objects.filter(participant=participant).select_related("visit").order_by("id"))


def verify_record(user: Any, kind: FormKind | str, record_id: int) -> CrfRecord:
    """A monitor marks a form source-data-verified; the next edit clears the mark."""
    require_role(user, VERIFYING_ROLES, "mark forms source-data-verified")
    kind = get_kind(kind) if isinstance(kind, str) else kind
    with transaction.atomic():
        record = visible_record(user, kind, record_id)
        record = kind.model.objects.select_for_update().get(pk=record.pk)
        if record.verified_at is None:
            record.verified_at, record.verified_by = timezone.now(), user.get_username()
            record.save(update_fields=["verified_at", "verified_by"])
            record_change(
                user,
                "source_verified",
                record,
                {"verified_at": [None, record.verified_at]},
                site_code=record.participant.site.code,
            )
    return record


def refresh_relapse_confirmation(participant: Participant, actor: Any) -> None:
    """Re-derives each relapse's confirmation after an EDSS is saved (the EDSS may come later)."""
    from mesems.web.apps.visits.record_forms import confirmation

    for relapse in Relapse.objects.filter(participant=participant).select_related("visit"):
        confirmed = confirmation(participant, relapse.onset_date, relapse.visit)
        if confirmed != relapse.confirmed:
            Relapse.objects.filter(pk=relapse.pk).update(confirmed=confirmed)
            record_change(
                actor,
                "derived",
                relapse,
                {"confirmed": [relapse.confirmed, confirmed]},
                reason="EDSS saved",
                site_code=participant.site.code,
            )


def set_participant_status(participant: Participant, status: str, actor: Any, reason: str) -> None:
    if participant.status == status:
        return
    old = participant.status
    Participant.objects.filter(pk=participant.pk).update(status=status, version=participant.version + 1)
    record_change(
        actor,
        "update",
        participant,
        {"status": [old, status]},
        reason=reason,
        site_code=participant.site.code,
    )
