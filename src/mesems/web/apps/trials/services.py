"""Loading the protocol into the database, reading the one in force, and the participants a user may see."""

from __future__ import annotations

import functools

from django.db import transaction
from django.db.models import QuerySet

from mesems.errors import ClinicalError, MesemsError, NotFound
from mesems.protocol import Protocol, dump_protocol, load_protocol, parse_protocol, protocol_digest
from mesems.web.apps.accounts.services import scope_to_site, site_scope
from mesems.web.apps.audit.services import diff, record_change, snapshot
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
    return version


_parsed: dict[str, Protocol] = {}
"""The protocol in force, parsed, by its digest: parsing and checking a protocol file takes some 50 ms."""


@functools.cache
def _embedded_protocol() -> Protocol:
    return load_protocol()


def current_protocol() -> Protocol:
    """The protocol in force: the newest loaded, or the embedded MESEMS protocol before any load.

    Asked of the database each time (its digest only), so that every server process, and a
    process that did not load it, follows an amendment as soon as it is loaded."""
    digest = ProtocolVersion.objects.values_list("digest", flat=True).first()
    if digest is None:
        return _embedded_protocol()
    protocol = _parsed.get(digest)
    if protocol is None:
        text = ProtocolVersion.objects.values_list("text", flat=True).get(digest=digest)
        protocol = parse_protocol(text, f"protocol {digest[:12]}")
        _parsed.clear()
        _parsed[digest] = protocol
    return protocol


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


CORRECTABLE_FIELDS = ("ms_course",)
"""Fields of a participant a data manager or the site's investigator may correct; status changes
belong to screening, allocation and follow-up, which change it through their own services."""


@transaction.atomic
def correct_participant(actor: object, code: str, *, version: int, reason: str, values: dict[str, object]) -> Participant:
    """Corrects a participant's record, with a reason, as one audited change (GCP: ALCOA+, ICH E6 4.9.3).

    `version` is the version the user edited: if someone saved in between, the correction is
    refused (409) rather than silently overwriting theirs. Another site's participant is not found.
    """
    reason = reason.strip()
    if not reason:
        raise MesemsError("give a reason for the correction", code="reason_required", field="reason")
    unknown = sorted(set(values) - set(CORRECTABLE_FIELDS))
    if unknown:
        raise MesemsError(f"cannot correct {', '.join(unknown)}; expected one of {list(CORRECTABLE_FIELDS)}", code="not_correctable", field=unknown[0])
    courses = Participant.Course.values
    if "ms_course" in values and values["ms_course"] not in courses:
        raise ClinicalError(f"MS course must be one of {courses}, got {values['ms_course']!r}", field="ms_course")
    participant = visible_participants(actor).select_for_update(of=("self",)).filter(code=code).first()
    if participant is None:
        raise NotFound(f"no participant {code!r}", field="code")
    if participant.version != version:
        raise MesemsError(
            f"participant {code} was changed by someone else (now version {participant.version}, you edited version {version}); reload and try again",
            code="conflict", field="version", http_status=409,
        )
    before = snapshot(participant, CORRECTABLE_FIELDS)
    changes = diff(before, {**before, **values})
    if not changes:
        return participant
    for name, (_old, new) in changes.items():
        setattr(participant, name, new)
    participant.version += 1
    participant.save(update_fields=[*changes, "version", "updated_at"])
    record_change(actor, "update", participant, {**changes, "version": [version, participant.version]}, reason=reason, site_code=participant.site.code)
    return participant
