"""Correcting a participant's record: with a reason, against the version read, audited, own site only."""

from __future__ import annotations

from typing import Any

import pytest

from mesems.access import Role
from mesems.errors import ClinicalError, MesemsError, NotFound
from mesems.web.apps.trials.services import correct_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user: Any, make_participant: Any) -> dict[str, Any]:
    make_participant("SE-KAR-0001", "SE-KAR")
    make_participant("IT-01-0001", "IT-01")
    return {"manager": make_user(Role.DATA_MANAGER), "investigator": make_user(Role.INVESTIGATOR, "SE-KAR")}


def test_correction_is_saved_with_its_reason_in_the_audit_trail(people: dict[str, Any]) -> None:
    from mesems.web.apps.audit.services import history

    participant = correct_participant(people["manager"], "SE-KAR-0001", version=1, reason="course misread at screening", values={"ms_course": "SP"})
    assert (participant.ms_course, participant.version) == ("SP", 2)
    [event] = [e for e in history(participant) if e.action == "update"]
    assert event.changes == {"ms_course": ["RR", "SP"], "version": [1, 2]}
    assert (event.reason, event.actor, event.site_code) == ("course misread at screening", people["manager"].username, "SE-KAR")


def test_correction_of_a_version_someone_else_changed_is_a_conflict(people: dict[str, Any]) -> None:
    correct_participant(people["manager"], "SE-KAR-0001", version=1, reason="first", values={"ms_course": "SP"})
    with pytest.raises(MesemsError, match="was changed by someone else \\(now version 2, you edited version 1\\)") as refusal:
        correct_participant(people["investigator"], "SE-KAR-0001", version=1, reason="second", values={"ms_course": "PP"})
    assert (refusal.value.http_status, refusal.value.field) == (409, "version")


@pytest.mark.parametrize(
    ("values", "reason", "error", "field"),
    [
        ({"ms_course": "SP"}, "   ", MesemsError, "reason"),
        ({"status": "randomised"}, "why not", MesemsError, "status"),
        ({"ms_course": "XX"}, "typo", ClinicalError, "ms_course"),
    ],
    ids=["blank-reason", "status-is-not-correctable", "unknown-course"],
)
def test_refused_corrections_name_their_field(people: dict[str, Any], values: dict[str, Any], reason: str, error: type[Exception], field: str) -> None:
    with pytest.raises(error) as refusal:
        correct_participant(people["manager"], "SE-KAR-0001", version=1, reason=reason, values=values)
    assert refusal.value.field == field  # type: ignore[attr-defined]


def test_another_sites_participant_is_not_found(people: dict[str, Any]) -> None:
    with pytest.raises(NotFound):
        correct_participant(people["investigator"], "IT-01-0001", version=1, reason="not mine", values={"ms_course": "SP"})


def test_no_change_is_no_save(people: dict[str, Any]) -> None:
    from mesems.web.apps.audit.services import history

    participant = correct_participant(people["manager"], "SE-KAR-0001", version=1, reason="same", values={"ms_course": "RR"})
    assert participant.version == 1 and not [e for e in history(participant) if e.action == "update"]


def test_a_protocol_loaded_by_another_process_is_in_force_at_once(trial: Any) -> None:
    """A server process must follow an amendment loaded by the CLI or another worker: the row is
    written here behind the services' back, as another process would write it."""
    from mesems.protocol import dump_protocol, protocol_digest
    from mesems.web.apps.trials.models import ProtocolVersion
    from mesems.web.apps.trials.services import current_protocol

    before = current_protocol()
    gate = before.randomisation.requires_released_product
    amended = before.model_copy(update={"randomisation": before.randomisation.model_copy(update={"requires_released_product": not gate})})
    ProtocolVersion.objects.create(trial_id=amended.identity.id, digest=protocol_digest(amended), text=dump_protocol(amended))
    assert current_protocol().randomisation.requires_released_product is not gate
    ProtocolVersion.objects.filter(digest=protocol_digest(amended)).delete()
    assert current_protocol().randomisation.requires_released_product is gate
