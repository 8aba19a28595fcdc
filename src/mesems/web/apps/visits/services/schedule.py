"""Starting a participant's schedule, reading where each visit stands, and reporting a visit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from mesems.access.crf import SCHEDULE_ROLES, require_entry
from mesems.errors import NotFound, ScheduleError
from mesems.schedule import (
    Completeness,
    PlannedVisit,
    VisitStatus,
    Window,
    collection_for,
    completeness,
    plan_unscheduled_visit,
    plan_visits,
    visit_status,
    window_deviation,
)
from mesems.web.apps.accounts.services import require_role, role_of
from mesems.web.apps.audit.services import record_change, snapshot
from mesems.web.apps.trials.models import Participant
from mesems.web.apps.trials.services import current_protocol, visible_participant
from mesems.web.apps.visits.models import ParticipantSchedule, ProtocolDeviation, Visit, VisitSignature
from mesems.web.apps.visits.services.dosing import given_dosing_dates
from mesems.web.apps.visits.services.editing import audited_save, check_version, site_today

REPORT_FIELDS = ["visit_date", "missed", "missed_reason", "ae_review", "conmed_review", "relapse_review"]


def _visit_row(participant: Participant, planned: PlannedVisit) -> Visit:
    return Visit(
        participant=participant,
        code=planned.visit_id,
        name=planned.name,
        week=planned.week,
        period=planned.period,
        target_date=planned.window.target,
        earliest=planned.window.earliest,
        latest=planned.window.latest,
        missed_from=planned.missed_from,
        assessments=list(planned.assessments),
        unscheduled_reason=planned.reason or "",
    )


@transaction.atomic(savepoint=False)
def start_schedule(
    participant: Participant, randomisation_date: dt.date, actor: Any = None
) -> ParticipantSchedule:
    """Creates the participant's visits from week 0 = `randomisation_date`. The allocation app calls
    this when it randomises; calling it again with the same date is a no-op, with another date an error."""
    existing = ParticipantSchedule.objects.filter(participant=participant).first()
    if existing is not None:
        if existing.randomisation_date != randomisation_date:
            raise ScheduleError(
                f"{participant.code} was randomised on {existing.randomisation_date}, not {randomisation_date}",
                field="randomisation_date",
                http_status=409,
            )
        return existing
    username = actor.get_username() if getattr(actor, "is_authenticated", False) else "system"
    schedule = ParticipantSchedule.objects.create(
        participant=participant, randomisation_date=randomisation_date, started_by=username
    )
    planned = plan_visits(current_protocol(), randomisation_date)
    Visit.objects.bulk_create([_visit_row(participant, p) for p in planned])
    record_change(
        actor,
        "create",
        schedule,
        {
            "randomisation_date": [None, randomisation_date.isoformat()],
            "visits": [None, [p.visit_id for p in planned]],
        },
        reason="schedule started at randomisation",
        site_code=participant.site.code,
    )
    return schedule


def start_schedule_as(user: Any, participant_code: str, randomisation_date: dt.date) -> ParticipantSchedule:
    """`start_schedule` for a person (by hand or over the API): role and site checked."""
    require_role(user, SCHEDULE_ROLES, "start a participant's schedule")
    participant = visible_participant(user, participant_code)
    if participant.status != Participant.Status.RANDOMISED:
        raise ScheduleError(
            f"{participant.code} is {participant.status}, not randomised",
            field="participant",
            http_status=409,
        )
    return start_schedule(participant, randomisation_date, user)


def randomisation_date_of(participant: Participant) -> dt.date | None:
    schedule = ParticipantSchedule.objects.filter(participant=participant).first()
    return schedule.randomisation_date if schedule else None


@dataclass(frozen=True)
class VisitView:
    """A visit as a page shows it: its row, where it stands today, and what is still missing."""

    visit: Visit
    status: VisitStatus
    window: Window
    completeness: Completeness
    signed: VisitSignature | None

    @property
    def open_for_entry(self) -> bool:
        return self.visit.visit_date is not None


def _planned(visit: Visit) -> PlannedVisit:
    return PlannedVisit(
        visit.code,
        visit.name,
        visit.week,
        visit.period,
        Window(visit.target_date, visit.earliest, visit.latest),
        tuple(visit.assessments),
        visit.missed_from,
        visit.week is None,
        visit.unscheduled_reason or None,
    )


def visit_views(participant: Participant, today: dt.date | None = None) -> list[VisitView]:
    """Every visit of the participant with its status on `today` (the site's today by default)."""
    from mesems.web.apps.visits.services.records import forms_saved_by_visit

    today = today or site_today(participant.site)
    visits = list(Visit.objects.filter(participant=participant).order_by("target_date", "code"))
    saved = forms_saved_by_visit(participant)
    signatures = {
        s.visit_id: s
        for s in VisitSignature.objects.filter(visit__participant=participant, voided_at__isnull=True)
    }
    views = []
    for visit in visits:
        planned = _planned(visit)
        answered = [r for r in ("ae_review", "conmed_review", "relapse_review") if getattr(visit, r)]
        views.append(
            VisitView(
                visit,
                visit_status(planned, today, visit.visit_date, visit.missed),
                planned.window,
                completeness(collection_for(visit.assessments), saved.get(visit.pk, set()), answered),
                signatures.get(visit.pk),
            )
        )
    return views


def visible_visit(user: Any, participant_code: str, visit_code: str) -> Visit:
    participant = visible_participant(user, participant_code)
    visit = (
        Visit.objects.filter(participant=participant, code=visit_code)
        .select_related("participant__site")
        .first()
    )
    if visit is None:
        raise NotFound(f"{participant.code} has no visit {visit_code!r}", field="visit")
    return visit


def report_visit(user: Any, participant_code: str, visit_code: str, data: dict[str, Any]) -> Visit:
    """Records the date of a visit (or that it was not done) and its three reviews. A date outside
    the window is kept and logged as a protocol deviation; a change after the first report needs a
    reason, and voids the investigator's signature."""
    from mesems.web.apps.visits.services.records import void_signature_if_signed
    from mesems.web.apps.visits.visit_forms import VisitReportForm

    require_entry(role_of(user), "visit")
    with transaction.atomic():
        visit = visible_visit(user, participant_code, visit_code)
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        signed = VisitSignature.objects.filter(visit=visit, voided_at__isnull=True).exists()
        form = VisitReportForm(
            data=data,
            instance=visit,
            today=site_today(visit.participant.site),
            reason_required=visit.reported or signed,
        )
        if visit.reported:
            check_version(visit, data.get("version"), REPORT_FIELDS)
        before = snapshot(visit, REPORT_FIELDS + ["out_of_window"]) if visit.reported else None
        from mesems.web.apps.visits.services.records import refuse_invalid

        refuse_invalid(form)
        visit = form.save(commit=False)
        deviation = (
            window_deviation(_planned(visit), visit.visit_date)
            if visit.visit_date and not visit.missed
            else None
        )
        visit.out_of_window = deviation is not None
        reason = form.cleaned_data.get("reason", "")
        audited_save(
            user,
            visit,
            before,
            REPORT_FIELDS + ["out_of_window"],
            reason,
            visit.participant.site.code,
            action="update" if before else "report",
        )
        if (
            deviation is not None
            and not ProtocolDeviation.objects.filter(
                visit=visit, category=ProtocolDeviation.Category.VISIT_WINDOW
            ).exists()
        ):
            row = ProtocolDeviation(
                participant=visit.participant,
                visit=visit,
                category=ProtocolDeviation.Category.VISIT_WINDOW,
                description=deviation.description,
                found_how=ProtocolDeviation.FoundHow.SYSTEM,
                found_on=site_today(visit.participant.site),
            )
            audited_save(
                user,
                row,
                None,
                ["category", "description", "found_how", "found_on", "visit_id"],
                "visit done outside its window",
                visit.participant.site.code,
            )
        void_signature_if_signed(user, visit, reason or "visit report changed")
    return visit


@transaction.atomic
def add_unscheduled_visit(user: Any, participant_code: str, visit_date: dt.date, reason: str) -> Visit:
    """An unscheduled visit (for a relapse), numbered U01, U02, ... and reported as done on its date."""
    require_entry(role_of(user), "visit")
    participant = visible_participant(user, participant_code)
    start = randomisation_date_of(participant)
    if start is None:
        raise ScheduleError(
            f"{participant.code} has no schedule yet (not randomised)", field="participant", http_status=409
        )
    if visit_date > site_today(participant.site):
        raise ScheduleError(f"{visit_date} is in the future", field="visit_date")
    number = Visit.objects.filter(participant=participant, week__isnull=True).count() + 1
    planned = plan_unscheduled_visit(
        current_protocol(), start, visit_date, reason, number, given_dosing_dates(participant)
    )
    visit = _visit_row(participant, planned)
    visit.visit_date = visit_date
    audited_save(
        user,
        visit,
        None,
        ["code", "visit_date", "unscheduled_reason", "period"],
        f"unscheduled visit for {reason}",
        participant.site.code,
    )
    return visit
