"""The "Reports and exports" page and the two actions it posts to. A report or export is made in
the request and handed over as a file; what it was (data snapshot, protocol, software version) is
in its record on the page and in the response's headers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from mesems.errors import MesemsError
from mesems.web.apps.datasets.forms import ExportForm, ReportForm
from mesems.web.apps.datasets.models import Channel, ExportRecord
from mesems.web.apps.datasets.services import Delivery, Taker, export_delivery, offer_for, report_delivery


def handed_over(delivery: Delivery, *, inline: bool = False) -> HttpResponse:
    """The file, named, with what it was made from in X-Mesems-* headers."""
    record = delivery.record
    response = HttpResponse(delivery.content, content_type=delivery.content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{delivery.file_name}"'
    response["X-Mesems-Record"] = str(record.pk)
    response["X-Mesems-Snapshot-Digest"] = record.snapshot_digest
    response["X-Mesems-File-Digest"] = record.file_digest
    response["X-Mesems-Protocol"] = f"{record.protocol_id} {record.protocol_digest}"
    response["X-Mesems-Version"] = record.software_version
    return response


def _refuse(form: ReportForm | ExportForm) -> MesemsError:
    field, errors = next(iter(form.errors.items()))
    return MesemsError(f"{field}: {' '.join(errors)}", field=field)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    offer = offer_for(request.user)
    return render(request, "datasets/index.html", {"offer": offer, "taken": offer.taken, "kinds": ExportRecord.Kind.choices})


@login_required
@require_POST
def report(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST)
    if not form.is_valid():
        raise _refuse(form)
    delivery = report_delivery(Taker.of(request.user, Channel.WEB), unblinded=form.cleaned_data["variant"] == "unblinded",
                               fmt=form.cleaned_data["format"])
    return handed_over(delivery, inline=form.cleaned_data["format"] == "html")


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.POST)
    if not form.is_valid():
        raise _refuse(form)
    delivery = export_delivery(Taker.of(request.user, Channel.WEB), form.cleaned_data["kind"],
                               unblinded=form.cleaned_data["variant"] == "unblinded")
    return handed_over(delivery)
