"""The `screening` table from the screening log (the screening app), and the candidate facts a
participant was screened with.

A participant with no row in the log (made before the log existed, or by hand) is added from
their status: screened on the day their record was made, under the eligibility version in force
that day; screen_failed is not eligible, still screening is unknown, any later status eligible.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from mesems.protocol import Protocol
from mesems.web.apps.datasets.frames import Dumped, local_date, ordered, rows_frame, schema_of, source
from mesems.web.apps.screening.models import Screening
from mesems.web.apps.trials.models import Participant
from mesems.web.apps.visits.models import Consent

CONSENTED = frozenset({
    Participant.Status.CONSENTED, Participant.Status.WITHDRAWN_BEFORE_RANDOMISATION, Participant.Status.RANDOMISED,
    Participant.Status.COMPLETED, Participant.Status.WITHDRAWN, Participant.Status.LOST_TO_FOLLOW_UP,
})
"""Statuses that a participant reaches only after written informed consent."""

NAMES = ["participant_id", "participant_pk", "screening_pk", "screening_id", "site_id", "screened_date", "protocol_version",
         "eligible", "failed_criteria", "consented", "withdrawn_before_randomisation", "randomised_id"]
"""participant_id here is the join key (the participant's code, consented or not); the table's own
`participant_id` is `randomised_id`, set once the participant is allocated."""


def _version_on(protocol: Protocol, day: dt.date | None) -> str | None:
    """The eligibility version in force on `day`; none before the first one takes effect."""
    try:
        return protocol.eligibility_in_force(day).id if day else None
    except LookupError:
        return None


def _logged() -> list[tuple[Any, ...]]:
    fields = ("participant__code", "participant_id", "pk", "code", "site__code", "screened_date", "protocol_version", "outcome",
              "failed_criteria", "consented", "withdrawn_before_randomisation", "participant__allocation__pk")
    return [(*row[:-1], row[0] if row[-1] else None) for row in Screening.objects.values_list(*fields)]


def _unlogged(protocol: Protocol) -> list[tuple[Any, ...]]:
    versions: dict[dt.date | None, str | None] = {}
    rows = []
    for pk, code, site, zone, created, status, allocation in Participant.objects.filter(screening__isnull=True).values_list(
        "pk", "code", "site__code", "site__timezone", "created_at", "status", "allocation__pk"
    ):
        screened = local_date(created, zone)
        if screened not in versions:
            versions[screened] = _version_on(protocol, screened)
        eligible = {"screen_failed": "not_eligible", "screening": "unknown"}.get(status, "eligible")
        rows.append((code, pk, None, code, site, screened, versions[screened], eligible, None, status in CONSENTED,
                     status == Participant.Status.WITHDRAWN_BEFORE_RANDOMISATION, code if allocation else None))
    return rows


def screening(protocol: Protocol) -> Dumped:
    """The screening log, one row per screened candidate; audit rows of a candidate's screening,
    participant record and consent form point at it until they are randomised."""
    frame = rows_frame(_logged() + _unlogged(protocol), schema_of("screening", NAMES))
    waiting = frame.filter(pl.col("randomised_id").is_null() & pl.col("participant_id").is_not_null())
    consents = rows_frame(list(Consent.objects.values_list("participant__code", "pk")), schema_of("screening", ["participant_id", "consent_pk"]))
    key = ["screening_id"]
    named = frame.with_columns(participant_id=pl.col("randomised_id"))
    sources = (
        source(Screening, named, "screening_pk", key),
        source(Participant, waiting.with_columns(participant_id=pl.lit(None, pl.String)), "participant_pk", key),
        source(Consent, waiting.join(consents, on="participant_id").with_columns(participant_id=pl.lit(None, pl.String)), "consent_pk", key),
    )
    return Dumped("screening", ordered(named, "screening"), sources)


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def candidate_facts() -> pl.DataFrame:
    """Per allocated participant, what their candidate record says: sex, birth date, MS onset, relapses."""
    rows = [(code, record.get("sex") or None, _date(record.get("birth_date")), _date(record.get("ms_onset_date")),
             [d for d in map(_date, record.get("relapses") or []) if d is not None])
            for code, record in Screening.objects.filter(participant__allocation__isnull=False).values_list("participant__code", "candidate")]
    names = ["participant_id", "candidate_sex", "candidate_birth_date", "candidate_onset_date", "candidate_relapses"]
    return rows_frame(rows, schema_of("participants", names))
