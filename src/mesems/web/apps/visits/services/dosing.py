"""The infusions actually given, by period: they start the periods that events are counted in."""

from __future__ import annotations

import datetime as dt

from mesems.cellproduct import Weight
from mesems.schedule import dosing_period
from mesems.web.apps.trials.models import Participant
from mesems.web.apps.trials.services import current_protocol


def given_dosing_dates(participant: Participant) -> dict[int, dt.date]:
    """{period number: date of the infusion given at that period's dosing visit}."""
    from mesems.web.apps.visits.models import Infusion

    periods = current_protocol().periods
    given: dict[int, dt.date] = {}
    for infusion in Infusion.objects.filter(participant=participant, infused_on__isnull=False).select_related(
        "visit"
    ):
        period = dosing_period(periods, infusion.visit.week if infusion.visit else None)
        if period is not None:
            given[period] = infusion.infused_on
    return given


def crf_weight(participant: Participant) -> Weight | None:
    """The newest weight from the CRF's weight form, for the cell product's dose rule."""
    from mesems.web.apps.visits.models import Weight as WeightRecord

    row = (
        WeightRecord.objects.filter(participant=participant, weight_kg__isnull=False, measured_on__isnull=False)
        .order_by("-measured_on", "-id")
        .first()
    )
    return None if row is None else Weight(float(row.weight_kg), row.measured_on, "weight form")
