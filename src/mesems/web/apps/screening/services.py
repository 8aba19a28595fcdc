"""Screening services: each opens the transaction, calls the eligibility core, stores what it
decided and writes the audit record. Views, API routes and commands call these; none holds a rule.

Site nurses and investigators screen candidates of their own site; monitors, data managers and
the sponsor's administrator read the log (monitors of a site only that site's). A screening
can be updated until consent; consent needs an eligible verdict and makes the candidate a
participant; a consented participant may withdraw before randomisation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mesems.access import Role
from mesems.eligibility import ScreeningResult, parse_candidate, screen_candidate
from mesems.errors import EligibilityError, NotFound
from mesems.protocol import protocol_digest
from mesems.web.apps.accounts.services import require_role, scope_to_site, site_scope
from mesems.web.apps.audit.services import diff, record_change, snapshot
from mesems.web.apps.screening.models import Screening
from mesems.web.apps.trials.models import Participant, Site
from mesems.web.apps.trials.services import current_protocol

SCREENERS = frozenset({Role.NURSE, Role.INVESTIGATOR})
LOG_READERS = SCREENERS | {Role.MONITOR, Role.DATA_MANAGER, Role.SPONSOR_ADMIN}
AUDITED = (
    "code", "site_id", "candidate", "planned_randomisation_date", "protocol_version", "protocol_digest", "outcome",
    "failed_criteria", "missing", "screened_date", "consented", "consent_date", "withdrawn_before_randomisation",
    "withdrawal_reason", "participant_id",
)  # fmt: skip
RANDOMISED_STATUSES = frozenset(
    {
        Participant.Status.RANDOMISED,
        Participant.Status.COMPLETED,
        Participant.Status.WITHDRAWN,
        Participant.Status.LOST_TO_FOLLOW_UP,
    }
)


def preview(user: Any, data: Any) -> ScreeningResult:
    """The verdicts for a candidate as entered so far, stored nowhere (the live form)."""
    require_role(user, SCREENERS, "screen candidates")
    return screen_candidate(parse_candidate(data), current_protocol())


def _outcome(result: ScreeningResult) -> str:
    return {
        True: Screening.Outcome.ELIGIBLE,
        False: Screening.Outcome.NOT_ELIGIBLE,
        None: Screening.Outcome.UNKNOWN,
    }[result.eligible]


def _apply(screening: Screening, data: Any, user: Any) -> None:
    """The engine's decision on `data`, written onto `screening`."""
    record = parse_candidate(data)
    protocol = current_protocol()
    result = screen_candidate(record, protocol)
    screening.candidate = record.model_dump(mode="json")
    screening.planned_randomisation_date = record.planned_randomisation_date
    screening.protocol_version = result.protocol_version
    screening.protocol_digest = protocol_digest(protocol)
    screening.outcome = _outcome(result)
    screening.failed_criteria = ";".join(result.failed)
    screening.missing = ";".join(result.missing)
    screening.verdicts = result.as_dict()
    screening.screened_date = timezone.localdate()
    screening.screened_by = user


@transaction.atomic
def create_screening(user: Any, data: Any) -> Screening:
    """Screens a candidate at the user's site and adds them to the screening log."""
    require_role(user, SCREENERS, "screen candidates")
    site = Site.objects.select_for_update().get(pk=site_scope(user))
    number = Screening.objects.filter(site=site).count() + 1
    screening = Screening(code=f"SCR-{site.code}-{number:04d}", site=site)
    _apply(screening, data, user)
    screening.save()
    record_change(
        user, "create", screening, snapshot(screening, AUDITED), reason="screened", site_code=site.code
    )
    return screening


def _locked(user: Any, code: str, expected_version: int | None) -> Screening:
    screening = scope_to_site(Screening.objects.select_for_update(), user).filter(code=code).first()
    if screening is None:
        raise NotFound(f"no screening {code!r}", field="code")
    if expected_version is not None and expected_version != screening.version:
        raise EligibilityError(
            f"screening {code} was changed by someone else (version {screening.version}, you had {expected_version}); reload it",
            field="version",
            code="conflict",
            http_status=409,
        )
    return screening


def _save(user: Any, screening: Screening, before: dict[str, Any], reason: str) -> Screening:
    screening.version += 1
    screening.save()
    record_change(
        user,
        "update",
        screening,
        diff(before, snapshot(screening, AUDITED)),
        reason=reason,
        site_code=screening.site.code,
    )
    return screening


@transaction.atomic
def update_screening(
    user: Any, code: str, data: Any, *, expected_version: int | None = None, reason: str = "candidate updated"
) -> Screening:
    """Screens the candidate again with corrected or completed data (until consent)."""
    require_role(user, SCREENERS, "screen candidates")
    screening = _locked(user, code, expected_version)
    if screening.consented:
        raise EligibilityError(
            f"screening {code} has consent recorded; its data can no longer change here",
            field="code",
            code="consented",
            http_status=409,
        )
    before = snapshot(screening, AUDITED)
    _apply(screening, data, user)
    return _save(user, screening, before, reason)


