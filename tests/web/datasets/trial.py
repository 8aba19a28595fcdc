"""A trial in progress, made through the services a site and a lab use, on a clock the test moves.

`build_trial` loads an allocation list (with the arms swapped when `flip`), screens and consents
each participant through the screening log, makes their released cell product, randomises them
at week 0, and then walks the calendar
visit by visit: the visit is reported done on its target day and every form it collects is saved
(bedside check and infusion record at the dosing visits), with a few adverse events, a relapse, a
concomitant medication, a deviation and an end of study. Everything a site would type is drawn
from a seeded generator, and product codes are fixed, so the same call gives the same database
(the same bytes in every table) in both worlds; only the arms differ.

Run as a module it fills the SQLite database of MESEMS_DATA_DIR (for the command-line tests):
`python -m tests.web.datasets.trial PARTICIPANTS`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from typing import Any

import numpy as np

from mesems.access import Role, is_site_scoped
from tests.web.conftest import PASSWORD

SITE = "SE-KAR"
START = dt.datetime(2024, 3, 4, 9, 0, tzinfo=dt.UTC)
FLIP = {"MSC-placebo": "placebo-MSC", "placebo-MSC": "MSC-placebo"}
COURSES = ("RR", "RR", "SP", "RR", "PP", "RR")
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class Clock:
    """Stands in for `django.utils.timezone.now`: the services' "now" is whatever the test sets."""

    def __init__(self, at: dt.datetime = START) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at

    def on(self, day: dt.date, hour: int = 9) -> None:
        self.at = dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)

    def tick(self, minutes: int = 1) -> None:
        self.at += dt.timedelta(minutes=minutes)


def participant_codes(count: int) -> list[tuple[str, str]]:
    return [(f"{SITE}-{i + 1:04d}", COURSES[i % len(COURSES)]) for i in range(count)]


def bag_codes(index: int) -> tuple[str, str]:
    """The period-1 and period-2 bag codes of participant `index`, the same in both worlds."""
    return f"P-{ALPHABET[index // 31 % 31]}{ALPHABET[index % 31]}1Z", f"P-{ALPHABET[index // 31 % 31]}{ALPHABET[index % 31]}2Z"


def make_users() -> dict[Role, Any]:
    from mesems.web.apps.accounts.models import User
    from mesems.web.apps.trials.models import Site

    site = Site.objects.get(code=SITE)
    return {role: User.objects.create_user(f"trial-{role.value}", password=PASSWORD, role=role.value,
                                           site=site if is_site_scoped(role) else None) for role in Role}


def _load_list(flip: bool, members: list[tuple[str, str]]) -> list[str]:
    """Loads the list and returns each member's sequence, as the allocation will give it."""
    from mesems.protocol import load_protocol
    from mesems.randomisation import all_strata, allocate_from_list, generate_list, generator_from_seed
    from mesems.web.apps.allocation.services import load_list

    protocol = load_protocol()
    config = protocol.randomisation
    alist = generate_list(config, [a.id for a in protocol.arms], all_strata(config, [s.id for s in protocol.sites]), 8,
                          generator_from_seed("datasets-trial-seed"))
    if flip:
        alist = dataclasses.replace(alist, entries=tuple(dataclasses.replace(e, sequence=FLIP[e.sequence]) for e in alist.entries))
    load_list(alist)
    allocated = allocate_from_list(alist, [(code, {"site": SITE, "ms_course": course}) for code, course in members], config)
    return [a.sequence for a in allocated]


def candidate(day: dt.date, course: str, rng: np.random.Generator) -> dict[str, Any]:
    """An eligible candidate record (DESIGN.md) screened on `day`: active disease in the last year,
    a failed interferon stopped two months ago (not for PP), EDSS up one point since last year."""
    def before(days: int) -> str:
        return (day - dt.timedelta(days=days)).isoformat()

    return {
        "id": f"C-{int(rng.integers(1000, 9999))}", "sex": "F" if rng.random() < 0.6 else "M", "ms_course": course,
        "birth_date": before(int(rng.integers(25, 45)) * 365 + 100), "ms_onset_date": before(int(rng.integers(3, 12)) * 365),
        "planned_randomisation_date": day.isoformat(), "edss": 4.0, "edss_history": [{"date": before(200), "value": 3.0}],
        "relapses": [] if course == "PP" else [before(120)], "mri": [{"date": before(20), "gel": 1}], "csf_oligoclonal_bands": True,
        "therapies": [] if course == "PP" else [{"drug": "interferon beta-1a", "start": before(3 * 365), "stop": before(60)}],
        "active_infection": False, "hiv": False, "hepatitis_b": False, "hepatitis_c": False, "malignancy_history": "none",
        "life_limiting_comorbidity": False, "haematological_disease": False, "wbc_abnormal": False, "pregnant": False,
        "uses_contraception": True, "egfr": 90, "renal_failure": False, "can_have_mri": True, "consent": True,
    }  # fmt: skip


