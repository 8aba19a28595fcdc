"""The MESEMS case report forms held by this app (adverse events live in the safety app).

Data fields accept empty values in the database: which are required, and every range, is decided
by the clinical rules in `mesems.clinical`, called by the forms, so a page and the API refuse the
same things with the same words.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mesems.web.apps.trials.models import Participant
from mesems.web.apps.visits.models.base import CrfRecord, YesNoUnknown


def per_visit(name: str) -> list[models.UniqueConstraint]:
    return [
        models.UniqueConstraint(
            fields=["visit"], condition=models.Q(visit__isnull=False), name=f"visits_{name}_one_per_visit"
        )
    ]


def once(name: str) -> list[models.UniqueConstraint]:
    return [models.UniqueConstraint(fields=["participant"], name=f"visits_{name}_once")]


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class Demographics(CrfRecord):
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    height_cm = models.FloatField(_("height (cm)"), null=True, blank=True)
    ethnicity = models.CharField(_("ethnicity (as reported)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("demographics")
        constraints = once("demographics")


class MSHistory(CrfRecord):
    onset_date = models.DateField(_("date of first symptoms"), null=True, blank=True)
    diagnosis_date = models.DateField(_("date of diagnosis"), null=True, blank=True)
    ms_course = models.CharField(
        _("disease course"), max_length=2, choices=Participant.Course.choices, blank=True
    )
    relapses_prior_12m = models.IntegerField(
        _("relapses in the 12 months before randomisation"), null=True, blank=True
    )
    csf_oligoclonal_bands = models.CharField(
        _("oligoclonal bands in CSF"), max_length=8, choices=YesNoUnknown.choices, blank=True
    )
    prior_therapies = models.TextField(_("disease-modifying therapies before the trial"), blank=True)

    class Meta:
        verbose_name = _("MS history")
        constraints = once("ms_history")


class ConsentFormVersion(models.Model):
    """A version of the participant information and consent form; a new one may require re-consent."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    effective_from = models.DateField(_("in force from"))
    requires_reconsent = models.BooleanField(_("participants must consent again"), default=False)
    description = models.TextField(_("what changed"), blank=True)

    class Meta:
        ordering = ["effective_from"]

    def __str__(self) -> str:
        return self.version


