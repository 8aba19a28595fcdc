"""Consent form versions (an amendment may need every participant to consent again)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from mesems.access import Role
from mesems.clinical.consent import ConsentVersion, reconsent_needed
from mesems.web.apps.accounts.services import require_role
from mesems.web.apps.audit.services import record_change
from mesems.web.apps.trials.models import Participant
from mesems.web.apps.visits.models import Consent, ConsentFormVersion
from mesems.web.apps.visits.services.editing import site_today
from mesems.web.apps.visits.services.records import refuse_field


@transaction.atomic
def add_consent_version(
    user: Any, version: str, effective_from: dt.date, requires_reconsent: bool, description: str = ""
) -> ConsentFormVersion:
    """The sponsor issues a consent form version; with `requires_reconsent` every participant
    consented on an older one is flagged until they consent again."""
    require_role(user, {Role.SPONSOR_ADMIN}, "issue a consent form version")
    if not version.strip():
        refuse_field("version", "required", "name the version")
    if ConsentFormVersion.objects.filter(version=version).exists():
        refuse_field("version", "exists", f"consent form version {version!r} exists already")
    row = ConsentFormVersion.objects.create(
        version=version,
        effective_from=effective_from,
        requires_reconsent=requires_reconsent,
        description=description,
    )
    changes = {
        "version": [None, version],
        "effective_from": [None, effective_from],
        "requires_reconsent": [None, requires_reconsent],
    }
    record_change(
        user, "create", row, changes, reason=description or "consent form version issued", site_code=""
    )
    return row


def consent_versions() -> list[ConsentVersion]:
    return [
        ConsentVersion(v.version, v.effective_from, v.requires_reconsent)
        for v in ConsentFormVersion.objects.all()
    ]


def reconsent_due(participant: Participant) -> ConsentVersion | None:
    """The version the participant must consent on again, or None."""
    signed = list(
        Consent.objects.filter(participant=participant, withdrawn_on__isnull=True).values_list(
            "form_version", flat=True
        )
    )
    return reconsent_needed(signed, consent_versions(), site_today(participant.site))
