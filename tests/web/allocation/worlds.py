"""Two trials that differ only in the arms: the blinding-leak suite's instrument.

`build_world(flip)` makes the same sites, users, participants, product codes and allocation order
in both worlds; with flip=True every list position holds the other sequence. Whatever a blinded
user can see must then be identical in both worlds: a difference is information about the arms.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection

from mesems.access import Role, is_site_scoped
from mesems.protocol import load_protocol
from mesems.randomisation import all_strata, generate_list, generator_from_seed

SITE = "SE-KAR"
PARTICIPANTS = [("SE-KAR-0001", "RR"), ("SE-KAR-0002", "RR"), ("SE-KAR-0003", "SP"), ("SE-KAR-0004", "RR"), ("SE-KAR-0005", "PP"), ("SE-KAR-0006", "RR")]
WAITING = [("SE-KAR-0007", "RR", "consented"), ("SE-KAR-0008", "SP", "screening")]
FLIP = {"MSC-placebo": "placebo-MSC", "placebo-MSC": "MSC-placebo"}


def reset_sequences() -> None:
    """Primary keys start from the same values in both worlds (PostgreSQL sequences ignore rollbacks)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(apps.get_models()))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def counting_codes() -> Iterator[str]:
    for i in itertools.count(1):
        yield f"P-{'23456789ABCDEFGHJKMNPQRSTUVWXYZ'[i % 31]}{'23456789ABCDEFGHJKMNPQRSTUVWXYZ'[(i // 31) % 31]}ZZ"


@contextmanager
def deterministic_codes(monkeypatch: Any) -> Iterator[None]:
    codes = counting_codes()
    monkeypatch.setattr("mesems.web.apps.allocation.services.new_product_code", lambda: next(codes))
    yield


def make_users() -> dict[Role, Any]:
    from mesems.web.apps.accounts.models import User
    from mesems.web.apps.trials.models import Site

    site = Site.objects.get(code=SITE)
    return {role: User.objects.create_user(f"walk-{role.value}", password="x" * 12, role=role.value, site=site if is_site_scoped(role) else None) for role in Role}


def build_world(flip: bool) -> dict[Role, Any]:
    from mesems.web.apps.allocation.services import allocate_next, load_list
    from mesems.web.apps.trials.models import Participant, Site
    from tests.web.allocation.conftest import install_without_product_gate

    reset_sequences()
    install_without_product_gate()
    users = make_users()
    protocol = load_protocol()
    config = protocol.randomisation
    alist = generate_list(config, [a.id for a in protocol.arms], all_strata(config, [s.id for s in protocol.sites]), 6, generator_from_seed("blinding-walk-seed"))
    if flip:
        alist = dataclasses.replace(alist, entries=tuple(dataclasses.replace(e, sequence=FLIP[e.sequence]) for e in alist.entries))
    load_list(alist)
    site = Site.objects.get(code=SITE)
    for code, course in PARTICIPANTS:
        Participant.objects.create(code=code, site=site, ms_course=course, status="consented")
        allocate_next(code, users[Role.NURSE], f"walk-{code}")
    for code, course, status in WAITING:
        Participant.objects.create(code=code, site=site, ms_course=course, status=status)
    return users
