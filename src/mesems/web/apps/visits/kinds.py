"""The case report forms of this app, registered by kind (adverse events: see the safety app)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mesems.web.apps.visits import record_forms as f
from mesems.web.apps.visits.models import (
    ConMed,
    Consent,
    Demographics,
    EdssAssessment,
    EndOfStudy,
    Infusion,
    Labs,
    MriRead,
    MSHistory,
    ProtocolDeviation,
    Relapse,
    VitalSigns,
    Weight,
)
from mesems.web.apps.visits.registry import FormKind, register

for kind in (
    FormKind(
        "demographics",
        "demographics",
        _("Demographics"),
        Demographics,
        f.DemographicsForm,
        "once",
        ("birth_date", "sex"),
    ),
    FormKind(
        "ms_history",
        "ms-history",
        _("MS history"),
        MSHistory,
        f.MSHistoryForm,
        "once",
        ("ms_course", "onset_date"),
    ),
    FormKind(
        "consent",
        "consent",
        _("Informed consent"),
        Consent,
        f.ConsentForm,
        "log",
        ("form_version", "consented_on"),
    ),
    FormKind(
        "vital_signs",
        "vital-signs",
        _("Vital signs"),
        VitalSigns,
        f.VitalSignsForm,
        "visit",
        ("systolic_bp", "diastolic_bp", "heart_rate"),
    ),
    FormKind("weight", "weight", _("Weight"), Weight, f.WeightForm, "visit", ("weight_kg",)),
    FormKind("labs", "labs", _("Laboratory values"), Labs, f.LabsForm, "visit", ("wbc", "egfr")),
    FormKind(
        "edss", "edss", _("EDSS and functional systems"), EdssAssessment, f.EdssForm, "visit", ("edss",)
    ),
    FormKind("mri", "mri", _("MRI read"), MriRead, f.MriReadForm, "visit", ("gel", "new_t2")),
    FormKind(
        "infusion",
        "infusion",
        _("Infusion record"),
        Infusion,
        f.InfusionForm,
        "visit",
        ("product_code", "infused_on"),
    ),
    FormKind("relapse", "relapse", _("Relapse"), Relapse, f.RelapseForm, "log", ("onset_date", "confirmed")),
    FormKind(
        "conmed", "conmed", _("Concomitant medication"), ConMed, f.ConMedForm, "log", ("drug", "drug_class")
    ),
    FormKind(
        "deviation",
        "deviation",
        _("Protocol deviation"),
        ProtocolDeviation,
        f.DeviationForm,
        "log",
        ("category", "found_on"),
    ),
    FormKind(
        "end_of_study",
        "end-of-study",
        _("End of study"),
        EndOfStudy,
        f.EndOfStudyForm,
        "once",
        ("status", "end_date"),
    ),
):
    register(kind)
