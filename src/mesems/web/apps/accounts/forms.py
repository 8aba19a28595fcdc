"""Forms that ask for a second factor: enrolment, and the code that unblinding and signing require."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from mesems.errors import AccessDenied
from mesems.web.apps.accounts.services import verify_second_factor

_CODE_WIDGET = forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"})


class SecondFactorForm(forms.Form):
    """Asks for a fresh code of the user's second factor; unblinding and e-signature forms subclass it
    (or call `verify_second_factor` from their own `clean`)."""

    second_factor = forms.CharField(label=_("Code from your authenticator app"), max_length=12, widget=_CODE_WIDGET)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_second_factor(self) -> str:
        code: str = self.cleaned_data["second_factor"]
        try:
            verify_second_factor(self.user, code)
        except AccessDenied as refusal:
            raise forms.ValidationError(refusal.message, code=refusal.code) from None
        return code


class EnrolmentForm(forms.Form):
    """Confirms a new authenticator: its first code proves the user holds the secret."""

    code = forms.CharField(label=_("Code shown by your authenticator app"), max_length=12, widget=_CODE_WIDGET)

    def __init__(self, *args: Any, device: TOTPDevice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        allowed, _reason = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(_("Too many wrong codes: wait a few seconds, then enter the code your app shows."), code="second_factor_throttled")
        if not self.device.verify_token(code):
            raise forms.ValidationError(_("That code is wrong or has expired; enter the code your app shows now."), code="second_factor_invalid")
        return code
