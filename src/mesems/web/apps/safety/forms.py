"""Adverse-event and SAE forms; each calls its rule in `mesems.clinical.ae` / `mesems.clinical.sae`."""

from __future__ import annotations

from typing import Any

from django import forms

from mesems.clinical.ae import attribute_period, check_adverse_event, is_serious
from mesems.clinical.meddra import canonical_pt, canonical_soc, is_coded, meddra_subset
from mesems.clinical.problems import Problem
from mesems.clinical.sae import check_sae_report, duty_for_event
from mesems.web.apps.audit.services import record_change
from mesems.web.apps.safety.models import AdverseEvent, SeriousAdverseEvent
from mesems.web.apps.visits.forms import CrfForm
from mesems.web.apps.visits.services.dosing import given_dosing_dates

AE_FIELDS = [
    "term",
    "soc",
    "pt",
    "grade",
    "serious_death",
    "serious_life_threatening",
    "serious_hospitalisation",
    "serious_disability",
    "serious_congenital_anomaly",
    "serious_important_medical_event",
    "causality",
    "expected",
    "action",
    "outcome",
    "start_date",
    "stop_date",
]


class AdverseEventForm(CrfForm):
    class Meta:
        model = AdverseEvent
        fields = AE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["soc"].widget = forms.Select(
            choices=[("", "---------")] + [(s, s) for s in meddra_subset().socs]
        )
        self.fields["pt"].widget.attrs.update({"list": "meddra-pts", "autocomplete": "off"})
        self.fields["grade"].widget.attrs.update(
            {"min": 1, "max": self.context.protocol.safety.ctcae_max_grade}
        )

    def check(self, values: dict[str, Any]) -> list[Problem]:
        return check_adverse_event(values, self.context.today, self.context.protocol.safety.ctcae_max_grade)

    def derive(self, values: dict[str, Any]) -> dict[str, Any]:
        start, week0 = values.get("start_date"), self.context.randomisation_date
        period = (
            attribute_period(
                self.context.protocol.periods, week0, start, given_dosing_dates(self.context.participant)
            )
            if start and week0
            else None
        )
        pt = values.get("pt") or ""
        return {
            "soc": canonical_soc(values.get("soc") or "") or values.get("soc", ""),
            "pt": canonical_pt(pt) or pt,
            "coded": is_coded(pt),
            "serious": is_serious(values),
            "period": period,
        }

    def after_save(self, instance: Any, actor: Any) -> None:
        report = SeriousAdverseEvent.objects.filter(adverse_event=instance).first()
        if report is not None:
            refresh_clock(report, actor)


def event_values(event: AdverseEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in AE_FIELDS}


def refresh_clock(report: SeriousAdverseEvent, actor: Any) -> None:
    """Re-derives the SAE clock after its event changes (e.g. judged related after all)."""
    from mesems.web.apps.trials.services import current_protocol

    duty = (
        duty_for_event(current_protocol().safety, event_values(report.adverse_event), report.aware_on)
        if report.aware_on
        else None
    )
    clock_id, due_on = (duty.clock_id, duty.due_on) if duty else ("", None)
    if (clock_id, due_on) != (report.clock_id, report.due_on):
        changes = {"clock_id": [report.clock_id, clock_id], "due_on": [report.due_on, due_on]}
        SeriousAdverseEvent.objects.filter(pk=report.pk).update(clock_id=clock_id, due_on=due_on)
        record_change(
            actor,
            "derived",
            report,
            changes,
            reason="adverse event changed",
            site_code=report.participant.site.code,
        )


class SeriousAdverseEventForm(CrfForm):
    class Meta:
        model = SeriousAdverseEvent
        fields = [
            "adverse_event",
            "aware_on",
            "narrative",
            "admitted_on",
            "discharged_on",
            "reported_on",
            "report_reference",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["adverse_event"]
        field.queryset = AdverseEvent.objects.filter(participant=self.context.participant)  # type: ignore[attr-defined]
        field.label_from_instance = lambda ae: f"#{ae.pk} {ae.term} ({ae.start_date})"  # type: ignore[attr-defined]
        if self.instance.pk:
            field.disabled = True

    def check(self, values: dict[str, Any]) -> list[Problem]:
        event = values.get("adverse_event")
        if event is None:
            return [Problem("adverse_event", "required", "choose the adverse event this report is about")]
        return check_sae_report(values, event_values(event), self.context.today)

    def derive(self, values: dict[str, Any]) -> dict[str, Any]:
        event, aware = values.get("adverse_event"), values.get("aware_on")
        duty = (
            duty_for_event(self.context.protocol.safety, event_values(event), aware)
            if event and aware
            else None
        )
        return {"clock_id": duty.clock_id if duty else "", "due_on": duty.due_on if duty else None}
