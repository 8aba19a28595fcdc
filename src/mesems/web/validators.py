"""The one rule on text: tab and line breaks are text, the other C0 control characters are not.

PostgreSQL cannot store NUL, and XML (ODM, define.xml) cannot carry any C0 control, so such input is
refused where it enters: at the door for the API (`RefuseNulMiddleware`) and at the field for a page's
form, where the user sees which entry to fix.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
ESCAPED_CONTROL_CHARACTER = re.compile(rb"(?<!\\)\\u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F])")
"""The same characters written as JSON escapes (`\\u0015`), as an API client sends them."""


@deconstructible
class ProhibitControlCharactersValidator:
    """NUL is left to Django's own validator, which every form field already runs, so that a NUL is
    reported once and in Django's words."""

    message = _("Control characters (such as \\u0015) are not allowed; type plain text.")
    code = "control_characters_not_allowed"

    def __call__(self, value: object) -> None:
        if CONTROL_CHARACTER.search(str(value).replace("\x00", "")):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ProhibitControlCharactersValidator)


def refuse_control_characters_in_every_form() -> None:
    """Every text field of every form, hand-written or made from a model, gets the rule."""
    forms.CharField.default_validators = [ProhibitControlCharactersValidator()]
