"""The demo trial: sites from the protocol and one user per role, made through the services
that real use goes through. Later areas add their part of a trial in progress here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from mesems.access import Role, is_site_scoped
from mesems.protocol import Protocol
from mesems.web.apps.accounts.models import User
from mesems.web.apps.trials.models import Site
from mesems.web.apps.trials.services import install_protocol

DEMO_SITES = ("SE-KAR", "IT-01")
"""Site roles get a user at each of these, so site isolation can be seen in the demo."""


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: Role
    site: str | None


def demo_password(username: str) -> str:
    return f"{username}-Demo-2026"


def _logins(protocol: Protocol) -> list[Login]:
    logins = []
    for role in Role:
        if is_site_scoped(role):
            for code in DEMO_SITES:
                username = f"{role.value}.{code.lower().replace('-', '')}"
                logins.append(Login(username, demo_password(username), role, code))
        else:
            logins.append(Login(role.value, demo_password(role.value), role, None))
    return logins


@transaction.atomic
def create_demo_users(protocol: Protocol) -> list[Login]:
    logins = _logins(protocol)
    for login in logins:
        user, _ = User.objects.get_or_create(username=login.username, defaults={"role": login.role.value})
        user.role = login.role.value
        user.site = Site.objects.get(code=login.site) if login.site else None
        user.set_password(login.password)
        user.save()
    return logins


def seed_demo(protocol: Protocol) -> list[Login]:
    install_protocol(protocol)
    return create_demo_users(protocol)
