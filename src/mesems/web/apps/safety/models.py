"""Adverse events and the expedited reports of the serious ones (PROTOCOL.md, primary safety)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mesems.clinical.ae import Action, Causality, Outcome
from mesems.web.apps.visits.models import CrfRecord


def _choices(enum: type, labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(member.value, labels[member.value]) for member in enum]


CAUSALITY_LABELS = {
    "not_related": _("Not related"),
    "unlikely": _("Unlikely"),
    "possible": _("Possible"),
    "probable": _("Probable"),
    "definite": _("Definite"),
}
OUTCOME_LABELS = {
    "recovered": _("Recovered"),
    "recovering": _("Recovering"),
    "not_recovered": _("Not recovered"),
    "recovered_with_sequelae": _("Recovered with sequelae"),
    "fatal": _("Fatal"),
    "unknown": _("Unknown"),
}
ACTION_LABELS = {
    "none": _("None"),
    "infusion_interrupted": _("Infusion interrupted"),
    "infusion_stopped": _("Infusion stopped"),
    "treatment_given": _("Treatment given"),
    "withdrawn_from_study": _("Withdrawn from the study"),
    "other": _("Other"),
}


class AdverseEvent(CrfRecord):
    term = models.CharField(_("verbatim term"), max_length=200, blank=True)
    soc = models.CharField(_("MedDRA system organ class"), max_length=120, blank=True)
    pt = models.CharField(_("MedDRA preferred term"), max_length=120, blank=True)
    coded = models.BooleanField(_("coded from the bundled MedDRA subset"), default=False, editable=False)
    grade = models.IntegerField(_("CTCAE grade (1-5)"), null=True, blank=True)
    serious_death = models.BooleanField(_("results in death"), default=False)
    serious_life_threatening = models.BooleanField(_("is life-threatening"), default=False)
    serious_hospitalisation = models.BooleanField(_("requires or prolongs hospitalisation"), default=False)
    serious_disability = models.BooleanField(
        _("results in persistent or significant disability"), default=False
    )
    serious_congenital_anomaly = models.BooleanField(_("is a congenital anomaly"), default=False)
    serious_important_medical_event = models.BooleanField(
        _("is another important medical event"), default=False
    )
    serious = models.BooleanField(_("serious"), default=False, editable=False)
    causality = models.CharField(
        _("relationship to study treatment"),
        max_length=20,
        choices=_choices(Causality, CAUSALITY_LABELS),
        blank=True,
    )
    expected = models.BooleanField(_("expected (reference safety information)"), default=False)
    action = models.CharField(
        _("action taken"), max_length=30, choices=_choices(Action, ACTION_LABELS), blank=True
    )
    outcome = models.CharField(
        _("outcome"), max_length=30, choices=_choices(Outcome, OUTCOME_LABELS), blank=True
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    stop_date = models.DateField(_("stop"), null=True, blank=True)
    period = models.PositiveSmallIntegerField(_("treatment period"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("adverse event")


class SeriousAdverseEvent(CrfRecord):
    adverse_event = models.OneToOneField(
        AdverseEvent, on_delete=models.PROTECT, related_name="sae_report", verbose_name=_("adverse event")
    )
    aware_on = models.DateField(_("sponsor first aware on"), null=True, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    admitted_on = models.DateField(_("admitted to hospital"), null=True, blank=True)
    discharged_on = models.DateField(_("discharged"), null=True, blank=True)
    reported_on = models.DateField(_("expedited report submitted on"), null=True, blank=True)
    report_reference = models.CharField(_("report reference"), max_length=60, blank=True)
    clock_id = models.CharField(_("reporting clock"), max_length=60, blank=True, editable=False)
    due_on = models.DateField(_("report due"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("serious adverse event report")
