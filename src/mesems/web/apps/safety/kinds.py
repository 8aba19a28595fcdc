"""The safety forms, registered beside the visits app's forms."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mesems.web.apps.safety.forms import AdverseEventForm, SeriousAdverseEventForm
from mesems.web.apps.safety.models import AdverseEvent, SeriousAdverseEvent
from mesems.web.apps.visits.registry import FormKind, register

register(
    FormKind(
        "adverse_event",
        "adverse-event",
        _("Adverse event"),
        AdverseEvent,
        AdverseEventForm,
        "log",
        ("term", "grade", "serious", "period"),
    )
)
register(
    FormKind(
        "sae",
        "sae",
        _("Serious adverse event report"),
        SeriousAdverseEvent,
        SeriousAdverseEventForm,
        "log",
        ("aware_on", "due_on", "reported_on"),
    )
)
