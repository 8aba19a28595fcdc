from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mesems.protocol.model import ReleaseTest


class WeightForm(forms.Form):
    kg = forms.DecimalField(label=_("Weight (kg)"), max_digits=5, decimal_places=1)
    measured_on = forms.DateField(label=_("Measured on"), widget=forms.DateInput(attrs={"type": "date"}))


class HarvestForm(forms.Form):
    harvested_on = forms.DateField(label=_("Harvested on"), widget=forms.DateInput(attrs={"type": "date"}))
    volume_ml = forms.FloatField(label=_("Volume (mL)"))
    location = forms.CharField(label=_("Where"), max_length=120)


class ExpansionForm(forms.Form):
    batch_number = forms.CharField(label=_("Batch number"), max_length=40)
    passages = forms.IntegerField(label=_("Passages"), min_value=1, max_value=20)
    location = forms.CharField(label=_("Where"), max_length=120)


class BagsForm(forms.Form):
    cells_in_dose = forms.FloatField(label=_("Cells in the dose bag"))
    location = forms.CharField(label=_("Where"), max_length=120)


class ReleaseTestsForm(forms.Form):
    """One field per release test of the protocol, with its specification as help text."""

    def __init__(self, specs: list[ReleaseTest], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for spec in specs:
            limits = spec.expected or " ".join(p for p in (f">= {spec.min:g}" if spec.min is not None else "", f"<= {spec.max:g}" if spec.max is not None else "", spec.unit or "") if p)
            self.fields[spec.id] = forms.CharField(label=spec.name, required=False, max_length=60, help_text=limits)


class ReleaseForm(forms.Form):
    password = forms.CharField(label=_("Your password (signature)"), widget=forms.PasswordInput)
    otp_token = forms.CharField(label=_("Code from your authenticator app"), max_length=12, widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class StoreForm(forms.Form):
    code = forms.CharField(label=_("Product code"), max_length=16)
    location = forms.CharField(label=_("Cryostorage location"), max_length=120)


class ThawForm(forms.Form):
    code = forms.CharField(label=_("Product code"), max_length=16)
    location = forms.CharField(label=_("Where"), max_length=120)


class BedsideForm(forms.Form):
    identity_confirmed = forms.BooleanField(label=_("I have confirmed the participant's identity (wristband and record)"), required=False)
    product_code = forms.CharField(label=_("Product code (scan or type)"), max_length=16, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}))
