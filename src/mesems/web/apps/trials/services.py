"""Loading the protocol into the database and reading the one in force."""

from __future__ import annotations

import functools

from django.db import transaction
from django.db.models import QuerySet

from mesems.errors import NotFound

from mesems.protocol import Protocol, dump_protocol, load_protocol, parse_protocol, protocol_digest
from mesems.web.apps.accounts.services import scope_to_site, site_scope
from mesems.web.apps.audit.services import record_change
from mesems.web.apps.trials.models import Participant, ProtocolVersion, Site


@transaction.atomic
def install_protocol(protocol: Protocol, actor: object | None = None) -> ProtocolVersion:
    """Stores the protocol and creates or updates its sites; loading the same file twice is a no-op."""
    digest = protocol_digest(protocol)
    version, created = ProtocolVersion.objects.get_or_create(
        digest=digest, defaults={"trial_id": protocol.identity.id, "text": dump_protocol(protocol)}
    )
    if created:
        record_change(actor, "create", version, {"digest": [None, digest]}, reason="protocol loaded")
    for spec in protocol.sites:
        values = {"name": spec.name, "city": spec.city or "", "country": spec.country or "", "timezone": spec.timezone}
        site, site_created = Site.objects.get_or_create(code=spec.id, defaults=values)
        changes = {k: [None if site_created else getattr(site, k), v] for k, v in values.items() if site_created or getattr(site, k) != v}
        if changes and not site_created:
            Site.objects.filter(pk=site.pk).update(**values)
        if changes:
            record_change(actor, "create" if site_created else "update", site, changes, reason="protocol loaded", site_code=site.code)
    current_protocol.cache_clear()
    return version


@functools.lru_cache(maxsize=1)
def current_protocol() -> Protocol:
    """The protocol in force: the newest loaded, or the embedded MESEMS protocol before any load."""
    latest = ProtocolVersion.objects.first()
    if latest is None:
        return load_protocol()
    return parse_protocol(latest.text, f"protocol {latest.digest[:12]}")


def visible_sites(user: object) -> QuerySet[Site]:
    site_id = site_scope(user)
    sites = Site.objects.order_by("code")
    return sites if site_id is None else sites.filter(pk=site_id)


def visible_participants(user: object) -> QuerySet[Participant]:
    """Ordered by participant id only: an order by anything allocation-related would unblind."""
    return scope_to_site(Participant.objects.select_related("site"), user).order_by("code")


def visible_participant(user: object, code: str) -> Participant:
    """Another site's participant gets the same answer as one that does not exist."""
    participant = visible_participants(user).filter(code=code).first()
    if participant is None:
        raise NotFound(f"no participant {code!r}", field="code")
    return participant
