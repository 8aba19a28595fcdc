"""The screening log: one row per screened candidate, with what the eligibility engine decided.

The database stores the candidate as entered and the engine's verdicts; it never re-decides
eligibility (`mesems.eligibility` does, through `services`). The log feeds the CONSORT diagram:
screened, eligible, not eligible (with the criteria that failed), consented, withdrawn before
randomisation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Screening(models.Model):
    class Outcome(models.TextChoices):
        ELIGIBLE = "eligible", _("Eligible")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible")
        UNKNOWN = "unknown", _("Unknown: data missing")

    code = models.CharField(_("screening number"), max_length=40, unique=True)
    site = models.ForeignKey("trials.Site", on_delete=models.PROTECT, related_name="screenings")
    candidate = models.JSONField(_("candidate record"), help_text="as entered (DESIGN.md candidate record)")
    planned_randomisation_date = models.DateField(_("planned randomisation date"), null=True, blank=True)
    protocol_version = models.CharField(_("eligibility version"), max_length=40)
    protocol_digest = models.CharField(max_length=64)
    outcome = models.CharField(_("verdict"), max_length=20, choices=Outcome.choices)
    failed_criteria = models.CharField(_("criteria not met"), max_length=400, blank=True)
    missing = models.CharField(_("missing data"), max_length=400, blank=True)
    verdicts = models.JSONField(_("verdicts"), help_text="the `mesems screen --json` output")
    screened_date = models.DateField(_("date of the screening decision"))
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    consented = models.BooleanField(_("consented"), default=False)
    consent_date = models.DateField(_("consent date"), null=True, blank=True)
    withdrawn_before_randomisation = models.BooleanField(_("withdrawn before randomisation"), default=False)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=400, blank=True)
    participant = models.OneToOneField(
        "trials.Participant", null=True, blank=True, on_delete=models.PROTECT, related_name="screening"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, help_text="optimistic lock: each save increments it")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def failed(self) -> list[str]:
        return [c for c in self.failed_criteria.split(";") if c]
