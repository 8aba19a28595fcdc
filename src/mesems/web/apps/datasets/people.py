"""The participant-level tables: screening, participants (with baseline characteristics) and
disposition. A participant is in `participants` once allocated (issue 3: the allocation is the
randomisation), and everything per participant follows that table."""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db.models import Max

from mesems.protocol import Protocol
from mesems.stats.context import DAYS_PER_YEAR
from mesems.web.apps.allocation.models import Allocation
from mesems.web.apps.datasets.frames import RANDOMISED, Dumped, local_date, ordered, rows_frame, schema_of, source
from mesems.web.apps.trials.models import Participant
from mesems.web.apps.visits.models import Consent, Demographics, EdssAssessment, EndOfStudy, MriRead, MSHistory, ParticipantSchedule, Visit, Weight

CONSENTED = frozenset({
    Participant.Status.CONSENTED, Participant.Status.WITHDRAWN_BEFORE_RANDOMISATION, Participant.Status.RANDOMISED,
    Participant.Status.COMPLETED, Participant.Status.WITHDRAWN, Participant.Status.LOST_TO_FOLLOW_UP,
})
"""Statuses that a participant reaches only after written informed consent."""

ENDED = frozenset({Participant.Status.COMPLETED, Participant.Status.WITHDRAWN, Participant.Status.LOST_TO_FOLLOW_UP})
PARTICIPANT_KEY = ["participant_id"]


def _by_participant(rows: list[tuple[object, ...]], names: list[str], table: str = "participants") -> pl.DataFrame:
    """Rows whose first value is the participant's code."""
    return rows_frame(rows, schema_of(table, ["participant_id", *names]))


def _version_on(protocol: Protocol, day: dt.date | None) -> str | None:
    """The eligibility version in force on `day`; none before the first one takes effect."""
    try:
        return protocol.eligibility_in_force(day).id if day else None
    except LookupError:
        return None


def screening(protocol: Protocol) -> Dumped:
    """The screening log, from the participants' statuses (until the screening app keeps its own log):
    every participant was screened on the day their record was made, under the eligibility version
    in force that day; screen_failed is not eligible, still screening is unknown, any later status
    is eligible."""
    versions: dict[object, str | None] = {}
    rows = []
    for pk, code, site, zone, created, status, allocation in Participant.objects.values_list(
        "pk", "code", "site__code", "site__timezone", "created_at", "status", "allocation__pk"
    ).order_by("code"):
        screened = local_date(created, zone)
        eligible = {"screen_failed": "not_eligible", "screening": "unknown"}.get(status, "eligible")
        if screened not in versions:
            versions[screened] = _version_on(protocol, screened)
        version = versions[screened]
        rows.append((code, pk, code, site, screened, version, eligible, status in CONSENTED,
                     status == Participant.Status.WITHDRAWN_BEFORE_RANDOMISATION, code if allocation else None))
    names = ["participant_pk", "screening_id", "site_id", "screened_date", "protocol_version", "eligible", "consented",
             "withdrawn_before_randomisation", "randomised_id"]
    frame = _by_participant(rows, names, "screening")
    waiting = frame.filter(pl.col("randomised_id").is_null())
    consents = _by_participant(list(Consent.objects.values_list("participant__code", "pk")), ["consent_pk"], "screening")
    # The screening log names candidates: its audit rows name no participant.
    sources = (
        source(Participant, waiting.drop("participant_id"), "participant_pk", ["screening_id"]),
        source(Consent, waiting.join(consents, on="participant_id").drop("participant_id"), "consent_pk", ["screening_id"]),
    )
    frame = frame.with_columns(participant_id=pl.col("randomised_id"))
    return Dumped("screening", ordered(frame, "screening"), sources)


def _baseline(model: type[EdssAssessment | MriRead | Weight], field: str, column: str, week: int) -> pl.DataFrame:
    rows = model.objects.filter(visit__week=week, **RANDOMISED).values_list("participant__code", field)
    return _by_participant(list(rows), [column])


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
                                   ["demographics_pk", "birth_date", "sex"])
    history = _by_participant(list(MSHistory.objects.filter(**RANDOMISED).values_list("participant__code", "pk", "onset_date", "relapses_prior_12m")),
                              ["history_pk", "onset_date", "relapses_prior_12m"])
    for extra in (demographics, history, _baseline(EdssAssessment, "edss", "baseline_edss", week0),
                  _baseline(MriRead, "gel", "baseline_gel", week0), _baseline(Weight, "weight_kg", "weight_kg", week0)):
        frame = frame.join(extra, on="participant_id", how="left")
    randomised_on, born = pl.col("randomisation_date"), pl.col("birth_date")
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
