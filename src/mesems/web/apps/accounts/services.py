"""Who may see what: site scope and role checks used by every view, API route and export."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from mesems.access import Role, is_site_scoped
from mesems.errors import AccessDenied
from mesems.web.apps.accounts.models import ApiToken, User

M = TypeVar("M", bound=Model)


def role_of(user: Any) -> Role | None:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "role", ""):
        return None
    return Role(user.role)


def require_role(user: Any, allowed: Iterable[Role], action: str) -> Role:
    role = role_of(user)
    allowed = set(allowed)
    if role is None or role not in allowed:
        raise AccessDenied(f"your role may not {action}")
    return role


def site_scope(user: Any) -> int | None:
    """The one site a site-bound user may see, or None for a central role that sees all sites."""
    role = role_of(user)
    if role is None:
        raise AccessDenied("sign in first")
    if is_site_scoped(role) or (role == Role.MONITOR and user.site_id):
        if not user.site_id:
            raise AccessDenied("your account is not attached to a site")
        return int(user.site_id)
    return None


def scope_to_site(queryset: QuerySet[M], user: Any, site_field: str = "site") -> QuerySet[M]:
    """Filters rows to the user's site; a row of another site then simply does not exist for them."""
    site_id = site_scope(user)
    return queryset if site_id is None else queryset.filter(**{f"{site_field}_id": site_id})


def issue_token(request: HttpRequest | None, username: str, password: str) -> str:
    """Checks the password through the same backends as the login page (lockout included)."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise AccessDenied("wrong username or password, or the account is locked", code="invalid_credentials")
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_digest=ApiToken.digest(key))
    return key


TOKEN_USE_GRANULARITY = dt.timedelta(seconds=30)
"""A token's last use is written at most this often: not one database write per API call."""


def user_for_token(key: str) -> User | None:
    """The token's user; a token left unused for API_TOKEN_IDLE_SECONDS has expired and is deleted."""
    token = ApiToken.objects.select_related("user", "user__site").filter(key_digest=ApiToken.digest(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    idle = now - (token.last_used_at or token.created_at)
    if idle > dt.timedelta(seconds=settings.API_TOKEN_IDLE_SECONDS):
        ApiToken.objects.filter(pk=token.pk).delete()
        return None
    if token.last_used_at is None or idle > TOKEN_USE_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def has_second_factor(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def verify_second_factor(user: Any, code: str) -> TOTPDevice:
    """Checks a fresh code from the user's authenticator app (TOTP, RFC 6238) before unblinding or signing.

    Each signature or unblinding asks for its own code: a code is accepted once (a replay within
    its 30-second step is refused) and repeated wrong codes are throttled. Raises AccessDenied
    with field `second_factor`, which a form shows at its field and the API as a 403.
    """
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    if not devices:
        raise AccessDenied("set up a second factor first (Account > Second factor)", code="second_factor_missing", field="second_factor")
    token = "".join(str(code or "").split())
    for device in devices:
        allowed, _reason = device.verify_is_allowed()
        if not allowed:
            raise AccessDenied("too many wrong second-factor codes; wait a minute and try again", code="second_factor_throttled", field="second_factor")
        if device.verify_token(token):
            return device
    raise AccessDenied("the second-factor code is wrong, expired or already used", code="second_factor_invalid", field="second_factor")
