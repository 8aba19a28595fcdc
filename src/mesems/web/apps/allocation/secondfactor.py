"""Second factor for the actions that need one (emergency unblinding, product release): a TOTP
code from a confirmed django-otp device of the user."""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from mesems.errors import AccessDenied


def has_second_factor(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def verify_second_factor(user: Any, token: str | None, action: str) -> None:
    """Refuses unless `token` is the current code of one of the user's confirmed TOTP devices."""
    token = (token or "").strip().replace(" ", "")
    if not token:
        raise AccessDenied(f"a second-factor code is required to {action}", field="otp_token", code="second_factor_required")
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    if not devices:
        raise AccessDenied(f"set up a second factor (authenticator app) before you {action}", field="otp_token", code="second_factor_required")
    if not any(device.verify_token(token) for device in devices):
        raise AccessDenied("the second-factor code is wrong or expired", field="otp_token", code="second_factor_wrong")


@transaction.atomic
def ensure_totp_device(user: Any, key_hex: str | None = None) -> TOTPDevice:
    """A confirmed device for the user (made with `key_hex` when given): for the demo and tests."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        values: dict[str, Any] = {"name": "authenticator", "confirmed": True}
        if key_hex:
            values["key"] = key_hex
        device = TOTPDevice.objects.create(user=user, **values)
    return device


def current_code(device: TOTPDevice) -> str:
    """The code the device's authenticator app shows now (used by tests and the demo)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def pending_device(user: Any) -> TOTPDevice:
    """The user's unconfirmed device for enrolment, made on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def confirm_device(user: Any, token: str) -> TOTPDevice:
    device = pending_device(user)
    if not device.verify_token((token or "").strip()):
        raise AccessDenied("the code does not match the new authenticator; check the phone's clock and try again", field="otp_token", code="second_factor_wrong")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def qr_data_uri(config_url: str) -> str:
    image = qrcode.make(config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
