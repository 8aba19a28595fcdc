"""SAE clocks for the dashboard and the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mesems.clinical.sae import ClockState, ClockStatus, ReportingDuty, clock_status
from mesems.web.apps.accounts.services import scope_to_site
from mesems.web.apps.safety.models import SeriousAdverseEvent
from mesems.web.apps.visits.services.editing import site_today


@dataclass(frozen=True)
class SaeClock:
    report: SeriousAdverseEvent
    status: ClockStatus

    @property
    def days_overdue(self) -> int:
        return max(0, -self.status.days_left)

    @property
    def overdue(self) -> bool:
        return self.status.state == ClockState.OVERDUE


def sae_clocks(user: Any, include_reported: bool = False) -> list[SaeClock]:
    """The expedited-reporting clocks of the SAE reports the user may see, the most urgent first."""
    reports = scope_to_site(
        SeriousAdverseEvent.objects.select_related("participant__site", "adverse_event"),
        user,
        "participant__site",
    )
    clocks = []
    for report in reports.filter(due_on__isnull=False, aware_on__isnull=False):
        duty = ReportingDuty(
            report.clock_id,
            report.clock_id.replace("_", " "),
            (report.due_on - report.aware_on).days,
            report.aware_on,
            report.due_on,
        )
        status = clock_status(duty, site_today(report.participant.site), report.reported_on)
        if include_reported or report.reported_on is None:
            clocks.append(SaeClock(report, status))
    return sorted(clocks, key=lambda c: (c.status.state != ClockState.OVERDUE, c.status.duty.due_on))
