"""The participant-level tables: participants (with baseline characteristics) and disposition.
A participant is in `participants` once allocated (issue 3: the allocation is the randomisation),
and everything per participant follows that table. Sex, date of birth, MS onset and recent
relapses come from the demographics and MS-history forms, or else from the candidate record
the participant was screened with (DESIGN.md `mesems screen`)."""

from __future__ import annotations

import polars as pl
from django.db.models import Max

from mesems.protocol import Protocol
from mesems.stats.context import DAYS_PER_YEAR
from mesems.web.apps.allocation.models import Allocation
from mesems.web.apps.datasets.frames import RANDOMISED, Dumped, ordered, rows_frame, schema_of, source
from mesems.web.apps.datasets.screening import candidate_facts
from mesems.web.apps.trials.models import Participant
from mesems.web.apps.visits.models import (
    Demographics,
    EdssAssessment,
    EndOfStudy,
    MriRead,
    MSHistory,
    ParticipantSchedule,
    Visit,
    Weight,
)

ENDED = frozenset({Participant.Status.COMPLETED, Participant.Status.WITHDRAWN, Participant.Status.LOST_TO_FOLLOW_UP})
PARTICIPANT_KEY = ["participant_id"]


def _by_participant(rows: list[tuple[object, ...]], names: list[str], table: str = "participants") -> pl.DataFrame:
    """Rows whose first value is the participant's code."""
    return rows_frame(rows, schema_of(table, ["participant_id", *names]))


def _baseline(model: type[EdssAssessment | MriRead | Weight], field: str, column: str, week: int) -> pl.DataFrame:
    rows = model.objects.filter(visit__week=week, **RANDOMISED).values_list("participant__code", field)
    return _by_participant(list(rows), [column])


def _screened_relapses(frame: pl.DataFrame) -> pl.DataFrame:
    """Relapses in the candidate record dated in the 12 months up to the randomisation date."""
    dates = frame.filter(pl.col("candidate_relapses").is_not_null()).select("participant_id", "randomisation_date", "candidate_relapses")
    within = pl.col("candidate_relapses").is_between(pl.col("randomisation_date").dt.offset_by("-1y"), pl.col("randomisation_date"))
    counted = dates.explode("candidate_relapses").group_by("participant_id").agg(screened_relapses=within.sum().cast(pl.Int64))
    return dates.select("participant_id").join(counted, on="participant_id", how="left").with_columns(pl.col("screened_relapses").fill_null(0))


def participants(protocol: Protocol, *, unblinded: bool) -> Dumped:
    """One row per allocated participant; age and disease duration on the randomisation date."""
    allocated = ["participant_pk", "site_id", "randomisation_number", "randomisation_date", "ms_course", "allocation_pk", "schedule_pk"]
    fields = ["participant__code", "participant_id", "participant__site__code", "randomisation_number",
              "participant__schedule__randomisation_date", "participant__ms_course", "pk", "participant__schedule__pk"]
    if unblinded:
        allocated.append("sequence")
        fields.append("sequence")
    frame = _by_participant(list(Allocation.objects.values_list(*fields)), allocated)
    week0 = protocol.periods[0].start_week
    demographics = _by_participant(list(Demographics.objects.filter(**RANDOMISED).values_list("participant__code", "pk", "birth_date", "sex")),
                                   ["demographics_pk", "form_birth_date", "form_sex"])
    history = _by_participant(list(MSHistory.objects.filter(**RANDOMISED).values_list("participant__code", "pk", "onset_date", "relapses_prior_12m")),
                              ["history_pk", "form_onset_date", "form_relapses"])
    for extra in (demographics, history, candidate_facts(), _baseline(EdssAssessment, "edss", "baseline_edss", week0),
                  _baseline(MriRead, "gel", "baseline_gel", week0), _baseline(Weight, "weight_kg", "weight_kg", week0)):
        frame = frame.join(extra, on="participant_id", how="left")
    frame = frame.join(_screened_relapses(frame), on="participant_id", how="left").with_columns(
        sex=pl.coalesce("form_sex", "candidate_sex"),
        birth_date=pl.coalesce("form_birth_date", "candidate_birth_date"),
        onset_date=pl.coalesce("form_onset_date", "candidate_onset_date"),
        relapses_prior_12m=pl.coalesce("form_relapses", "screened_relapses"),
    )
    randomised_on = pl.col("randomisation_date")
    born = pl.col("birth_date")
    birthday_not_yet = (randomised_on.dt.month() * 100 + randomised_on.dt.day()) < (born.dt.month() * 100 + born.dt.day())
    frame = frame.with_columns(
        age=(randomised_on.dt.year() - born.dt.year() - birthday_not_yet.cast(pl.Int32)).cast(pl.Int64),
        disease_duration_years=((randomised_on - pl.col("onset_date")).dt.total_days() / DAYS_PER_YEAR).round(2),
    )
    sources = (
        source(Participant, frame, "participant_pk", PARTICIPANT_KEY),
        source(Allocation, frame, "allocation_pk", PARTICIPANT_KEY),
        source(ParticipantSchedule, frame, "schedule_pk", PARTICIPANT_KEY),
        source(Demographics, frame, "demographics_pk", PARTICIPANT_KEY),
        source(MSHistory, frame, "history_pk", PARTICIPANT_KEY),
    )
    return Dumped("participants", ordered(frame, "participants"), sources)


def disposition(randomised: pl.DataFrame) -> Dumped:
    """How each participant's participation ended: the end-of-study form, else a final status, else ongoing.
    `last_visit_week` is the latest week of a visit done (0, the randomisation visit, before any)."""
    ended = _by_participant(
        list(EndOfStudy.objects.filter(**RANDOMISED).values_list("participant__code", "pk", "status", "end_date", "reason", "last_visit_week")),
        ["end_pk", "form_status", "end_date", "reason", "form_week"], "disposition")
    statuses = _by_participant(list(Participant.objects.filter(allocation__isnull=False).values_list("code", "status")), ["participant_status"])
    done = Visit.objects.filter(visit_date__isnull=False, week__isnull=False, **RANDOMISED).values("participant__code").annotate(top=Max("week"))
    latest = _by_participant([(r["participant__code"], r["top"]) for r in done], ["done_week"], "disposition")
    frame = randomised.select("participant_id")
    for extra in (ended, statuses, latest):
        frame = frame.join(extra, on="participant_id", how="left")
    final = pl.when(pl.col("participant_status").is_in([s.value for s in ENDED])).then(pl.col("participant_status")).otherwise(pl.lit("ongoing"))
    frame = frame.with_columns(
        status=pl.coalesce("form_status", final),
        last_visit_week=pl.coalesce("form_week", "done_week", pl.lit(0)).cast(pl.Int64),
    )
    return Dumped("disposition", ordered(frame, "disposition"), (source(EndOfStudy, frame, "end_pk", PARTICIPANT_KEY),))
