"""Shared steps of every edit: the optimistic lock, the reason, and the audit record."""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from mesems.errors import ClinicalError
from mesems.web.apps.audit.services import diff, history, plain, record_change, snapshot


class StaleEdit(ClinicalError):
    """The form was saved by someone else after this user opened it."""

    code = "stale_edit"
    http_status = 409


def site_today(site: Any) -> Any:
    """Today's date where the site is: 'overdue' and 'in the future' follow the site's calendar."""
    try:
        zone = zoneinfo.ZoneInfo(site.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.now().astimezone(zone).date()


def check_version(instance: Any, given: Any, fields: list[str]) -> None:
    """Refuses an edit made from an older version, naming who changed what since."""
    if given is None or given == "":
        raise ClinicalError(
            "an edit must send the version it was made from (the form's `version`)",
            field="version",
            code="version_required",
        )
    if int(given) == instance.version:
        return
    since = [e for e in history(instance) if e.action in {"create", "update", "report"}][-1:]
    who = f" by {since[0].actor} at {since[0].at:%Y-%m-%d %H:%M} UTC" if since else ""
    changed = ", ".join(k for k in (since[0].changes if since else {}) if k in fields) or "its fields"
    raise StaleEdit(
        f"this form was changed{who} after you opened it (you edited version {given}, it is now version {instance.version}; "
        f"changed: {changed}); your entries were not saved: reload the form, check the current values and save again",
        field="version",
    )


def record_refusal(
    actor: Any, instance: models.Model, attempted: Mapping[str, Any], reason: str, site_code: str
) -> None:
    """Keeps a refused edit's values in the audit trail, outside the refused transaction."""
    with transaction.atomic():
        record_change(
            actor,
            "edit_refused",
            instance,
            {k: [None, plain(v)] for k, v in attempted.items()},
            reason=reason,
            site_code=site_code,
        )


def audited_save(
    actor: Any,
    instance: Any,
    before: Mapping[str, Any] | None,
    fields: list[str],
    reason: str,
    site_code: str,
    action: str | None = None,
) -> dict[str, list[Any]]:
    """Saves `instance` one version up and writes its audit row (create: [None, new]; update: old -> new)."""
    username = actor.get_username() if getattr(actor, "is_authenticated", False) else "system"
    if before is not None:
        instance.version += 1
    instance.updated_by = username
    if before is None and hasattr(instance, "created_by"):
        instance.created_by = username
    instance.save()
    after = snapshot(instance, fields)
    changes = (
        diff(before or {}, after)
        if before is not None
        else {k: [None, v] for k, v in after.items() if v not in (None, "")}
    )
    record_change(
        actor,
        action or ("update" if before is not None else "create"),
        instance,
        changes,
        reason=reason,
        site_code=site_code,
    )
    return changes
