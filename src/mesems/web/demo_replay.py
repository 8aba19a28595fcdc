"""Replays a simulated trial through the real services, each step on its own date (see web/demo.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from django.utils import timezone

from mesems.access import Role
from mesems.schedule import dosing_period
from mesems.sim.population import Candidate
from mesems.sim.trial import SimulatedTrial
from mesems.web.apps.accounts.models import User
from mesems.web.apps.allocation.services import generate_and_load
from mesems.web.apps.cellproduct.bedside import bedside_infusion
from mesems.web.apps.cellproduct.models import Bag
from mesems.web.apps.cellproduct.seeding import prepare_released_product
from mesems.web.apps.cellproduct.services import thaw_bag
from mesems.web.apps.screening import services as screening
from mesems.web.apps.screening.models import Screening
from mesems.web.apps.trials.models import Participant
from mesems.web.apps.trials.services import current_protocol
from mesems.web.apps.visits.demo import Recorded, fill_visit
from mesems.web.apps.visits.models import Visit
from mesems.web.apps.visits.services import raise_query, report_visit, save_record, sign_visit, visit_views
from mesems.web.demo import EventQueue, Login, Progress, at, candidate_record

SAE_REPORTED_AFTER_DAYS = 5
"""Older SAEs of the demo were reported on time; only the latest one's clock is still running."""
THAW_TO_BEDSIDE = dt.timedelta(minutes=20)
"""A thawed bag reaches the bedside this long after the lab thawed it (the protocol allows 60 minutes)."""

SIMULATED_FORMS: dict[str, tuple[str, dict[str, str]]] = {
    "vital_signs": ("vital_signs", {"systolic_bp": "systolic_bp", "diastolic_bp": "diastolic_bp",
                                    "heart_rate": "pulse", "temperature_c": "temperature_c"}),
    "weight": ("vital_signs", {"weight_kg": "weight_kg"}),
    "labs": ("labs", {"wbc": "wbc", "egfr": "egfr"}),
    "edss": ("edss", {"edss": "edss"}),
    "mri": ("mri", {"gel": "gel", "new_t2": "new_t2", "t2_volume_ml": "t2_volume_ml",
                    "black_holes": "black_holes"}),
}  # fmt: skip
"""Form -> (simulated table, {form field: column}): what the simulator measures at a visit, so the
analysis of the demo's database is the analysis of the simulated trial. A field the simulator
leaves empty (new T2 lesions at baseline) is drawn, since the form asks for it."""


@dataclass(frozen=True)
class SimulatedVisit:
    """A scheduled visit as the simulator recorded it: done (on `day`), missed or upcoming, and
    what it measured there by form (None: not measured, e.g. a missed scan)."""

    status: str
    day: dt.date | None
    recorded: Recorded


def _measured(row: dict[str, Any] | None, fields: dict[str, str]) -> dict[str, Any] | None:
    if row is None:
        return None
    return {field: row[column] for field, column in fields.items() if row[column] is not None}


def simulated_visits(trial: SimulatedTrial) -> dict[tuple[str, str], SimulatedVisit]:
    """Every visit of the simulated trial by (simulated participant, visit id)."""
    by_visit = {
        table: {(r["participant_id"], r["week"]): r for r in trial.rows(table) if r["week"] is not None}
        for table in {table for table, _ in SIMULATED_FORMS.values()}
    }
    visits = {}
    for row in trial.rows("visits"):
        key = (row["participant_id"], row["week"])
        recorded = {form: _measured(by_visit[table].get(key), fields)
                    for form, (table, fields) in SIMULATED_FORMS.items()}  # fmt: skip
        visits[(row["participant_id"], row["visit_id"])] = SimulatedVisit(
            row["status"], row["actual_date"], recorded
        )
    return visits


