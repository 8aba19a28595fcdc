"""Screening pages: the log, the live screening form (htmx), a screening with consent and withdrawal.

The form posts its fields to `preview` on every change and shows each criterion's verdict as
the nurse types; saving stores the screening through the services. Refusals of the core come
back to the field they name; nothing is stored when the record is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mesems.eligibility import CandidateRecordError, ScreeningResult
from mesems.errors import EligibilityError
from mesems.web.apps.accounts.services import role_of
from mesems.web.apps.screening import services
from mesems.web.apps.screening.forms import CandidateForm, ConsentForm, WithdrawalForm
from mesems.web.apps.screening.models import Screening


@login_required
def screening_log(request: HttpRequest) -> HttpResponse:
    screenings = services.visible_screenings(request.user)
    counts = {outcome: screenings.filter(outcome=outcome).count() for outcome in Screening.Outcome}
    return render(
        request,
        "screening/log.html",
        {
            "screenings": screenings,
            "counts": counts,
            "consented": screenings.filter(consented=True).count(),
            "withdrawn": screenings.filter(withdrawn_before_randomisation=True).count(),
            "can_screen": _can_screen(request.user),
        },
    )


def _can_screen(user: Any) -> bool:
    return role_of(user) in services.SCREENERS


def _version(request: HttpRequest, screening: Screening) -> int:
    """The version the page was showing (optimistic lock); the current one when absent or garbled."""
    text = request.POST.get("version", "")
    return int(text) if text.isdigit() else screening.version


def _checked(form: CandidateForm, call: Any) -> Any:
    """Runs `call(candidate)` for a valid form; the core's refusals go to their fields."""
    if not form.is_valid():
        return None
    try:
        return call(form.candidate())
    except CandidateRecordError as exc:
        form.add_problems(exc.problems)
    except EligibilityError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return None


@login_required
def new_screening(request: HttpRequest) -> HttpResponse:
    form = CandidateForm(request.POST or None)
    if request.method == "POST":
        screening = _checked(form, lambda data: services.create_screening(request.user, data))
        if screening is not None:
            return redirect("screening:detail", number=screening.code)
    return render(request, "screening/form.html", {"form": form, "result": None, "screening": None})


@login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The live per-criterion verdicts (an htmx fragment)."""
    form = CandidateForm(request.POST)
    result: ScreeningResult | None = _checked(form, lambda data: services.preview(request.user, data))
    return render(request, "screening/_verdicts.html", {"result": result, "form": form})


@login_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    screening = services.visible_screening(request.user, number)
    return _detail(request, screening, ConsentForm(), WithdrawalForm())


def _detail(
    request: HttpRequest,
    screening: Screening,
    consent: ConsentForm,
    withdrawal: WithdrawalForm,
    status: int = 200,
) -> HttpResponse:
    context = {
        "screening": screening,
        "verdicts": screening.verdicts,
        "consent_form": consent,
        "withdrawal_form": withdrawal,
        "can_screen": _can_screen(request.user),
    }
    return render(request, "screening/detail.html", context, status=status)


@login_required
def edit(request: HttpRequest, number: str) -> HttpResponse:
    screening = services.visible_screening(request.user, number)
    form = CandidateForm(request.POST or None, initial=CandidateForm.initial_from(screening.candidate))
    if request.method == "POST":
        version = _version(request, screening)
        saved = _checked(
            form, lambda data: services.update_screening(request.user, number, data, expected_version=version)
        )
        if saved is not None:
            return redirect("screening:detail", number=number)
    return render(request, "screening/form.html", {"form": form, "result": None, "screening": screening})


def _act(
    request: HttpRequest,
    number: str,
    form: ConsentForm | WithdrawalForm,
    field: str,
    action: Callable[[Screening], object],
) -> HttpResponse:
    """Runs a consent or withdrawal form's action; a refusal shows at the form, nothing changes."""
    screening = services.visible_screening(request.user, number)
    if form.is_valid():
        try:
            action(screening)
            return redirect("screening:detail", number=number)
        except EligibilityError as exc:
            form.add_error(field if exc.field == field else None, exc.message)
    consent_form = form if isinstance(form, ConsentForm) else ConsentForm()
    withdrawal_form = form if isinstance(form, WithdrawalForm) else WithdrawalForm()
    return _detail(request, screening, consent_form, withdrawal_form, status=400)


@login_required
@require_POST
def consent(request: HttpRequest, number: str) -> HttpResponse:
    form = ConsentForm(request.POST)
    return _act(
        request,
        number,
        form,
        "consent_date",
        lambda s: services.record_consent(
            request.user, number, form.cleaned_data["consent_date"], expected_version=_version(request, s)
        ),
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    form = WithdrawalForm(request.POST)
    return _act(
        request,
        number,
        form,
        "reason",
        lambda s: services.withdraw_before_randomisation(
            request.user, number, form.cleaned_data["reason"], expected_version=_version(request, s)
        ),
    )
