"""Randomisation pages: the list of participants with their blinded allocation, one participant's
allocation with the randomise button and the emergency unblinding form, and the unblinded reports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mesems.errors import MesemsError
from mesems.web.apps.accounts.services import role_of
from mesems.web.apps.allocation.forms import RandomiseForm, SecondFactorForm, UnblindForm
from mesems.web.apps.allocation.masking import allocation_view, sees_sequences, view_of
from mesems.web.apps.allocation.models import Allocation
from mesems.web.apps.allocation.reports import balance_for, verification_for
from mesems.web.apps.allocation.secondfactor import confirm_device, has_second_factor, pending_device, qr_data_uri
from mesems.web.apps.allocation.services import ALLOCATORS, allocate_next
from mesems.web.apps.allocation.unblinding import UNBLINDERS, emergency_unblind, unblinding_listing
from mesems.web.apps.trials.services import visible_participant, visible_participants


def _field_errors(form: UnblindForm | SecondFactorForm, error: MesemsError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, ValidationError(error.message, code=error.code))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    participants = list(visible_participants(request.user)[:500])
    allocations = {a.participant_id: a for a in Allocation.objects.filter(participant__in=participants)}
    rows = [(p, view_of(request.user, p, allocations.get(p.pk))) for p in participants]
    return render(request, "allocation/index.html", {"rows": rows, "shows_sequences": sees_sequences(request.user)})


@login_required
def detail(request: HttpRequest, code: str, unblind_form: UnblindForm | None = None, revealed: object = None) -> HttpResponse:
    participant = visible_participant(request.user, code)
    role = role_of(request.user)
    context = {
        "participant": participant,
        "view": allocation_view(request.user, participant),
        "can_randomise": role in ALLOCATORS and participant.status == "consented",
        "randomise_form": RandomiseForm.fresh(),
        "can_unblind": role in UNBLINDERS,
        "has_second_factor": has_second_factor(request.user),
        "unblind_form": unblind_form or UnblindForm(),
        "revealed": revealed,
    }
    return render(request, "allocation/detail.html", context, status=400 if unblind_form is not None and unblind_form.errors else 200)


@login_required
@require_POST
def randomise(request: HttpRequest, code: str) -> HttpResponse:
    visible_participant(request.user, code)
    form = RandomiseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; reload the page and try again."))
        return redirect("allocation:detail", code=code)
    try:
        result = allocate_next(code, request.user, form.cleaned_data["request_id"])
    except MesemsError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Randomised: %(number)s, product %(product)s.") % {"number": result.randomisation_number, "product": result.product_code})
    return redirect("allocation:detail", code=code)


@login_required
@require_POST
def unblind(request: HttpRequest, code: str) -> HttpResponse:
    form = UnblindForm(request.POST)
    if form.is_valid():
        try:
            outcome = emergency_unblind(request.user, code, form.cleaned_data["reason"], form.cleaned_data["otp_token"])
        except MesemsError as refusal:
            if refusal.field is None and refusal.http_status in {403, 404}:
                raise
            _field_errors(form, refusal)
        else:
            return detail(request, code, revealed=outcome)
    return detail(request, code, unblind_form=form)


@login_required
def balance(request: HttpRequest) -> HttpResponse:
    return render(request, "allocation/balance.html", {"report": balance_for(request.user)})


@login_required
def list_status(request: HttpRequest) -> HttpResponse:
    return render(request, "allocation/list_status.html", {"result": verification_for(request.user)})


@login_required
def unblindings(request: HttpRequest) -> HttpResponse:
    return render(request, "allocation/unblindings.html", {"records": unblinding_listing(request.user)})


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    if has_second_factor(request.user):
        return render(request, "allocation/second_factor.html", {"enrolled": True})
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirm_device(request.user, form.cleaned_data["otp_token"])
        except MesemsError as refusal:
            _field_errors(form, refusal)
        else:
            messages.success(request, _("Your authenticator app is set up."))
            return redirect("allocation:second-factor")
    device = pending_device(request.user)
    return render(request, "allocation/second_factor.html", {"enrolled": False, "form": form, "qr": qr_data_uri(device.config_url), "key": device.key})
