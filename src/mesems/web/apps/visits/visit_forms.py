"""Forms of the visit itself: its report, the investigator's signature, and data queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mesems.schedule.report import check_visit_report
from mesems.web.apps.visits.forms import DateInput
from mesems.web.apps.visits.models import ParticipantSchedule, Visit


class VisitReportForm(forms.ModelForm):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        required=False, label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = Visit
        fields = ["visit_date", "missed", "missed_reason", "ae_review", "conmed_review", "relapse_review"]
        widgets = {"missed_reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, today: dt.date, reason_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.reason_required = reason_required
        self.fields["visit_date"].widget = DateInput(attrs={"max": today.isoformat()})

    def clean(self) -> dict[str, Any]:
        values = super().clean()
        start = ParticipantSchedule.objects.get(
            participant_id=self.instance.participant_id
        ).randomisation_date
        for problem in check_visit_report(values, self.today, start):
            if problem.field not in self.errors:
                self.add_error(problem.field, ValidationError(problem.message, code=problem.code))
        if self.reason_required and not (values.get("reason") or "").strip():
            self.add_error(
                "reason", ValidationError(_("Give the reason for this change."), code="reason_required")
            )
        return values


SIGNATURE_MEANING = _(
    "By signing I confirm, as the investigator responsible for this participant, that I have reviewed the data of this "
    "visit and that they are accurate and complete. This electronic signature is the legally binding equivalent of my "
    "handwritten signature."
)


class SignatureForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class QueryForm(forms.Form):
    field = forms.CharField(label=_("Field"), widget=forms.HiddenInput)
    text = forms.CharField(label=_("Query"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class QueryReplyForm(forms.Form):
    text = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
