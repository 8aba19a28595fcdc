"""Two trials that differ only in the arms: the blinding-leak suite's instrument.

`build_world(flip)` makes the same sites, users, participants, product codes and allocation order
in both worlds; with flip=True every list position holds the other sequence. Whatever a blinded
user can see must then be identical in both worlds: a difference is information about the arms.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection

from mesems.access import Role, is_site_scoped
from mesems.errors import CellProductError
from mesems.protocol import load_protocol
from mesems.randomisation import all_strata, allocate_from_list, generate_list, generator_from_seed

SITE = "SE-KAR"
PARTICIPANTS = [("SE-KAR-0001", "RR"), ("SE-KAR-0002", "RR"), ("SE-KAR-0003", "SP"), ("SE-KAR-0004", "RR"), ("SE-KAR-0005", "PP"), ("SE-KAR-0006", "RR")]
WAITING = [("SE-KAR-0007", "RR", "consented"), ("SE-KAR-0008", "SP", "screening")]
WALK_PASSWORD = "walk-password-2026"
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
    return {role: User.objects.create_user(f"walk-{role.value}", password=WALK_PASSWORD, role=role.value, site=site if is_site_scoped(role) else None) for role in Role}


def bag_codes(index: int) -> tuple[str, str]:
    """The codes of participant `index`'s period-1 and period-2 bags, the same in both worlds."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return f"P-B{alphabet[index]}1Z", f"P-B{alphabet[index]}2Z"


def build_world(flip: bool) -> dict[Role, Any]:
    """The whole chain for every participant: released product, allocation (its code is the
    period-1 bag's), one infusion, one bedside incident and a product not yet released."""
    from mesems.web.apps.allocation.services import allocate_next, load_list
    from mesems.web.apps.cellproduct.bedside import bedside_infusion
    from mesems.web.apps.cellproduct.seeding import designate_qualified_person, prepare_released_product
    from mesems.web.apps.cellproduct.services import prepare_bags, record_expansion, record_harvest, thaw_bag
    from mesems.web.apps.trials.models import Participant, Site
    from mesems.web.apps.trials.services import install_protocol

    reset_sequences()
    protocol = load_protocol()
    install_protocol(protocol)
    users = make_users()
    lab = users[Role.CELL_LAB]
    designate_qualified_person(lab)
    config = protocol.randomisation
    alist = generate_list(config, [a.id for a in protocol.arms], all_strata(config, [s.id for s in protocol.sites]), 6, generator_from_seed("blinding-walk-seed"))
    if flip:
        alist = dataclasses.replace(alist, entries=tuple(dataclasses.replace(e, sequence=FLIP[e.sequence]) for e in alist.entries))
    load_list(alist)
    expected = allocate_from_list(alist, [(code, {"site": SITE, "ms_course": course}) for code, course in PARTICIPANTS], config)
    site = Site.objects.get(code=SITE)
    for index, ((code, course), allocated) in enumerate(zip(PARTICIPANTS, expected, strict=True)):
        Participant.objects.create(code=code, site=site, ms_course=course, status="consented")
        first, second = protocol.arm(allocated.sequence).interventions
        prepare_released_product(code, lab, WALK_PASSWORD, codes=dict(zip((first, second), bag_codes(index), strict=True)))
        allocate_next(code, users[Role.NURSE], f"walk-{code}")
    one, two = (bag_codes(i)[0] for i in range(2))
    thaw_bag(lab, one, "infusion room")
    bedside_infusion(users[Role.NURSE], PARTICIPANTS[0][0], True, one)
    try:
        bedside_infusion(users[Role.NURSE], PARTICIPANTS[1][0], True, bag_codes(1)[1])
    except CellProductError:
        pass
    for code, course, status in WAITING:
        Participant.objects.create(code=code, site=site, ms_course=course, status=status)
    record_harvest(lab, WAITING[0][0], dt.date(2026, 1, 5), 50.0, "harvest room")
    record_expansion(lab, WAITING[0][0], "B-WAIT", 2, "GMP lab")
    prepare_bags(lab, WAITING[0][0], 1e8, "GMP lab", codes={"MSC": "P-W22Z", "PLACEBO": "P-W33Z"})
    return users
