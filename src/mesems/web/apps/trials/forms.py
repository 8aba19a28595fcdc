"""The participant correction form: the same rule as the API (`correct_participant`), shown at the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mesems.web.apps.trials.models import Participant


class ParticipantCorrectionForm(forms.Form):
    ms_course = forms.ChoiceField(label=_("MS course"), choices=Participant.Course.choices)
    reason = forms.CharField(label=_("Reason for the correction"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2_147_483_647)
