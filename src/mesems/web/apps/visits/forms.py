"""The form machinery: a case report form calls the clinical rules in `clean()` and shows each
problem at its field; the same form validates the API's input, so both refuse the same things."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mesems.clinical.problems import Problem
from mesems.protocol import Protocol
from mesems.schedule import Collection, collection_for
from mesems.web.apps.trials.models import Participant
from mesems.web.apps.visits.models import Visit


@dataclass(frozen=True)
class RecordContext:
    """What a form's rules need beyond its own fields."""

    participant: Participant
    protocol: Protocol
    today: dt.date
    visit: Visit | None
    randomisation_date: dt.date | None

    @property
    def collection(self) -> Collection:
        return collection_for(self.visit.assessments if self.visit else ())


class DateInput(forms.DateInput):
    input_type = "date"


class CrfForm(forms.ModelForm):
    """A case report form. `check` returns the clinical rules' problems; `derive` the fields the
    system works out (period, class, flags); `after_save` any knock-on change, audited."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        required=False,
        label=_("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for every change after the first save; kept in the audit trail."),
    )

    def __init__(
        self, *args: Any, context: RecordContext, reason_required: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.context = context
        self.reason_required = reason_required
        self.signature: Any = None
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DateInput(attrs={"max": context.today.isoformat()})
            if isinstance(field, forms.FloatField):
                field.widget.attrs.setdefault("step", "any")

    def check(self, values: dict[str, Any]) -> list[Problem]:
        return []

    def derive(self, values: dict[str, Any]) -> dict[str, Any]:
        return {}

    def after_save(self, instance: Any, actor: Any) -> None:
        """Knock-on changes of a save, inside its transaction."""

    def clean(self) -> dict[str, Any]:
        values = super().clean()
        for problem in self.check(values):
            self.add_problem(problem)
        if self.reason_required and not (values.get("reason") or "").strip():
            self.add_error(
                "reason", ValidationError(_("Give the reason for this change."), code="reason_required")
            )
        return values

    def add_problem(self, problem: Problem) -> None:
        field = problem.field if problem.field in self.fields else None
        if field is not None and field in self.errors:
            return
        self.add_error(field, ValidationError(problem.message, code=problem.code))


def problems_of(form: forms.BaseForm) -> list[Problem]:
    """A bound form's errors as problems, for the API's 422 answer."""
    problems = []
    for field, errors in form.errors.as_data().items():
        for error in errors:
            message = error.message % error.params if error.params else error.message
            problems.append(
                Problem(None if field == "__all__" else field, error.code or "invalid", str(message))
            )
    return problems
