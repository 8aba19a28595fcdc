"""The stored allocation list, one counter row per stratum, the allocations and emergency unblindings.

An allocation is written once and never changed or deleted: the model refuses (and the refusal
is recorded in the audit trail), and on PostgreSQL a trigger refuses raw UPDATE and DELETE too.
`__str__` never shows a sequence.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mesems.errors import RandomisationError


class AllocationList(models.Model):
    method = models.CharField(max_length=32)
    arms = models.JSONField()
    factors = models.JSONField()
    block_sizes = models.JSONField(default=list)
    minimisation_probability = models.FloatField(null=True, blank=True)
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the canonical list, recorded at generation")
    entry_count = models.PositiveIntegerField()
    next_number = models.PositiveIntegerField(default=1, help_text="the next randomisation number (R-0001 ...)")
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-loaded_at", "-id"]

    def __str__(self) -> str:
        return f"allocation list {self.digest[:12]}"


class ListEntry(models.Model):
    alist = models.ForeignKey(AllocationList, on_delete=models.PROTECT, related_name="entries")
    stratum = models.CharField(max_length=120)
    position = models.PositiveIntegerField()
    sequence = models.CharField(max_length=64)
    block = models.PositiveIntegerField(null=True, blank=True)
    block_size = models.PositiveIntegerField(null=True, blank=True)
    follow = models.BooleanField(null=True, blank=True, help_text="minimisation: follow the minimising arm")

    class Meta:
        ordering = ["stratum", "position"]
        constraints = [models.UniqueConstraint(fields=["alist", "stratum", "position"], name="allocation_entry_unique_position")]

    def __str__(self) -> str:
        return f"list entry {self.pk}"


class StratumCounter(models.Model):
    """The row an allocation locks: the next unused position of one stratum."""

    alist = models.ForeignKey(AllocationList, on_delete=models.PROTECT, related_name="counters")
    stratum = models.CharField(max_length=120)
    next_position = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alist", "stratum"], name="allocation_counter_unique_stratum")]

    def __str__(self) -> str:
        return f"counter {self.stratum}"


class AllocationQuerySet(models.QuerySet["Allocation"]):
    def update(self, **kwargs: Any) -> int:
        raise RandomisationError("allocations cannot be changed", code="allocation_immutable", http_status=409)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RandomisationError("allocations cannot be deleted", code="allocation_immutable", http_status=409)


class Allocation(models.Model):
    participant = models.OneToOneField("trials.Participant", on_delete=models.PROTECT, related_name="allocation")
    alist = models.ForeignKey(AllocationList, on_delete=models.PROTECT, related_name="allocations")
    stratum = models.CharField(max_length=120)
    position = models.PositiveIntegerField()
    sequence = models.CharField(max_length=64)
    levels = models.JSONField(help_text="the stratification factor values at allocation")
    randomisation_number = models.CharField(_("randomisation number"), max_length=16, unique=True)
    product_code = models.CharField(_("product code"), max_length=16, unique=True)
    request_id = models.CharField(max_length=100, unique=True)
    allocated_at = models.DateTimeField()
    allocated_by = models.CharField(max_length=150)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        ordering = ["randomisation_number"]
        constraints = [models.UniqueConstraint(fields=["alist", "stratum", "position"], name="allocation_unique_position")]

    def __str__(self) -> str:
        return self.randomisation_number

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            from mesems.web.apps.allocation.services import refuse_change

            refuse_change(None, self, "update")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        from mesems.web.apps.allocation.services import refuse_change

        refuse_change(None, self, "delete")
        raise AssertionError("unreachable")


class EmergencyUnblinding(models.Model):
    """One investigator shown one participant's sequence, with the reason they gave."""

    participant = models.ForeignKey("trials.Participant", on_delete=models.PROTECT, related_name="emergency_unblindings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_unblindings")
    at = models.DateTimeField()
    reason = models.TextField()
    notified = models.JSONField(default=list, help_text="addresses the sponsor notice went to")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"emergency unblinding {self.pk}"
