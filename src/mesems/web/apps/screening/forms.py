"""The screening form: a candidate record entered by a site nurse, field by field.

Every item may be left unknown. Histories are typed one entry a line; "none" says there were
none (an empty box means unknown). The form only turns text into the candidate record of
DESIGN.md; the core checks it, and its refusals come back to the field they name.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mesems.clinical.edss import EDSS_STEPS
from mesems.eligibility import FieldProblem
from mesems.eligibility.record import FLAG_LABELS, MALIGNANCY_KINDS

UNKNOWN_CHOICE = ("", _("Unknown"))
TRI_STATE = [UNKNOWN_CHOICE, ("yes", _("Yes")), ("no", _("No"))]
NONE_WORD = "none"
LIST_HELP = _("One a line. Write “none” if there were none; leave empty if unknown.")


class TriStateField(forms.ChoiceField):
    """Yes, no or unknown: cleans to True, False or None."""

    def __init__(self, label: Any) -> None:
        super().__init__(label=label, choices=TRI_STATE, required=False)

    def clean(self, value: Any) -> bool | None:
        return {"yes": True, "no": False}.get(super().clean(value))


def _tri_state(label: Any) -> TriStateField:
    return TriStateField(label)


def _date(label: str) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _lines(label: str, example: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=f"{LIST_HELP} {example}",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CandidateForm(forms.Form):
    id = forms.CharField(label=_("Candidate reference"), required=False, max_length=40)
    birth_date = _date(_("Date of birth"))
    sex = forms.ChoiceField(
        label=_("Sex"), choices=[UNKNOWN_CHOICE, ("F", _("Female")), ("M", _("Male"))], required=False
    )
    ms_course = forms.ChoiceField(
        label=_("MS course"),
        choices=[UNKNOWN_CHOICE, ("RR", "RRMS"), ("SP", "SPMS"), ("PP", "PPMS")],
        required=False,
    )
    ms_onset_date = _date(_("MS onset"))
    planned_randomisation_date = _date(_("Planned randomisation date"))
    edss = forms.ChoiceField(
        label=_("EDSS at screening"),
        choices=[UNKNOWN_CHOICE, *((f"{s:.1f}", f"{s:.1f}") for s in EDSS_STEPS)],
        required=False,
    )
    edss_history = _lines(_("Earlier EDSS"), _("Date and value, e.g. 2025-02-10 3.0"))
    relapses = _lines(_("Relapses"), _("Onset date, e.g. 2025-06-01"))
    mri = _lines(_("MRI scans"), _("Date and GEL count, e.g. 2025-09-01 2"))
    csf_oligoclonal_bands = _tri_state(_("CSF oligoclonal bands positive"))
    therapies = _lines(
        _("Therapies"), _("Drug; start; stop (stop empty if ongoing), e.g. Avonex; 2019-01-01; 2025-11-01")
    )
    active_infection = _tri_state(FLAG_LABELS["active_infection"])
    hiv = _tri_state(FLAG_LABELS["hiv"])
    hepatitis_b = _tri_state(FLAG_LABELS["hepatitis_b"])
    hepatitis_c = _tri_state(FLAG_LABELS["hepatitis_c"])
    malignancy_history = forms.ChoiceField(
        label=_("Past malignancy"),
        choices=[UNKNOWN_CHOICE, *((k, k.replace("_", " ")) for k in MALIGNANCY_KINDS)],
        required=False,
    )
    life_limiting_comorbidity = _tri_state(FLAG_LABELS["life_limiting_comorbidity"])
    haematological_disease = _tri_state(FLAG_LABELS["haematological_disease"])
    wbc_abnormal = _tri_state(FLAG_LABELS["wbc_abnormal"])
    pregnant = _tri_state(_("Pregnant"))
    uses_contraception = _tri_state(_("Willing to use effective contraception"))
    egfr = forms.FloatField(label=_("eGFR (mL/min/1.73 m²)"), required=False)
    renal_failure = _tri_state(FLAG_LABELS["renal_failure"])
    can_have_mri = _tri_state(_("Able to have an MRI"))
    consent = _tri_state(_("Able to give written informed consent"))

    LIST_FIELDS = ("edss_history", "relapses", "mri", "therapies")

    def clean_edss(self) -> float | None:
        value = self.cleaned_data["edss"]
        return float(value) if value else None

    def _entries(self, name: str, pattern: str, meaning: str) -> list[re.Match[str]] | None:
        text = self.cleaned_data.get(name, "").strip()
        if not text:
            return None
        if text.lower() == NONE_WORD:
            return []
        found = []
        for number, line in enumerate((ln for ln in text.splitlines() if ln.strip()), start=1):
            match = re.fullmatch(pattern, line.strip())
            if match is None:
                raise ValidationError(
                    _("line %(n)s: expected %(meaning)s, got “%(line)s”"),
                    code="bad_line",
                    params={"n": number, "meaning": meaning, "line": line.strip()},
                )
            found.append(match)
        return found

    def clean_edss_history(self) -> list[dict[str, Any]] | None:
        found = self._entries("edss_history", r"(\S+)\s+(\S+)", "a date and a value")
        return None if found is None else [{"date": m[1], "value": _number(m[2])} for m in found]

    def clean_relapses(self) -> list[str] | None:
        found = self._entries("relapses", r"(\S+)", "one date")
        return None if found is None else [m[1] for m in found]

    def clean_mri(self) -> list[dict[str, Any]] | None:
        found = self._entries("mri", r"(\S+)\s+(\d+)", "a date and a GEL count")
        return None if found is None else [{"date": m[1], "gel": int(m[2])} for m in found]

    def clean_therapies(self) -> list[dict[str, Any]] | None:
        found = self._entries(
            "therapies", r"([^;]+?)\s*(?:;\s*([^;]*?)\s*(?:;\s*([^;]*?)\s*)?)?", "drug; start; stop"
        )
        return (
            None
            if found is None
            else [{"drug": m[1], "start": m[2] or None, "stop": m[3] or None} for m in found]
        )

    def candidate(self) -> dict[str, Any]:
        """The candidate record (DESIGN.md format) the form holds; call after `is_valid()`."""
        data: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            data[name] = value.isoformat() if hasattr(value, "isoformat") else None if value == "" else value
        return data

    def add_problems(self, problems: list[FieldProblem]) -> None:
        """The core's refusals, each at the field it names ("therapies[1].stop" -> therapies, line 2)."""
        for problem in problems:
            name, bracket, rest = problem.field.partition("[")
            name = name.partition(".")[0]
            if name in self.LIST_FIELDS and bracket:
                index, _bracket, part = rest.partition("]")
                where = f"line {int(index) + 1}" + (f", {part.lstrip('.')}" if part.lstrip(".") else "")
                message = f"{where}: {problem.message}"
            else:
                message = problem.message
            self.add_error(
                name if name in self.fields else None, ValidationError(message, code="invalid_candidate")
            )

    @classmethod
    def initial_from(cls, candidate: dict[str, Any]) -> dict[str, Any]:
        """Form values for a stored candidate record (to update it)."""
        initial: dict[str, Any] = {}
        for name, value in candidate.items():
            if value is None:
                continue
            if isinstance(value, bool):
                initial[name] = "yes" if value else "no"
            elif name == "edss":
                initial[name] = f"{value:.1f}"
            elif name in cls.LIST_FIELDS:
                initial[name] = "\n".join(_line(name, entry) for entry in value) or NONE_WORD
            else:
                initial[name] = value
        return initial


class ConsentForm(forms.Form):
    consent_date = forms.DateField(
        label=_("Date of written informed consent"), widget=forms.DateInput(attrs={"type": "date"})
    )


class WithdrawalForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawal"), max_length=400)


def _number(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


def _line(name: str, entry: Any) -> str:
    if name == "relapses":
        return str(entry)
    if name == "edss_history":
        return f"{entry['date']} {entry['value']:.1f}"
    if name == "mri":
        return f"{entry['date']} {entry['gel']}"
    return "; ".join(str(entry.get(k) or "") for k in ("drug", "start", "stop")).rstrip("; ")
