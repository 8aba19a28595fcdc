"""Who the security tests act as: every role (site roles at SE-KAR), a site-bound monitor and a
visitor, with participants at two sites. Shared by the matrix walk and the API fuzzing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from mesems.access import Role, is_site_scoped

OWN, OTHER = "SE-KAR", "IT-01"
OWN_PARTICIPANT, OTHER_PARTICIPANT = "SE-KAR-0001", "IT-01-0001"


@dataclass(frozen=True)
class Principal:
    label: str
    role: Role | None
    site: str | None


@dataclass(frozen=True)
class Actor:
    principal: Principal
    user: Any
    token: str | None


PRINCIPALS = [
    *(Principal(r.value, r, OWN if is_site_scoped(r) else None) for r in Role),
    Principal("monitor@SE-KAR", Role.MONITOR, OWN),
    Principal("visitor", None, None),
]

PATH_EXAMPLES: dict[str, Callable[[str], str]] = {
    "code": lambda site: OWN_PARTICIPANT if site == OWN else OTHER_PARTICIPANT,
    "participant": lambda site: OWN_PARTICIPANT if site == OWN else OTHER_PARTICIPANT,
    "participant_code": lambda site: OWN_PARTICIPANT if site == OWN else OTHER_PARTICIPANT,
    "site": lambda site: site,
    "site_code": lambda site: site,
    "slug": lambda site: "edss",
    "name": lambda site: "harvest",
    "action": lambda site: "answer",
    "number": lambda site: f"SCR-{site}-0001",
}
"""Path parameter name -> its value for a record of the given site. An app whose routes take another
parameter adds a line here, so its routes are tried with a record of each site."""


def make_world(make_user: Callable[..., Any], make_participant: Callable[..., Any]) -> dict[str, Actor]:
    """Participants and screenings at two sites, and for each principal a user with an API token (none for
    the visitor); the lab's user is its qualified person, who signs releases."""
    from mesems.web.apps.accounts.models import ApiToken
    from mesems.web.apps.cellproduct.models import QualifiedPerson
    from mesems.web.apps.screening.services import create_screening
    from tests.eligibility.conftest import EXAMPLE

    make_participant(OWN_PARTICIPANT, OWN)
    make_participant(OTHER_PARTICIPANT, OTHER)
    for site in (OWN, OTHER):
        create_screening(make_user(Role.NURSE, site, username=f"screener-{site}"), EXAMPLE)
    actors = {}
    for principal in PRINCIPALS:
        if principal.role is None:
            actors[principal.label] = Actor(principal, None, None)
            continue
        user = make_user(principal.role, principal.site, username=principal.label.replace("@", "-at-"))
        key = f"token-{user.username}"
        ApiToken.objects.create(user=user, key_digest=ApiToken.digest(key))
        if principal.role is Role.CELL_LAB:
            QualifiedPerson.objects.create(user=user)
        actors[principal.label] = Actor(principal, user, key)
    return actors


@pytest.fixture
def fast_hashing(settings: Any) -> None:
    """Hashing speed is not under test where this is used; argon2 is (tests/web/accounts)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(fast_hashing: None, make_user: Callable[..., Any], make_participant: Callable[..., Any]) -> dict[str, Actor]:
    return make_world(make_user, make_participant)
