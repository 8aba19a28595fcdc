"""The site's day: each participant's next visit, the overdue ones, open queries and SAE clocks."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from mesems.access.crf import may_view
from mesems.schedule import PlannedVisit, VisitStatus, Window, visit_status
from mesems.web.apps.accounts.services import role_of
from mesems.web.apps.trials.models import Participant
from mesems.web.apps.trials.services import visible_participants
from mesems.web.apps.visits.models import Visit
from mesems.web.apps.visits.services.editing import site_today
from mesems.web.apps.visits.services.queries import open_query_counts


@dataclass(frozen=True)
class VisitDue:
    participant: Participant
    visit: Visit
    status: VisitStatus


@dataclass(frozen=True)
class ParticipantLine:
    participant: Participant
    next_visit: VisitDue | None
    open_queries: int


@dataclass(frozen=True)
class Dashboard:
    lines: list[ParticipantLine]
    overdue: list[VisitDue]
    due_now: list[VisitDue]
    queries_by_site: dict[str, int]
    open_queries: int
    sae_clocks: list[Any]


def _status(visit: Visit, today: dt.date) -> VisitStatus:
    planned = PlannedVisit(
        visit.code,
        visit.name,
        visit.week,
        visit.period,
        Window(visit.target_date, visit.earliest, visit.latest),
        (),
        visit.missed_from,
    )
    return visit_status(planned, today, visit.visit_date, visit.missed)


def site_dashboard(user: Any) -> Dashboard:
    from mesems.web.apps.safety.services import sae_clocks

    participants = list(visible_participants(user).filter(schedule__isnull=False))
    visits: dict[int, list[Visit]] = defaultdict(list)
    for visit in Visit.objects.filter(participant__in=participants, week__isnull=False).order_by(
        "target_date"
    ):
        visits[visit.participant_id].append(visit)
    counts = open_query_counts(user)
    lines, overdue, due_now = [], [], []
    for participant in participants:
        today = site_today(participant.site)
        upcoming = None
        for visit in visits[participant.pk]:
            due = VisitDue(participant, visit, _status(visit, today))
            if due.status == VisitStatus.OVERDUE:
                overdue.append(due)
            if due.status == VisitStatus.DUE:
                due_now.append(due)
            if upcoming is None and due.status in {
                VisitStatus.UPCOMING,
                VisitStatus.DUE,
                VisitStatus.OVERDUE,
            }:
                upcoming = due
        lines.append(ParticipantLine(participant, upcoming, counts["participants"].get(participant.code, 0)))
    clocks = (
        sae_clocks(user) if may_view(role_of(user), "sae") else []
    )  # the blinded rater sees no safety data
    return Dashboard(
        lines, overdue, due_now, dict(sorted(counts["sites"].items())), sum(counts["sites"].values()), clocks
    )
