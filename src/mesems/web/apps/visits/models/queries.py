"""Data queries on a field of a form, and their threads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mesems.access.crf import QueryAction, QueryStatus


class Query(models.Model):
    participant = models.ForeignKey("trials.Participant", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=40, help_text="form kind slug")
    record_id = models.BigIntegerField()
    field = models.CharField(_("field"), max_length=60)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=[(s.value, s.value) for s in QueryStatus],
        default=QueryStatus.OPEN.value,
    )
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["kind", "record_id"]), models.Index(fields=["participant", "status"])]

    def __str__(self) -> str:
        return f"query #{self.pk} on {self.kind}/{self.record_id}.{self.field}"


class QueryMessage(models.Model):
    query = models.ForeignKey(Query, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=[(a.value, a.value) for a in QueryAction])
    text = models.TextField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
