from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from mesems.web.apps.accounts.forms import EnrolmentForm
from mesems.web.apps.audit.services import record_change


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


LOCKED_OUT = "too many failed sign-ins: the account is locked for an hour (the sponsor administrator can unlock it sooner)"


def locked_out(request: HttpRequest, original_response: HttpResponse | None, credentials: object) -> HttpResponse:
    """The lockout answer (django-axes): the locked-out page, or the API's error shape for the API; 429 either way."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "message": LOCKED_OUT, "field": None}, status=429)
    return render(request, "registration/locked_out.html", status=429)


def _qr_data_url(text: str) -> str:
    """The enrolment QR code as a data: URL, so the page needs no inline script or style."""
    buffer = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """Enrols a TOTP authenticator app: unblinding and e-signatures ask for its code."""
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if confirmed is not None:
        return render(request, "accounts/second_factor.html", {"enrolled": confirmed})
    device, _created = TOTPDevice.objects.get_or_create(user=request.user, confirmed=False, defaults={"name": "authenticator"})
    form = EnrolmentForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            record_change(request.user, "enrol_second_factor", device, {"confirmed": [False, True]}, reason="second factor enrolled by its user")
        messages.success(request, _("Your second factor is set up."))
        return redirect("accounts:second_factor")
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/second_factor.html", {"form": form, "qr": _qr_data_url(device.config_url), "secret": secret})
