"""The participant's product (harvest to release), its two blinded bags, and every event of the chain.

Which bag holds cells is in `Bag.content`, read by the lab only; nothing a blinded role sees
carries it, and the two bags are created in random order so their ids tell nothing either.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class QualifiedPerson(models.Model):
    """A lab user designated to e-sign product release."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qualified_person")
    designated_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"qualified person {self.user_id}"


class WeightMeasurement(models.Model):
    participant = models.ForeignKey("trials.Participant", on_delete=models.PROTECT, related_name="dosing_weights")
    measured_on = models.DateField(_("measured on"))
    kg = models.DecimalField(_("weight (kg)"), max_digits=5, decimal_places=1)
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-measured_on", "-id"]

    def __str__(self) -> str:
        return f"weight {self.pk}"


class Product(models.Model):
    participant = models.OneToOneField("trials.Participant", on_delete=models.PROTECT, related_name="cell_product")
    state = models.CharField(max_length=20)
    harvested_on = models.DateField()
    harvest_volume_ml = models.DecimalField(max_digits=6, decimal_places=1)
    batch_number = models.CharField(max_length=40, blank=True)
    passages = models.PositiveSmallIntegerField(null=True, blank=True)
    cells_in_dose = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["participant__code"]

    def __str__(self) -> str:
        return f"product of {self.participant_id}"


class Bag(models.Model):
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="bags")
    code = models.CharField(_("product code"), max_length=16, unique=True)
    content = models.CharField(max_length=40, help_text="intervention id (lab only)")
    period = models.PositiveSmallIntegerField(null=True, blank=True, help_text="set at randomisation")
    state = models.CharField(max_length=20)
    location = models.CharField(max_length=120, blank=True)
    thawed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["product", "content"], name="cellproduct_one_bag_per_content"),
            models.UniqueConstraint(fields=["product", "period"], name="cellproduct_one_bag_per_period"),
        ]

    def __str__(self) -> str:
        return self.code


class ReleaseTestResult(models.Model):
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="test_results")
    test_id = models.CharField(max_length=40)
    value = models.CharField(max_length=60)
    recorded_at = models.DateTimeField(auto_now=True)
    recorded_by = models.CharField(max_length=150)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "test_id"], name="cellproduct_one_result_per_test")]

    def __str__(self) -> str:
        return f"{self.test_id} result {self.pk}"


class ReleaseSignature(models.Model):
    """The qualified person's e-signature: who, when, what it means, and a digest of what was signed."""

    product = models.OneToOneField(Product, on_delete=models.PROTECT, related_name="signature")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="release_signatures")
    signed_at = models.DateTimeField()
    meaning = models.CharField(max_length=200)
    content_digest = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"release signature {self.pk}"


class CustodyEvent(models.Model):
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="events", null=True, blank=True)
    participant = models.ForeignKey("trials.Participant", on_delete=models.PROTECT, related_name="custody_events")
    bag = models.ForeignKey(Bag, on_delete=models.PROTECT, related_name="events", null=True, blank=True)
    step = models.CharField(max_length=30)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    role = models.CharField(max_length=40, blank=True)
    location = models.CharField(max_length=120, blank=True)
    details = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"custody event {self.pk}"


class Infusion(models.Model):
    participant = models.ForeignKey("trials.Participant", on_delete=models.PROTECT, related_name="infusions")
    bag = models.OneToOneField(Bag, on_delete=models.PROTECT, related_name="infusion")
    period = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    by = models.CharField(max_length=150)

    class Meta:
        ordering = ["period"]
        constraints = [models.UniqueConstraint(fields=["participant", "period"], name="cellproduct_one_infusion_per_period")]

    def __str__(self) -> str:
        return f"infusion {self.pk}"


class BedsideIncident(models.Model):
    participant = models.ForeignKey("trials.Participant", on_delete=models.PROTECT, related_name="bedside_incidents")
    scanned_code = models.CharField(max_length=40)
    period = models.PositiveSmallIntegerField(null=True, blank=True)
    mismatch = models.CharField(max_length=40)
    message = models.TextField()
    at = models.DateTimeField()
    by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"bedside incident {self.pk}"
