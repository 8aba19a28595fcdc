"""What a person asks for on the reports page; the same choices as the API's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mesems.web.apps.datasets.models import ExportRecord, ReportRecord

VARIANTS = [("blinded", _("Blinded")), ("unblinded", _("Unblinded"))]


class ReportForm(forms.Form):
    variant = forms.ChoiceField(label=_("Report"), choices=VARIANTS)
    format = forms.ChoiceField(label=_("Format"), choices=ReportRecord.Format.choices)


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Export"), choices=ExportRecord.Kind.choices)
    variant = forms.ChoiceField(label=_("Variant"), choices=VARIANTS)
