"""One Django form per case report form of this app; each calls its rule in `mesems.clinical`."""

from __future__ import annotations

from typing import Any

from mesems.clinical import disposition, measurements, medication
from mesems.clinical.consent import check_consent
from mesems.clinical.functional_systems import check_edss_assessment
from mesems.clinical.infusion import check_bedside_code, check_infusion, total_dose
from mesems.clinical.mri import check_mri_read
from mesems.clinical.problems import Problem
from mesems.clinical.relapse import check_relapse, relapse_confirmed
from mesems.schedule import dosing_period, period_of_date
from mesems.web.apps.cellproduct.bedside import checked_bag_code
from mesems.web.apps.visits.forms import CrfForm
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
    Visit,
    VitalSigns,
    Weight,
)
from mesems.web.apps.visits.services.dosing import given_dosing_dates


class DemographicsForm(CrfForm):
    class Meta:
        model = Demographics
        fields = ["birth_date", "sex", "height_cm", "ethnicity"]

    def check(self, values: dict[str, Any]) -> list[Problem]:
        return disposition.check_demographics(values, self.context.today)


class MSHistoryForm(CrfForm):
    class Meta:
        model = MSHistory
        fields = [
            "onset_date",
            "diagnosis_date",
            "ms_course",
            "relapses_prior_12m",
            "csf_oligoclonal_bands",
            "prior_therapies",
        ]

    def check(self, values: dict[str, Any]) -> list[Problem]:
        return disposition.check_ms_history(values, self.context.today)


class ConsentForm(CrfForm):
    class Meta:
        model = Consent
        fields = ["form_version", "consented_on", "withdrawn_on", "notes"]

    def check(self, values: dict[str, Any]) -> list[Problem]:
        from mesems.web.apps.visits.services.consent import consent_versions

        return check_consent(values, self.context.today, consent_versions())

    def derive(self, values: dict[str, Any]) -> dict[str, Any]:
        earlier = Consent.objects.filter(participant=self.context.participant).exclude(pk=self.instance.pk)
        return {"reconsent": earlier.exists()}


class VitalSignsForm(CrfForm):
    class Meta:
        model = VitalSigns
        fields = [
            "measured_on",
            "systolic_bp",
            "diastolic_bp",
            "heart_rate",
            "temperature_c",
            "respiratory_rate",
        ]

    def check(self, values: dict[str, Any]) -> list[Problem]:
        return measurements.check_vital_signs(values, self.context.today)


class WeightForm(CrfForm):
    class Meta:
        model = Weight
        fields = ["measured_on", "weight_kg"]

    def check(self, values: dict[str, Any]) -> list[Problem]:
        return measurements.check_weight(values, self.context.today)


class LabsForm(CrfForm):
    class Meta:
        model = Labs
        fields = ["sampled_on", "wbc", "egfr"]

    def check(self, values: dict[str, Any]) -> list[Problem]:
        return measurements.check_labs(values, self.context.today)

    def derive(self, values: dict[str, Any]) -> dict[str, Any]:
        return {"flags": "; ".join(measurements.lab_flags(values.get("wbc"), values.get("egfr")))}


class EdssForm(CrfForm):
    class Meta:
        model = EdssAssessment
        fields = [
            "assessed_on",
            "edss",
            "fs_pyramidal",
            "fs_cerebellar",
            "fs_brainstem",
            "fs_sensory",
            "fs_bowel_bladder",
            "fs_visual",
            "fs_cerebral",
        ]

    def check(self, values: dict[str, Any]) -> list[Problem]:
        return check_edss_assessment(values, self.context.today)

    def after_save(self, instance: Any, actor: Any) -> None:
        from mesems.web.apps.visits.services.records import refresh_relapse_confirmation

        refresh_relapse_confirmation(instance.participant, actor)


class MriReadForm(CrfForm):
    class Meta:
        model = MriRead
        fields = [
            "scan_date",
            "field_strength",
            "gel",
            "new_t2",
            "t2_volume_ml",
            "black_holes",
            "reader_blinded",
        ]

    def check(self, values: dict[str, Any]) -> list[Problem]:
        strength = values.get("field_strength")
        return check_mri_read(
            {**values, "field_strength_t": float(strength) if strength else None},
            self.context.today,
            self.context.collection.t2_required,
        )