class Consent(CrfRecord):
    form_version = models.CharField(_("consent form version"), max_length=40, blank=True)
    consented_on = models.DateField(_("date signed"), null=True, blank=True)
    reconsent = models.BooleanField(_("re-consent"), default=False, editable=False)
    withdrawn_on = models.DateField(_("consent withdrawn on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("informed consent")


class VitalSigns(CrfRecord):
    measured_on = models.DateField(_("date measured"), null=True, blank=True)
    systolic_bp = models.IntegerField(_("systolic blood pressure (mmHg)"), null=True, blank=True)
    diastolic_bp = models.IntegerField(_("diastolic blood pressure (mmHg)"), null=True, blank=True)
    heart_rate = models.IntegerField(_("heart rate (/min)"), null=True, blank=True)
    temperature_c = models.FloatField(_("temperature (°C)"), null=True, blank=True)
    respiratory_rate = models.IntegerField(_("respiratory rate (/min)"), null=True, blank=True)

    class Meta:
        verbose_name = _("vital signs")
        constraints = per_visit("vitals")


class Weight(CrfRecord):
    measured_on = models.DateField(_("date weighed"), null=True, blank=True)
    weight_kg = models.FloatField(_("weight (kg)"), null=True, blank=True)

    class Meta:
        verbose_name = _("weight")
        constraints = per_visit("weight")


class Labs(CrfRecord):
    sampled_on = models.DateField(_("date sampled"), null=True, blank=True)
    wbc = models.FloatField(_("white-cell count (x10^9/L)"), null=True, blank=True)
    egfr = models.FloatField(_("eGFR (mL/min/1.73 m²)"), null=True, blank=True)
    flags = models.TextField(_("flags"), blank=True, editable=False)

    class Meta:
        verbose_name = _("laboratory values")
        constraints = per_visit("labs")


class EdssAssessment(CrfRecord):
    assessed_on = models.DateField(_("date assessed"), null=True, blank=True)
    edss = models.FloatField(_("EDSS"), null=True, blank=True)
    fs_pyramidal = models.IntegerField(_("pyramidal (0-6)"), null=True, blank=True)
    fs_cerebellar = models.IntegerField(_("cerebellar (0-5)"), null=True, blank=True)
    fs_brainstem = models.IntegerField(_("brainstem (0-5)"), null=True, blank=True)
    fs_sensory = models.IntegerField(_("sensory (0-6)"), null=True, blank=True)
    fs_bowel_bladder = models.IntegerField(_("bowel and bladder (0-6)"), null=True, blank=True)
    fs_visual = models.IntegerField(_("visual (0-6)"), null=True, blank=True)
    fs_cerebral = models.IntegerField(_("cerebral (0-5)"), null=True, blank=True)

    class Meta:
        verbose_name = _("EDSS and functional systems")
        constraints = per_visit("edss")


class MriRead(CrfRecord):
    class Strength(models.TextChoices):
        T15 = "1.5", "1.5 T"
        T30 = "3.0", "3.0 T"

    scan_date = models.DateField(_("date of scan"), null=True, blank=True)
    field_strength = models.CharField(
        _("field strength"), max_length=4, choices=Strength.choices, default=Strength.T15
    )
    gel = models.IntegerField(_("gadolinium-enhancing lesions (GEL)"), null=True, blank=True)
    new_t2 = models.IntegerField(_("new or enlarging T2 lesions"), null=True, blank=True)
    t2_volume_ml = models.FloatField(_("T2 lesion volume (mL)"), null=True, blank=True)
    black_holes = models.IntegerField(_("T1 black holes"), null=True, blank=True)
    reader_blinded = models.BooleanField(_("read by a reader blinded to treatment"), default=True)

    class Meta:
        verbose_name = _("MRI read")
        constraints = per_visit("mri")


class Infusion(CrfRecord):
    infused_on = models.DateField(_("date of infusion"), null=True, blank=True)
    product_code = models.CharField(_("product code (on the bag)"), max_length=40, blank=True)
    dose_per_kg = models.FloatField(_("prescribed dose (cells/kg)"), null=True, blank=True)
    weight_kg = models.FloatField(_("weight used for dosing (kg)"), null=True, blank=True, editable=False)
    total_cells = models.FloatField(_("prescribed total (cells)"), null=True, blank=True, editable=False)
    volume_ml = models.FloatField(_("volume infused (mL)"), null=True, blank=True)
    completed = models.BooleanField(_("infusion completed"), default=True)
    reaction = models.BooleanField(_("infusion reaction"), default=False)
    reaction_description = models.TextField(_("reaction"), blank=True)

    class Meta:
        verbose_name = _("infusion record")
        constraints = per_visit("infusion")


class Relapse(CrfRecord):
    onset_date = models.DateField(_("onset"), null=True, blank=True)
    symptoms = models.TextField(_("symptoms"), blank=True)
    duration_hours = models.FloatField(_("duration (hours)"), null=True, blank=True)
    fever_or_infection = models.BooleanField(_("fever or infection at the time"), default=False)
    steroid_treated = models.BooleanField(_("treated with corticosteroids"), default=False)
    period = models.PositiveSmallIntegerField(_("period"), null=True, blank=True, editable=False)
    confirmed = models.BooleanField(_("confirmed by an EDSS change"), default=False, editable=False)

    class Meta:
        verbose_name = _("relapse")


class ConMed(CrfRecord):
    drug = models.CharField(_("drug (as written)"), max_length=200, blank=True)
    drug_class = models.CharField(_("class"), max_length=40, blank=True, editable=False)
    flag = models.CharField(_("flag"), max_length=200, blank=True, editable=False)
    indication = models.CharField(_("indication"), max_length=200, blank=True)
    dose = models.CharField(_("dose, route and frequency"), max_length=200, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    stop_date = models.DateField(_("stop"), null=True, blank=True)
    ongoing = models.BooleanField(_("ongoing"), default=False)

    class Meta:
        verbose_name = _("concomitant medication")


class ProtocolDeviation(CrfRecord):
    class Category(models.TextChoices):
        VISIT_WINDOW = "visit_window", _("Visit outside its window")
        ELIGIBILITY = "eligibility", _("Eligibility")
        DOSING = "dosing", _("Dosing")
        PROCEDURE = "procedure", _("Procedure")
        CONSENT = "consent", _("Consent")
        OTHER = "other", _("Other")

    class FoundHow(models.TextChoices):
        MONITORING = "monitoring_visit", _("Monitoring visit")
        DATA_REVIEW = "data_review", _("Data review")
        SITE = "site_report", _("Reported by the site")
        SYSTEM = "system_check", _("Found by the system")

    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    description = models.TextField(_("what happened"), blank=True)
    found_how = models.CharField(_("found how"), max_length=20, choices=FoundHow.choices, blank=True)
    found_on = models.DateField(_("found on"), null=True, blank=True)

    class Meta:
        verbose_name = _("protocol deviation")


class EndOfStudy(CrfRecord):
    class Status(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        LOST = "lost_to_follow_up", _("Lost to follow-up")

    status = models.CharField(_("how participation ended"), max_length=20, choices=Status.choices, blank=True)
    end_date = models.DateField(_("date"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    last_visit_week = models.PositiveSmallIntegerField(
        _("last visit done (week)"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("end of study")
        constraints = once("end_of_study")
