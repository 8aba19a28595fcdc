"""Dumping a 10,000-participant database to the flat tables: the fast path against a naive ORM
loop run in the same process, per 1,000 participants.

    python benchmarks/dataset_dump.py [--participants 10000] [--baseline 1000] [--seed 1]

The database is a throwaway SQLite file, filled with `bulk_create` (the services would take hours
for 10,000 participants): sites and protocol as installed, one allocation, schedule and visits
per participant (`mesems.schedule.plan_visits`), every form the visits collect, demographics,
MS history, two adverse events, an end of study for half, and one audit record per row saved.

Fast path: `mesems.web.apps.datasets.tables.dump_tables` (one query per table, joins in the
database, polars frames, then the contract check). Baseline: the loop a first version would
write, one participant at a time with the ORM (`participant.allocation`, then a query per form),
building the same rows; it runs on the first `--baseline` participants and is scaled per 1,000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

FORM_VALUES = {
    "vital_signs": lambda r, d: {"measured_on": d, "systolic_bp": int(r.integers(105, 140)), "diastolic_bp": int(r.integers(65, 88)),
                                 "heart_rate": int(r.integers(58, 90)), "temperature_c": 36.7},
    "weight": lambda r, d: {"measured_on": d, "weight_kg": round(float(r.normal(70, 10)), 1)},
    "labs": lambda r, d: {"sampled_on": d, "wbc": round(float(r.normal(6.5, 1.2)), 1), "egfr": 95.0},
    "edss": lambda r, d: {"assessed_on": d, "edss": float(r.choice([2.5, 3.0, 3.5, 4.0, 4.5])), "fs_pyramidal": int(r.integers(1, 4))},
    "mri": lambda r, d: {"scan_date": d, "gel": int(r.poisson(1.2)), "new_t2": int(r.poisson(1)), "t2_volume_ml": 5.5, "black_holes": 1},
    "infusion": lambda r, d: {"infused_on": d, "product_code": "P-BENCH", "dose_per_kg": 1.5e6, "volume_ml": 100.0},
}


def fill(count: int, rng: np.random.Generator) -> None:
    """The database as described in the module docstring."""
    from django.db import transaction
    from django.utils import timezone

    from mesems.protocol import load_protocol
    from mesems.schedule import collection_for, plan_visits
    from mesems.web.apps.allocation.models import Allocation, AllocationList
    from mesems.web.apps.audit.models import AuditEvent
    from mesems.web.apps.safety.models import AdverseEvent
    from mesems.web.apps.trials.models import Participant, Site
    from mesems.web.apps.trials.services import install_protocol
    from mesems.web.apps.visits.models import Demographics, EndOfStudy, MSHistory, ParticipantSchedule, Visit
    from mesems.web.apps.visits.registry import get_kind

    protocol = load_protocol()
    install_protocol(protocol)
    sites = list(Site.objects.all())
    start = dt.date(2024, 1, 1)
    now = timezone.now()
    with transaction.atomic():
        people = Participant.objects.bulk_create([
            Participant(code=f"{sites[i % len(sites)].code}-{i:05d}", site=sites[i % len(sites)], ms_course=("RR", "SP", "PP")[i % 3], status="randomised")
            for i in range(count)])
        alist = AllocationList.objects.create(method="permuted_blocks", arms=["MSC-placebo", "placebo-MSC"], factors=[], digest="0" * 64,
                                              entry_count=count, loaded_by="bench")
        Allocation.objects.bulk_create([
            Allocation(participant=p, alist=alist, stratum=p.code[:6], position=i, sequence=("MSC-placebo", "placebo-MSC")[i % 2], levels={},
                       randomisation_number=f"R-{i + 1:05d}", product_code=f"P-{i:06d}", request_id=f"bench-{i:06d}", allocated_at=now,
                       allocated_by="bench") for i, p in enumerate(people)], batch_size=5000)
        days = {p.pk: start + dt.timedelta(days=i % 365) for i, p in enumerate(people)}
        ParticipantSchedule.objects.bulk_create([ParticipantSchedule(participant=p, randomisation_date=days[p.pk]) for p in people], batch_size=5000)
        plans = {day: plan_visits(protocol, day) for day in set(days.values())}
        Visit.objects.bulk_create([
            Visit(participant=p, code=v.visit_id, name=v.name, week=v.week, period=v.period, target_date=v.window.target, earliest=v.window.earliest,
                  latest=v.window.latest, missed_from=v.missed_from, assessments=list(v.assessments), visit_date=v.window.target)
            for p in people for v in plans[days[p.pk]]], batch_size=5000)
        rows: dict[type, list[Any]] = {}
        for visit in Visit.objects.select_related("participant").iterator(chunk_size=5000):
            for key in collection_for(visit.assessments).forms:
                if key in FORM_VALUES:
                    model = get_kind(key).model
                    rows.setdefault(model, []).append(model(participant=visit.participant, visit=visit, **FORM_VALUES[key](rng, visit.visit_date)))
        for model, made in rows.items():
            model.objects.bulk_create(made, batch_size=5000)
        Demographics.objects.bulk_create([Demographics(participant=p, birth_date=dt.date(1980, 1, 1) + dt.timedelta(days=i % 5000), sex="FM"[i % 2])
                                          for i, p in enumerate(people)], batch_size=5000)
        MSHistory.objects.bulk_create([MSHistory(participant=p, onset_date=dt.date(2015, 1, 1), relapses_prior_12m=1) for p in people], batch_size=5000)
        AdverseEvent.objects.bulk_create([
            AdverseEvent(participant=p, term="headache", soc="Nervous system disorders", pt="Headache", grade=1 + n, causality="unlikely",
                         outcome="recovered", start_date=days[p.pk] + dt.timedelta(days=10 + 100 * n), period=1 + n)
            for p in people for n in range(2)], batch_size=5000)
        EndOfStudy.objects.bulk_create([EndOfStudy(participant=p, status="completed", end_date=days[p.pk] + dt.timedelta(weeks=48), last_visit_week=48)
                                        for p in people[::2]], batch_size=5000)
        entities = [(m._meta.label_lower, pk) for m in (*rows, Visit, Demographics, MSHistory, AdverseEvent) for pk in m.objects.values_list("pk", flat=True)]
        first = AuditEvent.objects.count() + 1
        AuditEvent.objects.bulk_create([
            AuditEvent(id=first + i, at=now, actor="bench", role="nurse", site_code="SE-KAR", action="create", entity=entity, entity_id=str(pk),
                       changes={}, prev_digest=f"b{i:063x}", digest=f"b{i + 1:063x}") for i, (entity, pk) in enumerate(entities)], batch_size=5000)


def naive(limit: int) -> int:
    """The baseline: one participant at a time through the ORM; returns the number of rows built."""
    from mesems.web.apps.safety.models import AdverseEvent
    from mesems.web.apps.trials.models import Participant
    from mesems.web.apps.visits.models import (
        Demographics,
        EdssAssessment,
        EndOfStudy,
        Labs,
        MriRead,
        MSHistory,
        Visit,
        VitalSigns,
        Weight,
    )
    from mesems.web.apps.visits.models import Infusion as InfusionForm

    built = 0
    for participant in Participant.objects.filter(allocation__isnull=False).order_by("pk")[:limit]:
        allocation, schedule = participant.allocation, participant.schedule
        demographics = Demographics.objects.filter(participant=participant).first()
        history = MSHistory.objects.filter(participant=participant).first()
        rows = [(participant.code, participant.site.code, allocation.randomisation_number, schedule.randomisation_date, allocation.sequence,
                 demographics.sex if demographics else None, history.onset_date if history else None)]
        for visit in Visit.objects.filter(participant=participant):
            rows.append((participant.code, visit.code, visit.week, visit.target_date, visit.visit_date))
        for model in (EdssAssessment, MriRead, VitalSigns, Weight, Labs, InfusionForm, AdverseEvent, EndOfStudy):
            for record in model.objects.filter(participant=participant):
                rows.append((participant.code, record.pk, record.visit.week if record.visit_id else None))
        built += len(rows)
    return built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mesems-dump-bench-") as data:
        os.environ["MESEMS_DATA_DIR"] = data
        os.environ.pop("MESEMS_DATABASE_URL", None)
        from mesems.web.bootstrap import setup_django

        setup_django()
        from django.core.management import call_command

        from mesems.access import Role
        from mesems.protocol import load_protocol
        from mesems.web.apps.datasets.tables import dump_tables

        call_command("migrate", interactive=False, verbosity=0)
        started = time.perf_counter()
        fill(args.participants, np.random.default_rng(args.seed))
        print(f"filled {args.participants} participants in {time.perf_counter() - started:.1f} s")
        protocol = load_protocol()
        started = time.perf_counter()
        tables = dump_tables(protocol, role=Role.UNBLINDED_STATISTICIAN, unblinded=True)
        fast = time.perf_counter() - started
        rows = sum(frame.height for frame in tables.frames.values())
        started = time.perf_counter()
        built = naive(args.baseline)
        slow = time.perf_counter() - started
        fast_per_k, slow_per_k = fast / args.participants * 1000, slow / args.baseline * 1000
        print(f"fast path  dump_tables, {args.participants} participants, {rows} rows in {len(tables.frames)} tables: {fast:.2f} s "
              f"({fast_per_k:.3f} s per 1,000 participants)")
        print(f"baseline   naive ORM loop, {args.baseline} participants, {built} rows: {slow:.2f} s ({slow_per_k:.3f} s per 1,000 participants)")
        print(f"ratio      baseline / fast path, per participant: {slow_per_k / fast_per_k:.1f}x")


if __name__ == "__main__":
    main()
