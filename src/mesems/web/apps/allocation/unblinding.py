"""Emergency unblinding: one participant's sequence shown to the investigator who asks, with a
reason and a second factor; recorded, notified to the sponsor and listed for the safety report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from mesems.access import Role
from mesems.errors import MesemsError, RandomisationError
from mesems.web.apps.accounts.services import require_role, scope_to_site
from mesems.web.apps.allocation.masking import arm_label
from mesems.web.apps.allocation.models import Allocation, EmergencyUnblinding
from mesems.web.apps.allocation.secondfactor import verify_second_factor
from mesems.web.apps.audit.services import record_change
from mesems.web.apps.trials.services import visible_participant

UNBLINDERS = frozenset({Role.INVESTIGATOR})
LISTING_ROLES = frozenset(Role) - {Role.NURSE, Role.OUTCOME_ASSESSOR}
MIN_REASON = 10


@dataclass(frozen=True)
class UnblindingOutcome:
    participant: str
    randomisation_number: str
    sequence: str
    sequence_label: str
    at: dt.datetime


@dataclass(frozen=True)
class UnblindingListing:
    """One emergency unblinding as the safety report lists it (never the sequence)."""

    participant: str
    site: str
    randomisation_number: str
    at: dt.datetime
    by: str
    role: str
    reason: str


def _notify_sponsor(record: EmergencyUnblinding, number: str) -> list[str]:
    recipients = list(settings.SPONSOR_NOTIFICATION_EMAILS)
    send_mail(
        f"MESEMS emergency unblinding: {record.participant.code}",
        f"Participant {record.participant.code} ({number}) at site {record.participant.site.code} was unblinded by "
        f"{record.user.get_username()} at {record.at.isoformat()}.\nReason given: {record.reason}\n"
        "The allocation was shown to that investigator only.",
        settings.DEFAULT_FROM_EMAIL,
        recipients,
        fail_silently=True,
    )
    return recipients


def emergency_unblind(user: Any, participant_code: str, reason: str, otp_token: str | None) -> UnblindingOutcome:
    """Refused without a reason of at least 10 characters or a valid second factor; refusals are recorded too."""
    require_role(user, UNBLINDERS, "ask for emergency unblinding")
    participant = visible_participant(user, participant_code)
    reason = (reason or "").strip()
    try:
        if len(reason) < MIN_REASON:
            raise RandomisationError(f"give the clinical reason for unblinding (at least {MIN_REASON} characters)", field="reason", code="reason_required")
        verify_second_factor(user, otp_token, "unblind a participant")
        allocation = Allocation.objects.filter(participant=participant).first()
        if allocation is None:
            raise RandomisationError(f"participant {participant.code} is not randomised; there is nothing to unblind", code="not_randomised", http_status=409)
    except MesemsError as refusal:
        with transaction.atomic():
            record_change(user, "refused_emergency_unblinding", participant, {}, reason=f"{refusal.message}; reason given: {reason or '-'}", site_code=participant.site.code)
        raise
    with transaction.atomic():
        record = EmergencyUnblinding.objects.create(participant=participant, user=user, at=timezone.now(), reason=reason)
        record_change(user, "emergency_unblinding", record, {"participant": [None, participant.code]}, reason=reason, site_code=participant.site.code)
    record.notified = _notify_sponsor(record, allocation.randomisation_number)
    EmergencyUnblinding.objects.filter(pk=record.pk).update(notified=record.notified)
    return UnblindingOutcome(participant.code, allocation.randomisation_number, allocation.sequence, arm_label(allocation.sequence), record.at)


def unblinding_listing(user: Any = None, start: dt.datetime | None = None, end: dt.datetime | None = None) -> list[UnblindingListing]:
    """Every emergency unblinding (in the user's sites when a user is given), oldest first, for the safety report."""
    records = EmergencyUnblinding.objects.select_related("participant__site", "user", "participant__allocation").order_by("at", "id")
    if user is not None:
        require_role(user, LISTING_ROLES, "see emergency unblindings")
        records = scope_to_site(records, user, "participant__site")
    if start is not None:
        records = records.filter(at__gte=start)
    if end is not None:
        records = records.filter(at__lt=end)
    return [
        UnblindingListing(r.participant.code, r.participant.site.code, r.participant.allocation.randomisation_number, r.at, r.user.get_username(), r.user.role, r.reason)
        for r in records
    ]
