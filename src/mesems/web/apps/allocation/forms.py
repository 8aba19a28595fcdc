from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _


class RandomiseForm(forms.Form):
    """The request id is drawn when the page is shown, so pressing the button twice randomises once."""

    request_id = forms.CharField(widget=forms.HiddenInput, max_length=100)

    @classmethod
    def fresh(cls) -> RandomiseForm:
        return cls(initial={"request_id": f"web-{uuid.uuid4()}"})


class UnblindForm(forms.Form):
    reason = forms.CharField(label=_("Clinical reason for unblinding"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    otp_token = forms.CharField(label=_("Code from your authenticator app"), max_length=12, widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class SecondFactorForm(forms.Form):
    otp_token = forms.CharField(label=_("Code from your authenticator app"), max_length=12, widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
