"""Lab pages (dashboard, a participant's product with a form per step, chain of custody) and the
clinic's pages (dosing weight, bedside check)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mesems.errors import AccessDenied, MesemsError, NotFound
from mesems.web.apps.accounts.services import role_of
from mesems.web.apps.cellproduct.bedside import bedside_infusion, next_period
from mesems.web.apps.cellproduct.forms import BagsForm, BedsideForm, ExpansionForm, HarvestForm, ReleaseForm, ReleaseTestsForm, StoreForm, ThawForm, WeightForm
from mesems.web.apps.cellproduct.models import Product
from mesems.web.apps.cellproduct.release import release_product
from mesems.web.apps.cellproduct.reports import clinic_bags, custody_report, lab_dashboard, require_unblinded
from mesems.web.apps.cellproduct.services import CLINIC, WEIGHERS, latest_weight, prepare_bags, record_expansion, record_harvest, record_release_tests, record_weight, store_bag, thaw_bag
from mesems.web.apps.trials.services import current_protocol, visible_participant


def _specs() -> list[Any]:
    spec = current_protocol().cell_product
    return list(spec.release_tests) if spec else []


def _refusal_to_form(form: forms.Form, refusal: MesemsError) -> None:
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, ValidationError(refusal.message, code=refusal.code))


STEPS: dict[str, tuple[Callable[..., forms.Form], Callable[[Any, str, dict[str, Any]], object]]] = {
    "harvest": (HarvestForm, lambda u, c, d: record_harvest(u, c, d["harvested_on"], d["volume_ml"], d["location"])),
    "expansion": (ExpansionForm, lambda u, c, d: record_expansion(u, c, d["batch_number"], d["passages"], d["location"])),
    "bags": (BagsForm, lambda u, c, d: prepare_bags(u, c, d["cells_in_dose"], d["location"])),
    "tests": (lambda *a, **k: ReleaseTestsForm(_specs(), *a, **k), lambda u, c, d: record_release_tests(u, c, d)),
    "release": (ReleaseForm, lambda u, c, d: release_product(u, c, d["password"], d["otp_token"])),
    "store": (StoreForm, lambda u, c, d: store_bag(u, d["code"], d["location"])),
    "thaw": (ThawForm, lambda u, c, d: thaw_bag(u, d["code"], d["location"])),
}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "cellproduct/dashboard.html", {"dashboard": lab_dashboard(request.user)})


@login_required
def product(request: HttpRequest, code: str, bound: dict[str, forms.Form] | None = None) -> HttpResponse:
    require_unblinded(request.user, "see a participant's cell product")
    participant = visible_participant(request.user, code)
    forms_by_step = {step: make() for step, (make, _) in STEPS.items()}
    forms_by_step.update(bound or {})
    context = {
        "participant": participant,
        "product": Product.objects.filter(participant=participant).prefetch_related("bags", "test_results").first(),
        "weight": latest_weight(participant),
        "forms": forms_by_step,
        "custody": custody_report(request.user, code),
    }
    return render(request, "cellproduct/product.html", context, status=400 if bound else 200)


@login_required
@require_POST
def step(request: HttpRequest, code: str, name: str) -> HttpResponse:
    if name not in STEPS:
        raise NotFound(f"no lab step {name!r}; expected one of [{', '.join(STEPS)}]")
    make, act = STEPS[name]
    form = make(request.POST)
    if form.is_valid():
        try:
            act(request.user, code, form.cleaned_data)
        except (AccessDenied, NotFound) as refusal:
            if refusal.field is None:
                raise
            _refusal_to_form(form, refusal)
        except MesemsError as refusal:
            _refusal_to_form(form, refusal)
        else:
            messages.success(request, _("Recorded: %(step)s.") % {"step": name})
            return redirect("cellproduct:product", code=code)
    return product(request, code, bound={name: form})


@login_required
def custody(request: HttpRequest, code: str) -> HttpResponse:
    participant = visible_participant(request.user, code)
    return render(request, "cellproduct/custody.html", {"participant": participant, "events": custody_report(request.user, code)})


@login_required
def weight(request: HttpRequest, code: str) -> HttpResponse:
    participant = visible_participant(request.user, code)
    form = WeightForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_weight(request.user, code, form.cleaned_data["kg"], form.cleaned_data["measured_on"])
        except MesemsError as refusal:
            if isinstance(refusal, AccessDenied) and refusal.field is None:
                raise
            _refusal_to_form(form, refusal)
        else:
            messages.success(request, _("Weight recorded."))
            return redirect("cellproduct:weight", code=code)
    context = {"participant": participant, "form": form, "weight": latest_weight(participant), "can_record": role_of(request.user) in WEIGHERS}
    return render(request, "cellproduct/weight.html", context, status=400 if form.errors else 200)


@login_required
def bedside(request: HttpRequest, code: str) -> HttpResponse:
    participant = visible_participant(request.user, code)
    form = BedsideForm(request.POST or None)
    recorded = None
    if request.method == "POST" and form.is_valid():
        try:
            recorded = bedside_infusion(request.user, code, form.cleaned_data["identity_confirmed"], form.cleaned_data["product_code"])
        except MesemsError as refusal:
            if isinstance(refusal, AccessDenied) and refusal.field is None:
                raise
            _refusal_to_form(form, refusal)
        else:
            form = BedsideForm()
    context = {
        "participant": participant, "form": form, "recorded": recorded, "period": next_period(participant),
        "bags": clinic_bags(request.user, code), "can_check": role_of(request.user) in CLINIC,
    }
    return render(request, "cellproduct/bedside.html", context, status=409 if form.errors else 200)
