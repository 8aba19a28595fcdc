"""What every case report form shares: its participant, its visit, its version and its verification."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CrfRecord(models.Model):
    """One saved form. `version` is the optimistic lock: every save adds one, and an edit made
    from an older version is refused instead of overwriting what someone else saved."""

    participant = models.ForeignKey(
        "trials.Participant", on_delete=models.PROTECT, related_name="+", verbose_name=_("participant")
    )
    visit = models.ForeignKey(
        "visits.Visit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("visit"),
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=150, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.CharField(max_length=150, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")