def _enrol(users: dict[Role, Any], index: int, code: str, course: str, sequence: str, rng: np.random.Generator, day: dt.date) -> None:
    """Screened and consented through the screening log (which names the participant), the first
    four also through the demographics and MS-history forms; then product, then randomisation."""
    from mesems.protocol import load_protocol
    from mesems.web.apps.allocation.services import allocate_next
    from mesems.web.apps.cellproduct.seeding import prepare_released_product
    from mesems.web.apps.screening.services import create_screening, record_consent
    from mesems.web.apps.visits.services import save_record

    nurse = users[Role.NURSE]
    record = candidate(day, course, rng)
    participant = record_consent(nurse, create_screening(nurse, record).code, day).participant
    assert participant is not None and participant.code == code, f"the site's next participant id is {code}"
    if index < 4:
        born = dt.date.fromisoformat(record["birth_date"]) - dt.timedelta(days=index)
        save_record(nurse, "demographics", code, {"birth_date": born.isoformat(), "sex": record["sex"]})
        onset = dt.date.fromisoformat(record["ms_onset_date"])
        save_record(nurse, "ms_history", code, {"onset_date": onset.isoformat(), "diagnosis_date": (onset + dt.timedelta(days=200)).isoformat(), "ms_course": course,
                                               "relapses_prior_12m": 2, "csf_oligoclonal_bands": "yes"})
    first, second = load_protocol().arm(sequence).interventions
    prepare_released_product(code, users[Role.CELL_LAB], PASSWORD, codes=dict(zip((first, second), bag_codes(index), strict=True)))
    allocate_next(code, nurse, f"datasets-{code}")


def screen_only(users: dict[Role, Any], day: dt.date, rng: np.random.Generator) -> None:
    """Two candidates who never reach randomisation: one too old, one who withdraws after consent."""
    from mesems.web.apps.screening.services import (
        create_screening,
        record_consent,
        withdraw_before_randomisation,
    )

    nurse = users[Role.NURSE]
    create_screening(nurse, {**candidate(day, "RR", rng), "birth_date": (day - dt.timedelta(days=60 * 365)).isoformat()})
    screened = create_screening(nurse, candidate(day, "SP", rng))
    record_consent(nurse, screened.code, day)
    withdraw_before_randomisation(nurse, screened.code, "moved abroad")


def _infuse(users: dict[Role, Any], clock: Clock, code: str, bag: str) -> None:
    from mesems.web.apps.cellproduct.bedside import bedside_infusion
    from mesems.web.apps.cellproduct.services import thaw_bag

    thaw_bag(users[Role.CELL_LAB], bag, "infusion room")
    clock.tick()
    bedside_infusion(users[Role.NURSE], code, True, bag)


def _visit(users: dict[Role, Any], clock: Clock, code: str, visit: Any, rng: np.random.Generator) -> None:
    from mesems.schedule import collection_for
    from mesems.web.apps.cellproduct.models import Bag
    from mesems.web.apps.visits.demo import visit_values
    from mesems.web.apps.visits.services import report_visit, save_record

    nurse = users[Role.NURSE]
    clock.on(visit.target_date)
    report_visit(nurse, code, visit.code, {"visit_date": visit.target_date, "ae_review": "no", "conmed_review": "no", "relapse_review": "no"})
    collection = collection_for(visit.assessments)
    for key in sorted(collection.forms, key=lambda k: k == "infusion"):
        values = visit_values(key, visit.target_date, rng, collection.t2_required)
        if key == "infusion":
            bag = Bag.objects.get(product__participant__code=code, period=1 if visit.week == 0 else 2).code
            _infuse(users, clock, code, bag)
            values["product_code"] = bag
        save_record(nurse, key, code, values, visit_code=visit.code)
        clock.tick()


