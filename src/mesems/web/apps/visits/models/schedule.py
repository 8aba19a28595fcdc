"""A participant's schedule: the week-0 date, the visits worked out from it, and their signatures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mesems.web.apps.visits.models.base import YesNoUnknown


class ParticipantSchedule(models.Model):
    """Started once, by the allocation, on the randomisation date (week 0)."""

    participant = models.OneToOneField(
        "trials.Participant", on_delete=models.PROTECT, related_name="schedule"
    )
    randomisation_date = models.DateField(_("randomisation date"))
    started_at = models.DateTimeField(auto_now_add=True)
    started_by = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return f"schedule of {self.participant_id} from {self.randomisation_date}"


class Visit(models.Model):
    """One scheduled (W00-W48) or unscheduled (U01, ...) visit; the report says when it was done."""

    participant = models.ForeignKey("trials.Participant", on_delete=models.PROTECT, related_name="visits")
    code = models.CharField(_("visit"), max_length=8)
    name = models.CharField(_("name"), max_length=100)
    week = models.PositiveSmallIntegerField(_("week"), null=True, blank=True)
    period = models.PositiveSmallIntegerField(_("period"))
    target_date = models.DateField(_("target date"))
    earliest = models.DateField(_("window opens"))
    latest = models.DateField(_("window closes"))
    missed_from = models.DateField()
    assessments = models.JSONField(default=list)
    unscheduled_reason = models.CharField(max_length=40, blank=True)
    visit_date = models.DateField(_("date of visit"), null=True, blank=True)
    missed = models.BooleanField(_("visit not done"), default=False)
    missed_reason = models.TextField(_("why the visit was not done"), blank=True)
    out_of_window = models.BooleanField(_("outside its window"), default=False)
    ae_review = models.CharField(
        _("new or changed adverse events since the last visit?"),
        max_length=8,
        choices=YesNoUnknown.choices,
        blank=True,
    )
    conmed_review = models.CharField(
        _("new or changed concomitant medications since the last visit?"),
        max_length=8,
        choices=YesNoUnknown.choices,
        blank=True,
    )
    relapse_review = models.CharField(
        _("a relapse since the last visit?"), max_length=8, choices=YesNoUnknown.choices, blank=True
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=150, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["participant", "target_date", "code"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "code"], name="visits_visit_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}/{self.code}"

    @property
    def reported(self) -> bool:
        return self.visit_date is not None or self.missed


class VisitSignature(models.Model):
    """An investigator's electronic signature of a visit (21 CFR 11.50: who, when, and what it means).
    Voided, never deleted, when the visit's data change afterwards."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="signatures")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    meaning = models.TextField()
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.CharField(max_length=150, blank=True)
    void_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-signed_at"]

    def __str__(self) -> str:
        return f"signature of {self.visit} by {self.signed_by_id}"
