"""The demo trial: sites from the protocol, one user per role, and a simulated MESEMS in progress,
all made through the services that real use goes through.

The simulator (`mesems.sim`) draws who is screened, when, and what happens to them; each step
is then replayed through the real services on its own date (`time_machine` holds the clock at
that day), in date order, up to today: screening under the eligibility engine, consent, withdrawal
before randomisation, the cell lab's released product, allocation from the loaded list, the
visits on the days the simulator gave them with the values it measured (a thawed bag checked at
the bedside before each infusion record), adverse events, an SAE whose reporting clock is
running, signatures and open queries. The audit trail therefore reads as if the trial had been
run day by day.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import time_machine
from django.db import transaction
from django.utils import timezone

from mesems.access import Role, is_site_scoped
from mesems.protocol import Protocol
from mesems.sim.population import BRANCH, Candidate, snap_edss
from mesems.sim.scenario import build_scenario
from mesems.sim.trial import SimulatedTrial, simulate_trial
from mesems.web.apps.accounts.models import User
from mesems.web.apps.trials.models import Site
from mesems.web.apps.trials.services import install_protocol

DEMO_SITES = ("SE-KAR", "IT-01", "ES-01", "GB-01")
"""Site roles get a user at each of these, so site isolation can be seen in the demo."""
DEMO_PARTICIPANTS = 36
"""Randomised participants the simulator aims at; those planned after today are still waiting."""
DEMO_SEED = 20260
RECRUITMENT_DAYS = 300
"""The demo trial started screening this many days before today."""

Progress = Callable[[dt.date, int, int], None]
"""Told the day being replayed, the steps done and the steps known so far."""


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: Role
    site: str | None


@dataclass(frozen=True)
class DemoTrial:
    """What `seed_demo` made: the logins, and whether this run seeded (False: already seeded)."""

    logins: list[Login]
    seeded: bool
    steps: int


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


def _iso(day: dt.date, days_before: float = 0) -> str:
    return (day - dt.timedelta(days=round(days_before))).isoformat()


EXCLUSION_FACTS: dict[str, Callable[[dict[str, Any], dt.date], None]] = {
    "EXC-4": lambda r, s: r.update(active_infection=True),
    "EXC-5": lambda r, s: r["therapies"].append({"drug": "fingolimod", "start": _iso(s, 400), "stop": _iso(s, 20)}),
    "EXC-6": lambda r, s: r["therapies"].append({"drug": "glatiramer acetate", "start": _iso(s, 200), "stop": _iso(s, 2)}),
    "EXC-7": lambda r, s: r["therapies"].append({"drug": "methylprednisolone", "start": _iso(s, 6), "stop": _iso(s, 2)}),
    "EXC-8": lambda r, s: r["relapses"].append(_iso(s, 5)),
    "EXC-9": lambda r, s: r.update(malignancy_history="other"),
    "EXC-10": lambda r, s: r.update(life_limiting_comorbidity=True),
    "EXC-11": lambda r, s: r.update(wbc_abnormal=True),
}
"""How each exclusion the simulator drew shows in the candidate's record (PROTOCOL.md exclusions 4-11)."""


def candidate_record(candidate: Candidate) -> dict[str, Any]:
    """The screening form (DESIGN.md candidate record) of a simulated candidate: age, disease
    duration and EDSS as drawn, and the history that meets their course's inclusion-1 branch
    (failed therapy, EDSS increase, relapses or GEL) unless the simulator found them inactive."""
    s, p = candidate.screened_date, candidate.planned_randomisation_date
    active = BRANCH[candidate.ms_course][0] not in candidate.failed_criteria
    record: dict[str, Any] = {
        "id": candidate.screening_id, "sex": candidate.sex or "F", "ms_course": candidate.ms_course,
        "birth_date": _iso(p, (candidate.age + 0.5) * 365.25),
        "ms_onset_date": _iso(p, candidate.disease_duration_years * 365.25),
        "planned_randomisation_date": p.isoformat(), "edss": candidate.edss,
        "edss_history": [{"date": _iso(s, 200), "value": snap_edss(candidate.edss - (1.0 if active else 0.0))}],
        "relapses": [_iso(s, 120)] if active and candidate.ms_course != "PP" else [],
        "mri": [{"date": _iso(s, 20), "gel": max(candidate.qualifying_gel, 1) if active else 0}],
        "csf_oligoclonal_bands": True,
        "therapies": [] if candidate.ms_course == "PP" else
        [{"drug": "interferon beta-1a", "start": _iso(s, 3 * 365), "stop": _iso(s, 60)}],
        "active_infection": False, "hiv": False, "hepatitis_b": False, "hepatitis_c": False,
        "malignancy_history": "none", "life_limiting_comorbidity": False, "haematological_disease": False,
        "wbc_abnormal": False, "pregnant": False, "uses_contraception": True, "egfr": 90,
        "renal_failure": False, "can_have_mri": True, "consent": True,
    }  # fmt: skip
    for criterion in candidate.failed_criteria:
        if criterion in EXCLUSION_FACTS:
            EXCLUSION_FACTS[criterion](record, s)
    if candidate.eligible == "unknown":
        record["egfr"] = None
    return record


def simulated_demo_trial(today: dt.date) -> SimulatedTrial:
    """The simulated trial behind the demo: recruiting at the demo sites since RECRUITMENT_DAYS ago."""
    scenario = build_scenario(
        {
            "start_date": today - dt.timedelta(days=RECRUITMENT_DAYS),
            "recruitment_months": round(RECRUITMENT_DAYS / 30.4),
            "data_cutoff": today,
            "site_weights": dict.fromkeys(DEMO_SITES, 1.0),
            "other_site_weight": 0.0,
        }
    )
    return simulate_trial(scenario, np.random.default_rng(DEMO_SEED), participants=DEMO_PARTICIPANTS)


def seed_demo(protocol: Protocol, progress: Progress | None = None) -> DemoTrial:
    """Installs the protocol and the demo users; replays a simulated trial unless one is there."""
    from mesems.web.apps.screening.models import Screening

    install_protocol(protocol)
    logins = create_demo_users(protocol)
    if Screening.objects.exists():
        return DemoTrial(logins, seeded=False, steps=0)
    from mesems.web.demo_replay import Replay

    replay = Replay(logins, timezone.localdate(), np.random.default_rng(DEMO_SEED))
    steps = replay.run(simulated_demo_trial(replay.today), progress)
    return DemoTrial(logins, seeded=True, steps=steps)


def at(day: dt.date, later: dt.timedelta = dt.timedelta(0)) -> Any:
    """The clock held at midday UTC of `day` (the same calendar day at every European site), or
    `later` than that for a step that follows another on the same day (thaw, then infusion)."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC) + later, tick=False)


class EventQueue:
    """Steps of the trial in date order; a step may schedule later ones (e.g. an allocation its visits)."""

    def __init__(self) -> None:
        self._heap: list[tuple[dt.date, int, Callable[[], None]]] = []
        self._order = itertools.count()

    def add(self, day: dt.date, step: Callable[[], None]) -> None:
        heapq.heappush(self._heap, (day, next(self._order), step))

    def __len__(self) -> int:
        return len(self._heap)

    def pop(self) -> tuple[dt.date, Callable[[], None]]:
        day, _, step = heapq.heappop(self._heap)
        return day, step