class InfusionForm(CrfForm):
    class Meta:
        model = Infusion
        fields = [
            "infused_on",
            "product_code",
            "dose_per_kg",
            "volume_ml",
            "completed",
            "reaction",
            "reaction_description",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.gated and not self.is_bound and self.instance.pk is None:
            checked = self.checked_code()
            if checked is not None:
                self.initial.setdefault("product_code", checked)

    @property
    def gated(self) -> bool:
        """With a cell product the record takes only the bag that passed the bedside check; without
        one the code on the product is free text."""
        return self.context.protocol.cell_product is not None

    def dosing_period(self) -> int | None:
        visit = self.context.visit
        return dosing_period(self.context.protocol.periods, visit.week) if visit is not None else None

    def checked_code(self) -> str | None:
        period = self.dosing_period()
        return checked_bag_code(self.context.participant, period) if period is not None else None

    def latest_weight(self, values: dict[str, Any]) -> Weight | None:
        weights = Weight.objects.filter(
            participant=self.context.participant, measured_on__isnull=False, weight_kg__isnull=False
        )
        if values.get("infused_on"):
            weights = weights.filter(measured_on__lte=values["infused_on"])
        return weights.order_by("-measured_on", "-id").first()

    def check(self, values: dict[str, Any]) -> list[Problem]:
        dose = next((i.dose for i in self.context.protocol.interventions if i.dose is not None), None)
        if dose is None:
            return [Problem(None, "no_dose_rule", "the protocol gives no dose rule for an infusion")]
        weight = self.latest_weight(values)
        problems = check_infusion(
            values,
            self.context.today,
            dose,
            weight.weight_kg if weight else None,
            weight.measured_on if weight else None,
        )
        if self.gated:
            problems += check_bedside_code(
                values.get("product_code"), self.checked_code(), self.dosing_period()
            )
        return problems

    def derive(self, values: dict[str, Any]) -> dict[str, Any]:
        weight = self.latest_weight(values)
        kg = weight.weight_kg if weight else None
        return {"weight_kg": kg, "total_cells": total_dose(values.get("dose_per_kg"), kg)}


class RelapseForm(CrfForm):
    class Meta:
        model = Relapse
        fields = ["onset_date", "symptoms", "duration_hours", "fever_or_infection", "steroid_treated"]

    def check(self, values: dict[str, Any]) -> list[Problem]:
        others = Relapse.objects.filter(
            participant=self.context.participant, onset_date__isnull=False
        ).exclude(pk=self.instance.pk)
        return check_relapse(
            values, self.context.today, self.context.randomisation_date, [r.onset_date for r in others]
        )

    def derive(self, values: dict[str, Any]) -> dict[str, Any]:
        onset, start = values.get("onset_date"), self.context.randomisation_date
        period = (
            period_of_date(
                self.context.protocol.periods, start, onset, given_dosing_dates(self.context.participant)
            )
            if onset and start
            else None
        )
        return {
            "period": period,
            "confirmed": confirmation(self.context.participant, onset, self.context.visit),
        }


def confirmation(participant: Any, onset: Any, visit: Visit | None) -> bool:
    """The relapse rule's EDSS comparison: the last EDSS before onset against the EDSS at the
    relapse's (unscheduled) visit."""
    if onset is None or visit is None:
        return False
    at_relapse = EdssAssessment.objects.filter(visit=visit, edss__isnull=False).first()
    before = (
        EdssAssessment.objects.filter(participant=participant, assessed_on__lt=onset, edss__isnull=False)
        .order_by("-assessed_on")
        .first()
    )
    if at_relapse is None or before is None:
        return False
    fs = [f for f in EdssForm.Meta.fields if f.startswith("fs_")]
    return relapse_confirmed(
        before.edss,
        at_relapse.edss,
        {f: getattr(before, f) for f in fs},
        {f: getattr(at_relapse, f) for f in fs},
    )


class ConMedForm(CrfForm):
    class Meta:
        model = ConMed
        fields = ["drug", "indication", "dose", "start_date", "stop_date", "ongoing"]

    def check(self, values: dict[str, Any]) -> list[Problem]:
        return medication.check_conmed(values, self.context.today)

    def derive(self, values: dict[str, Any]) -> dict[str, Any]:
        drug_class = medication.drug_class_of(values.get("drug"))
        return {"drug_class": drug_class, "flag": medication.medication_flag(drug_class)}


class DeviationForm(CrfForm):
    class Meta:
        model = ProtocolDeviation
        fields = ["category", "description", "found_how", "found_on"]

    def check(self, values: dict[str, Any]) -> list[Problem]:
        return disposition.check_deviation(values, self.context.today)


class EndOfStudyForm(CrfForm):
    class Meta:
        model = EndOfStudy
        fields = ["status", "end_date", "reason"]

    def last_week(self) -> int | None:
        done = (
            Visit.objects.filter(
                participant=self.context.participant, visit_date__isnull=False, week__isnull=False
            )
            .order_by("-week")
            .first()
        )
        return done.week if done else None

    def check(self, values: dict[str, Any]) -> list[Problem]:
        final = self.context.protocol.schedule.visits[-1].week
        return disposition.check_end_of_study(
            values, self.context.today, self.context.randomisation_date, self.last_week(), final
        )

    def derive(self, values: dict[str, Any]) -> dict[str, Any]:
        return {"last_visit_week": self.last_week()}

    def after_save(self, instance: Any, actor: Any) -> None:
        from mesems.web.apps.visits.services.records import set_participant_status

        set_participant_status(
            instance.participant, instance.status, actor, f"end of study: {instance.status}"
        )
