"""One participant's 48 weeks as the trial records them: visits with their dates and windows,
missed visits and scans, infusions, MRI, EDSS, relapses with unscheduled visits, vital signs,
laboratory values, medications, medical history, adverse events, dropout, protocol deviations,
and how participation ended.

With a data cut-off the record stops that day: later visits are `upcoming`, open events have
no stop date and the participant is `ongoing`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mesems.protocol import Protocol, Visit
from mesems.sim.disease import (
    DAYS_PER_WEEK,
    DAYS_PER_YEAR,
    DiseaseCourse,
    active_in_period,
    draw_edss,
    draw_gel,
    period_of_week,
    simulate_disease,
)
from mesems.sim.population import Participant
from mesems.sim.records import labs, medical_history, medication_row, medications, vital_signs
from mesems.sim.safety import Infusion, outcome, simulate_adverse_events
from mesems.sim.scenario import Scenario

Row = dict[str, Any]
WITHDRAWAL_REASONS = ("withdrew consent", "adverse event", "moved away", "pregnancy", "investigator decision")


@dataclass
class Record:
    """Rows of each table for one participant, keyed by table name."""

    rows: dict[str, list[Row]] = field(default_factory=dict)

    def add(self, table: str, row: Row) -> None:
        self.rows.setdefault(table, []).append(row)


@dataclass(frozen=True)
class _VisitDone:
    visit: Visit
    day: int
    status: str
    out_of_window: bool


def _schedule(protocol: Protocol, stop_day: int, cutoff_day: int | None, scenario: Scenario,
              rng: np.random.Generator) -> list[_VisitDone]:
    conduct = scenario.conduct
    visits = []
    for visit in protocol.schedule.visits:
        planned = visit.week * DAYS_PER_WEEK
        if planned > stop_day:
            break
        exact = visit.window_before_days == 0 and visit.window_after_days == 0
        offset, out = 0, False
        if not exact:
            if rng.random() < conduct.out_of_window:
                out = True
                offset = int(rng.integers(visit.window_after_days + 1, visit.window_after_days + 8))
            else:
                offset = int(rng.integers(-min(conduct.jitter_days, visit.window_before_days),
                                          min(conduct.jitter_days, visit.window_after_days) + 1))
        day = planned + offset
        if cutoff_day is not None and day > cutoff_day:
            visits.append(_VisitDone(visit, planned, "upcoming", False))
            continue
        missed = visit.week > 0 and "infusion" not in visit.assessments and rng.random() < conduct.missed_visit
        visits.append(_VisitDone(visit, day, "missed" if missed else "done", out and not missed))
    return visits


def _spans(protocol: Protocol, sequence: str, second_infusion_day: int) -> list[tuple[int, int, bool]]:
    first = protocol.periods[0].number
    return [(0, second_infusion_day, active_in_period(protocol, sequence, first)),
            (second_infusion_day, 10**6, active_in_period(protocol, sequence, first + 1))]


def follow_up(participant: Participant, protocol: Protocol, scenario: Scenario, cutoff: dt.date | None,
              rng: np.random.Generator) -> Record:
    """Every row that the trial records for `participant`."""
    c, pid, start = participant.candidate, participant.participant_id, participant.randomisation_date
    course: DiseaseCourse = simulate_disease(participant, protocol, scenario, rng)
    end_day = protocol.schedule.weeks_of_follow_up * DAYS_PER_WEEK
    rate = scenario.conduct.dropout_per_year
    dropout_day = int(rng.exponential(DAYS_PER_YEAR / rate)) if rate > 0 else None
    withdrawn = dropout_day is not None and dropout_day < end_day
    cutoff_day = (cutoff - start).days if cutoff is not None else None
    stop_day = dropout_day if withdrawn and dropout_day is not None else end_day + DAYS_PER_WEEK
    visits = _schedule(protocol, stop_day, cutoff_day, scenario, rng)
    done = [v for v in visits if v.status == "done"]
    last_visit = next((v for v in reversed(visits) if v.visit.week == protocol.schedule.weeks_of_follow_up), None)
    follow_up_ends = stop_day if withdrawn else last_visit.day if last_visit is not None else end_day
    record_until = min(follow_up_ends, cutoff_day) if cutoff_day is not None else follow_up_ends

    def date(day: int) -> dt.date:
        return start + dt.timedelta(days=day)

    record = Record()
    infusions = []
    baseline_gel = None
    edss_history: list[tuple[int, float]] = []
    for v in visits:
        period = period_of_week(protocol, v.visit.week)
        record.add("visits", {"participant_id": pid, "visit_id": v.visit.id, "week": v.visit.week, "period": period,
                              "planned_date": date(v.visit.week * DAYS_PER_WEEK),
                              "actual_date": date(v.day) if v.status == "done" else None,
                              "status": v.status, "out_of_window": v.out_of_window})
        if v.out_of_window:
            record.add("deviations", {"participant_id": pid, "category": "visit_window", "found_date": date(v.day),
                                      "visit_id": v.visit.id,
                                      "description": f"{v.visit.id} done {v.day - v.visit.week * DAYS_PER_WEEK:+d} days from target"})
        if v.status == "missed":
            record.add("deviations", {"participant_id": pid, "category": "procedure", "visit_id": v.visit.id,
                                      "found_date": date(v.visit.week * DAYS_PER_WEEK + v.visit.window_after_days + 1),
                                      "description": f"{v.visit.id} missed"})
        if v.status != "done":
            continue
        if "infusion" in v.visit.assessments:
            infusion_period = next((p.number for p in protocol.periods if p.dosing_week == v.visit.week), period)
            product = protocol.arm(participant.sequence).interventions[infusion_period - 1]
            infusions.append(Infusion(day=v.day, period=infusion_period, product=product))
            dose = protocol.intervention(product).dose
            cells = round(float(rng.uniform(dose.min_per_kg, dose.max_per_kg)), -4) if dose and protocol.intervention(product).active else 0.0
            record.add("infusions", {"participant_id": pid, "week": v.visit.week, "period": infusion_period,
                                     "infusion_date": date(v.day), "product_code": None,  # given by the trial, unique
                                     "product": product, "cells_per_kg": cells})
        if "mri_gel" in v.visit.assessments and (v.visit.week == 0 or rng.random() >= scenario.conduct.missed_scan):
            gel = draw_gel(course, v.visit.week, scenario, rng)
            baseline_gel = gel if v.visit.week == 0 else baseline_gel
            record.add("gel", {"participant_id": pid, "sequence": participant.sequence, "week": v.visit.week, "gel": gel})
            record.add("mri", _mri_row(pid, v, gel, course, scenario, rng, date(v.day)))
        if "vitals" in v.visit.assessments:
            record.add("vital_signs", {"participant_id": pid, "week": v.visit.week, "assessment_date": date(v.day),
                                       **vital_signs(rng, c.weight_kg, "infusion" in v.visit.assessments)})
        if "labs" in v.visit.assessments:
            record.add("labs", {"participant_id": pid, "week": v.visit.week, "sample_date": date(v.day), **labs(rng, c.sex)})
        if "edss" in v.visit.assessments:
            value = draw_edss(course, v.day, scenario, rng)
            edss_history.append((v.day, value))
            record.add("edss", {"participant_id": pid, "week": v.visit.week, "assessment_date": date(v.day), "edss": value})

    second_day = next((i.day for i in infusions if i.period > protocol.periods[0].number),
                      (protocol.periods[-1].dosing_week or 0) * DAYS_PER_WEEK)
    relapses = [r for r in course.relapses if r.day <= record_until]
    for number, relapse in enumerate(relapses, start=1):
        seen = relapse.day + int(rng.integers(2, 11))
        while seen in {day for day, _ in edss_history}:  # one EDSS a day: the visit moves to the next
            seen += 1
        period = 1 if relapse.day < second_day else 2
        last_before = max(((day, value) for day, value in edss_history if day <= relapse.day), default=(0, c.edss))[1]
        confirmed = False
        if seen <= record_until:
            value = draw_edss(course, seen, scenario, rng)
            confirmed = value >= last_before + 0.5
            record.add("visits", {"participant_id": pid, "visit_id": f"U{number:02d}", "week": None, "period": period,
                                  "planned_date": None, "actual_date": date(seen), "status": "done", "out_of_window": False})
            record.add("edss", {"participant_id": pid, "week": None, "assessment_date": date(seen), "edss": value})
            edss_history.append((seen, value))
        record.add("relapses", {"participant_id": pid, "onset_date": date(relapse.day), "period": period, "confirmed": confirmed})

    taken = [m for m in medications(rng, [r.day for r in relapses]) if m.start_day <= record_until]
    for number, medication in enumerate(sorted(taken, key=lambda m: m.start_day), start=1):
        record.add("concomitant_medications", medication_row(pid, number, medication, start, cutoff_day))
    for row in medical_history(rng, pid, c.screened_date):
        record.add("medical_history", row)

    events = simulate_adverse_events(record_until, _spans(protocol, participant.sequence, second_day), infusions,
                                     relapses, scenario, rng)
    for number, event in enumerate(e for e in events if e.start_day <= record_until):
        resolved_day = event.start_day + event.duration_days
        stop = date(resolved_day) if cutoff_day is None or resolved_day <= cutoff_day else None
        record.add("adverse_events", {
            "participant_id": pid, "ae_id": f"{pid}-AE{number + 1:02d}", "term": event.term.term, "soc": event.term.soc,
            "pt": event.term.pt, "grade": event.grade, "serious": event.serious, "related": event.related,
            "expected": event.term.expected, "infusion_reaction": event.infusion_reaction,
            "start_date": date(event.start_day), "stop_date": stop,
            "period": 1 if event.start_day < second_day else 2, "outcome": outcome(event, stop)})

    record.add("participants", {
        "participant_id": pid, "site_id": c.site_id, "randomisation_number": participant.randomisation_number,
        "randomisation_date": start, "sequence": participant.sequence, "ms_course": c.ms_course, "sex": c.sex,
        "age": c.age, "disease_duration_years": c.disease_duration_years, "baseline_edss": c.edss,
        "baseline_gel": baseline_gel, "relapses_prior_12m": c.relapses_prior_12m, "weight_kg": c.weight_kg})
    last = max((v.visit.week for v in done), default=0)
    if withdrawn and (cutoff_day is None or stop_day <= cutoff_day):
        lost = rng.random() < scenario.conduct.lost_to_follow_up_share
        status = "lost_to_follow_up" if lost else "withdrawn"
        reason = None if lost else WITHDRAWAL_REASONS[int(rng.integers(len(WITHDRAWAL_REASONS)))]
        disposition = {"status": status, "end_date": date(stop_day), "reason": reason}
    elif any(v.status == "upcoming" for v in visits) or (cutoff_day is not None and cutoff_day < end_day):
        disposition = {"status": "ongoing", "end_date": None, "reason": None}
    else:
        disposition = {"status": "completed", "end_date": date(max(v.day for v in done)), "reason": None}
    record.add("disposition", {"participant_id": pid, "last_visit_week": last, **disposition})
    return record


def _mri_row(pid: str, v: _VisitDone, gel: int, course: DiseaseCourse, scenario: Scenario, rng: np.random.Generator,
             scan_date: dt.date) -> Row:
    """T2 lesion volume and black holes at the scans that measure them (protocol paper: weeks 0,
    24 and 48); new or enlarging T2 lesions at weeks 24 and 48, about one per GEL of the period."""
    row: Row = {"participant_id": pid, "week": v.visit.week, "scan_date": scan_date, "gel": gel,
                "new_t2": None, "t2_volume_ml": None, "black_holes": None}
    if "mri_t2" in v.visit.assessments:
        activity = sum(mean for week, mean in course.gel_mean.items() if 0 < week <= v.visit.week)
        if v.visit.week > 0:
            row["new_t2"] = int(rng.poisson(activity))
        row["t2_volume_ml"] = round(course.t2_volume_ml + 0.08 * activity + float(rng.normal(0, 0.05)), 2)
        row["black_holes"] = course.black_holes + int(rng.poisson(0.3 * activity))
    return row