@transaction.atomic
def record_consent(
    user: Any, code: str, consent_date: dt.date, *, expected_version: int | None = None
) -> Screening:
    """Records written informed consent of an eligible candidate, who becomes a participant."""
    require_role(user, SCREENERS, "record consent")
    screening = _locked(user, code, expected_version)
    if screening.consented:
        raise EligibilityError(
            f"screening {code} already has consent recorded", field="code", code="consented", http_status=409
        )
    if screening.outcome != Screening.Outcome.ELIGIBLE:
        what = (
            f"not met: {screening.failed_criteria.replace(';', ', ')}"
            if screening.failed
            else f"missing: {screening.missing.replace(';', ', ')}"
        )
        raise EligibilityError(
            f"only an eligible candidate can consent; screening {code} is {screening.get_outcome_display().lower()} ({what})",
            field="code",
        )
    if consent_date > timezone.localdate():
        raise EligibilityError(f"consent date {consent_date} is in the future", field="consent_date")
    participant = Participant.objects.create(
        code=_next_participant_code(screening.site),
        site=screening.site,
        ms_course=screening.candidate.get("ms_course") or "",
        status=Participant.Status.CONSENTED,
    )
    record_change(
        user,
        "create",
        participant,
        snapshot(participant, ("code", "site_id", "ms_course", "status")),
        reason=f"consent at screening {code}",
        site_code=screening.site.code,
    )
    before = snapshot(screening, AUDITED)
    screening.consented, screening.consent_date, screening.participant = True, consent_date, participant
    return _save(user, screening, before, "consent recorded")


def _next_participant_code(site: Site) -> str:
    """The site's next free participant id, e.g. SE-KAR-0001 (the site row is locked meanwhile)."""
    Site.objects.select_for_update().get(pk=site.pk)
    number = Participant.objects.filter(site=site).count() + 1
    while Participant.objects.filter(code=f"{site.code}-{number:04d}").exists():
        number += 1
    return f"{site.code}-{number:04d}"


@transaction.atomic
def withdraw_before_randomisation(
    user: Any, code: str, reason: str, *, expected_version: int | None = None
) -> Screening:
    """A consented candidate leaves before randomisation."""
    require_role(user, SCREENERS, "record a withdrawal")
    screening = _locked(user, code, expected_version)
    participant = screening.participant
    if not screening.consented or participant is None:
        raise EligibilityError(
            f"screening {code} has no consent recorded: nothing to withdraw from", field="code"
        )
    if screening.withdrawn_before_randomisation or participant.status != Participant.Status.CONSENTED:
        raise EligibilityError(
            f"participant {participant.code} is {participant.get_status_display().lower()}, not waiting for randomisation",
            field="code",
            http_status=409,
        )
    if not reason.strip():
        raise EligibilityError("give the reason for the withdrawal", field="reason")
    Participant.objects.filter(pk=participant.pk).update(
        status=Participant.Status.WITHDRAWN_BEFORE_RANDOMISATION, version=participant.version + 1
    )
    record_change(
        user,
        "update",
        participant,
        {"status": [participant.status, Participant.Status.WITHDRAWN_BEFORE_RANDOMISATION]},
        reason=reason,
        site_code=screening.site.code,
    )
    before = snapshot(screening, AUDITED)
    screening.withdrawn_before_randomisation, screening.withdrawal_reason = True, reason.strip()
    return _save(user, screening, before, "withdrawn before randomisation")


def visible_screenings(user: Any) -> QuerySet[Screening]:
    """The screening log the user may read: their site's, or every site's for central roles."""
    require_role(user, LOG_READERS, "see the screening log")
    return scope_to_site(Screening.objects.select_related("site", "participant"), user).order_by("code")


def visible_screening(user: Any, code: str) -> Screening:
    """Another site's screening gets the same answer as one that does not exist."""
    screening = visible_screenings(user).filter(code=code).first()
    if screening is None:
        raise NotFound(f"no screening {code!r}", field="code")
    return screening


def log_rows(user: Any) -> list[dict[str, Any]]:
    """The screening log in the flat table contract (`exports.tables` "screening")."""
    rows = []
    for s in visible_screenings(user):
        randomised = s.participant is not None and s.participant.status in RANDOMISED_STATUSES
        rows.append(
            {
                "screening_id": s.code,
                "site_id": s.site.code,
                "screened_date": s.screened_date,
                "protocol_version": s.protocol_version,
                "eligible": s.outcome,
                "failed_criteria": s.failed_criteria or None,
                "consented": s.consented,
                "withdrawn_before_randomisation": s.withdrawn_before_randomisation,
                "participant_id": s.participant.code if randomised and s.participant else None,
            }
        )
    return rows