def _events(users: dict[Role, Any], index: int, code: str, week0: dt.date) -> None:
    """A handful of log entries made at week 4 about the first days: an infusion reaction, a serious
    event, a relapse, a medication, a deviation."""
    from mesems.web.apps.visits.services import save_record

    nurse = users[Role.NURSE]
    day = (week0 + dt.timedelta(days=2)).isoformat()
    if index % 2 == 0:
        save_record(nurse, "adverse_event", code, {"term": "chills during infusion", "soc": "Injury, poisoning and procedural complications",
                                                   "pt": "Infusion related reaction", "grade": 1, "causality": "probable", "outcome": "recovered",
                                                   "start_date": week0.isoformat(), "stop_date": day, "visit": "W00"})
    if index % 3 == 0:
        save_record(nurse, "adverse_event", code, {"term": "pneumonia", "soc": "Infections and infestations", "pt": "Pneumonia", "grade": 3,
                                                   "serious_hospitalisation": True, "causality": "unlikely", "outcome": "recovered",
                                                   "start_date": day, "stop_date": (week0 + dt.timedelta(days=9)).isoformat()})
    if index % 4 == 1:
        save_record(nurse, "relapse", code, {"onset_date": day, "symptoms": "optic neuritis", "duration_hours": 72})
        save_record(nurse, "conmed", code, {"drug": "Solu-Medrol", "indication": "relapse", "start_date": day,
                                            "stop_date": (week0 + dt.timedelta(days=5)).isoformat()})
    if index % 5 == 2:
        save_record(nurse, "deviation", code, {"category": "procedure", "description": "MRI sequence missing", "found_how": "site_report",
                                               "found_on": day})


def build_trial(clock: Clock, count: int = 12, *, flip: bool = False, until_week: int = 48) -> dict[Role, Any]:
    """The trial as described in the module docstring; returns one user per role (site roles at SE-KAR)."""
    from mesems.web.apps.cellproduct.seeding import designate_qualified_person

    clock.at = START
    users = make_users()
    designate_qualified_person(users[Role.CELL_LAB])
    members = participant_codes(count)
    enrol(clock, users, members, _load_list(flip, members), until_week)
    screen_only(users, clock.at.date(), np.random.default_rng(count))
    return users


def enrol(clock: Clock, users: dict[Role, Any], members: list[tuple[str, str]], sequences: list[str], until_week: int) -> None:
    """Randomises `members` (code, course) a day apart from START and follows them to `until_week`;
    `sequences` says which bag gets which code (a guess only changes the codes)."""
    from mesems.web.apps.visits.models import Visit
    from mesems.web.apps.visits.services import save_record

    first = int(members[0][0].rsplit("-", 1)[1]) - 1
    rng = np.random.default_rng(20240304 + first)
    for index, ((code, course), sequence) in enumerate(zip(members, sequences, strict=True), start=first):
        clock.on(START.date() + dt.timedelta(days=index))
        _enrol(users, index, code, course, sequence, rng, clock.at.date())
    codes = [code for code, _ in members]
    visits = Visit.objects.filter(week__lte=until_week, participant__code__in=codes).select_related("participant")
    for visit in list(visits.order_by("target_date", "participant__code", "week")):
        index = first + codes.index(visit.participant.code)
        _visit(users, clock, visit.participant.code, visit, rng)
        if visit.week == 4:
            _events(users, index, visit.participant.code, visit.participant.schedule.randomisation_date)
    if until_week >= 48:
        for code in codes:
            last = Visit.objects.get(participant__code=code, week=48).target_date.isoformat()
            save_record(users[Role.NURSE], "end_of_study", code, {"status": "completed", "end_date": last})


def main(count: int) -> None:
    """Migrates the database of MESEMS_DATA_DIR and fills it (for the command-line tests)."""
    from django.core.management import call_command

    from mesems.web.bootstrap import setup_django

    setup_django()
    from django.utils import timezone

    from mesems.protocol import load_protocol
    from mesems.web.apps.trials.services import install_protocol

    call_command("migrate", interactive=False, verbosity=0)
    clock = Clock()
    timezone.now = clock
    install_protocol(load_protocol())
    build_trial(clock, count)


if __name__ == "__main__":
    main(int(sys.argv[1]))