class Replay:
    """The demo users acting out a simulated trial, step by step in date order, until `today`."""

    def __init__(self, logins: list[Login], today: dt.date, rng: np.random.Generator) -> None:
        self.today, self.rng = today, rng
        self.users = {(login.role, login.site): User.objects.get(username=login.username) for login in logins}
        self.passwords = {login.username: login.password for login in logins}
        self.queue = EventQueue()
        self.randomised: list[str] = []
        self.checked_records: list[Any] = []
        self.adverse_events: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.simulated_ids: dict[int, str] = {}
        self.simulated: dict[tuple[str, str], SimulatedVisit] = {}

    def user(self, role: Role, site: str | None = None) -> Any:
        return self.users[(role, site)]

    def run(self, trial: SimulatedTrial, progress: Progress | None = None) -> int:
        """Every step dated up to today, in date order; returns how many were replayed."""
        self.simulated_ids = {p.candidate.index: p.participant_id for p in trial.enrolment.participants}
        self.simulated = simulated_visits(trial)
        for row in trial.rows("adverse_events"):
            self.adverse_events[row["participant_id"]].append(row)
        first = min(c.screened_date for c in trial.enrolment.candidates)
        with at(first):
            generate_and_load(f"demo-{first.isoformat()}", per_stratum=12, actor=self.user(Role.SPONSOR_ADMIN))
        for candidate in trial.enrolment.candidates:
            self.queue.add(candidate.screened_date, partial(self.screen, candidate))
        steps = 0
        while self.queue:
            day, step = self.queue.pop()
            if day >= self.today:
                continue
            with at(day):
                step()
            steps += 1
            if progress is not None:
                progress(day, steps, steps + len(self.queue))
        with at(self.today):
            self.finish()
        return steps + 1

    def screen(self, candidate: Candidate) -> None:
        """A candidate the simulator randomised is the only kind who reaches allocation here: the
        simulator draws consent only for those it found eligible."""
        nurse = self.user(Role.NURSE, candidate.site_id)
        done = screening.create_screening(nurse, candidate_record(candidate))
        if done.outcome != Screening.Outcome.ELIGIBLE or not candidate.consented:
            return
        screening.record_consent(nurse, done.code, candidate.screened_date)
        if candidate.withdrawn_before_randomisation:
            withdraw = partial(screening.withdraw_before_randomisation, nurse, done.code, "changed their mind")
            self.queue.add(candidate.screened_date + dt.timedelta(days=7), withdraw)
            return
        code = Screening.objects.get(pk=done.pk).participant.code
        planned = candidate.planned_randomisation_date
        self.queue.add(planned - dt.timedelta(days=1), partial(self.release, code, candidate.weight_kg))
        sim_id = self.simulated_ids[candidate.index]
        self.queue.add(planned, partial(self.allocate, code, candidate.site_id, sim_id))

    def release(self, code: str, weight_kg: float) -> None:
        lab = self.user(Role.CELL_LAB)
        prepare_released_product(code, lab, self.passwords[lab.username], weight_kg=weight_kg)

    def allocate(self, code: str, site: str, sim_id: str) -> None:
        """Allocation starts the schedule; each visit is then replayed as the simulator recorded it:
        done on its day, or reported not done once its window has closed."""
        from mesems.web.apps.allocation.services import allocate_next

        allocate_next(code, self.user(Role.NURSE, site), f"demo-allocation-{code}")
        self.randomised.append(code)
        for visit in Visit.objects.filter(participant__code=code, week__isnull=False).order_by("target_date"):
            seen = self.simulated.get((sim_id, visit.code))
            if seen is None:
                continue
            if seen.status == "done" and seen.day is not None:
                self.queue.add(seen.day, partial(self.visit, code, site, visit.code, seen.day, seen.recorded))
            elif seen.status == "missed":
                self.queue.add(visit.missed_from, partial(self.missed_visit, code, site, visit.code))
        for row in self.adverse_events.get(sim_id, []):
            stop = row.get("stop_date")
            entered = stop if stop and stop < self.today else row["start_date"] + dt.timedelta(days=1)
            self.queue.add(entered, partial(self.adverse_event, code, site, row))

    def visit(self, code: str, site: str, visit_code: str, day: dt.date, measured: Recorded) -> None:
        """At an infusion visit the lab thaws the participant's bag for the period at midday and the
        nurse checks it at the bedside before the visit's forms, whose infusion record carries it."""
        nurse = self.user(Role.NURSE, site)
        visit = Visit.objects.get(participant__code=code, code=visit_code)
        infused = "infusion" in visit.assessments
        period = dosing_period(current_protocol().periods, visit.week) if infused else None
        bag = self.thaw(code, period) if period is not None else None
        with at(day, THAW_TO_BEDSIDE):
            recorded = dict(measured)
            if bag is not None:
                recorded["infusion"] = {"product_code": bedside_infusion(nurse, code, True, bag).product_code}
            records = fill_visit(nurse, code, visit_code, day, self.rng, recorded)
        self.checked_records.extend(r for r in records if type(r).__name__ == "VitalSigns")

    def thaw(self, code: str, period: int) -> str:
        """The lab takes the participant's bag for `period` out of cryostorage and thaws it."""
        bag = Bag.objects.get(product__participant__code=code, period=period)
        thaw_bag(self.user(Role.CELL_LAB), bag.code, "infusion room")
        return bag.code

    def missed_visit(self, code: str, site: str, visit_code: str) -> None:
        """Reported not done once its window has closed, and logged as a deviation as the simulator
        logs it."""
        nurse = self.user(Role.NURSE, site)
        report_visit(nurse, code, visit_code, {"missed": True, "missed_reason": "did not come"})
        deviation = {"category": "procedure", "description": f"{visit_code} missed", "found_how": "site_report",
                     "found_on": timezone.localdate()}  # fmt: skip
        save_record(nurse, "deviation", code, deviation)

    def adverse_event(self, code: str, site: str, row: dict[str, Any]) -> None:
        nurse = self.user(Role.NURSE, site)
        stop = row.get("stop_date")
        stopped = stop is not None and stop <= timezone.localdate()
        values = {
            "term": row["term"], "soc": row["soc"], "pt": row["pt"], "grade": row["grade"],
            "serious_hospitalisation": bool(row["serious"]),
            "causality": "possible" if row["related"] else "not_related", "expected": bool(row["expected"]),
            "action": "none", "outcome": row["outcome"] if stopped else "recovering",
            "start_date": row["start_date"], "stop_date": stop if stopped else None,
        }  # fmt: skip
        event = save_record(nurse, "adverse_event", code, values)
        if row["serious"]:
            self.sae(nurse, code, event, row["start_date"] + dt.timedelta(days=1))

    def sae(self, nurse: Any, code: str, event: Any, aware_on: dt.date) -> None:
        report = save_record(
            nurse, "sae", code, {"adverse_event": event.pk, "aware_on": aware_on, "narrative": f"admitted with {event.term}"}
        )
        reported = aware_on + dt.timedelta(days=SAE_REPORTED_AFTER_DAYS)
        if reported < self.today - dt.timedelta(days=3):
            self.queue.add(reported, partial(self.report_sae, nurse, code, report.pk))

    def report_sae(self, nurse: Any, code: str, report_id: int) -> None:
        save_record(
            nurse, "sae", code,
            {"reported_on": timezone.localdate(), "report_reference": f"SUSAR-{report_id:04d}", "version": 1,
             "reason": "expedited report submitted"},
            record_id=report_id,
        )  # fmt: skip

    def finish(self) -> None:
        """Today: a new SAE whose clock runs, the monitor's open queries, investigators' signatures."""
        code = self.randomised[-1]
        site = code.rsplit("-", 1)[0]
        nurse = self.user(Role.NURSE, site)
        event = save_record(
            nurse, "adverse_event", code,
            {"term": "pneumonia", "soc": "Infections and infestations", "pt": "Pneumonia", "grade": 3,
             "serious_hospitalisation": True, "causality": "possible", "expected": False, "action": "treatment_given",
             "outcome": "recovering", "start_date": self.today - dt.timedelta(days=3)},
        )  # fmt: skip
        self.sae(nurse, code, event, self.today - dt.timedelta(days=2))
        monitor = self.user(Role.MONITOR)
        for record in self.checked_records[-4:]:
            raise_query(monitor, "vital_signs", record.pk, "systolic_bp", "Source notes give another blood pressure: please check")
        for code in self.randomised[:4]:
            participant = Participant.objects.get(code=code)
            views = visit_views(participant)
            complete = [v.visit for v in views if v.visit.visit_date and v.completeness.complete]
            if complete:
                investigator = self.user(Role.INVESTIGATOR, participant.site.code)
                sign_visit(investigator, code, complete[-1].code, self.passwords[investigator.username])
