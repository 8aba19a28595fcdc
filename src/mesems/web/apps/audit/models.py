"""The audit trail: append-only, chained by digest (see mesems.audit.chain)."""

from __future__ import annotations

from typing import Any

from django.db import models

from mesems.errors import AccessDenied


class AuditEvent(models.Model):
    at = models.DateTimeField(db_index=True)
    actor = models.CharField(max_length=150, help_text="username, or 'system'")
    role = models.CharField(max_length=40, blank=True)
    site_code = models.CharField(max_length=32, blank=True, db_index=True)
    action = models.CharField(max_length=40)
    entity = models.CharField(max_length=100, db_index=True, help_text="app_label.model")
    entity_id = models.CharField(max_length=64, db_index=True)
    changes = models.JSONField(default=dict, help_text="{field: [old, new]}")
    reason = models.TextField(blank=True)
    prev_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["entity", "entity_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.entity}:{self.entity_id} by {self.actor}"

    def chained_content(self) -> dict[str, Any]:
        """The fields the digest covers, as plain values."""
        return {
            "seq": self.pk,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "role": self.role,
            "site_code": self.site_code,
            "action": self.action,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "changes": self.changes,
            "reason": self.reason,
        }

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and kwargs.get("force_insert") is not True and AuditEvent.objects.filter(pk=self.pk).exists():
            raise AccessDenied("audit records cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AccessDenied("audit records cannot be deleted")


class AuditHead(models.Model):
    """One row holding the chain's last digest; locking it serialises writers of the chain."""

    last_seq = models.BigIntegerField(default=0)
    last_digest = models.CharField(max_length=64)
