"""Sites, the protocol in force and the participants: what every other app hangs from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Site(models.Model):
    code = models.CharField(_("site code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProtocolVersion(models.Model):
    """The protocol file as loaded; the newest row is the one in force."""

    trial_id = models.CharField(max_length=64)
    digest = models.CharField(max_length=64, unique=True)
    text = models.TextField()
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.trial_id} {self.digest[:12]}"


class Participant(models.Model):
    """A person from screening on. The allocation lives in the allocation app, never here."""

    class Status(models.TextChoices):
        SCREENING = "screening", _("Screening")
        SCREEN_FAILED = "screen_failed", _("Screen failed")
        CONSENTED = "consented", _("Consented")
        WITHDRAWN_BEFORE_RANDOMISATION = "withdrawn_before_randomisation", _("Withdrawn before randomisation")
        RANDOMISED = "randomised", _("Randomised")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        LOST_TO_FOLLOW_UP = "lost_to_follow_up", _("Lost to follow-up")

    class Course(models.TextChoices):
        RR = "RR", _("Relapsing-remitting")
        SP = "SP", _("Secondary progressive")
        PP = "PP", _("Primary progressive")

    code = models.CharField(_("participant id"), max_length=32, unique=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="participants")
    ms_course = models.CharField(_("MS course"), max_length=2, choices=Course.choices, blank=True)
    status = models.CharField(_("status"), max_length=40, choices=Status.choices, default=Status.SCREENING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, help_text="optimistic lock: each save increments it")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
