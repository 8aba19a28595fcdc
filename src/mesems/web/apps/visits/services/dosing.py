"""The infusions actually given, by period: they start the periods that events are counted in."""

from __future__ import annotations

import datetime as dt

from mesems.web.apps.trials.models import Participant
from mesems.web.apps.trials.services import current_protocol


def given_dosing_dates(participant: Participant) -> dict[int, dt.date]:
    """{period number: date of the infusion given at that period's dosing visit}."""
    from mesems.web.apps.visits.models import Infusion

    by_week = {p.dosing_week: p.number for p in current_protocol().periods if p.dosing_week is not None}
    given: dict[int, dt.date] = {}
    for infusion in Infusion.objects.filter(participant=participant, infused_on__isnull=False).select_related(
        "visit"
    ):
        week = infusion.visit.week if infusion.visit else None
        if week in by_week:
            given[by_week[week]] = infusion.infused_on
    return given
