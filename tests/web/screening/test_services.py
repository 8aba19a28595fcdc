"""Screening services: the core decides, the database stores, the audit trail records."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mesems.access import Role
from mesems.eligibility import CandidateRecordError
from mesems.errors import AccessDenied, EligibilityError, NotFound
from mesems.exports.tables import TABLES
from mesems.web.apps.audit.models import AuditEvent
from mesems.web.apps.audit.services import history, verify_audit_trail
from mesems.web.apps.screening import services
from mesems.web.apps.screening.models import Screening
from mesems.web.apps.trials.models import Participant
from tests.eligibility.conftest import EXAMPLE, candidate

pytestmark = pytest.mark.django_db


def test_a_screening_stores_the_engines_verdicts_and_is_audited(nurse: Any) -> None:
    screening = services.create_screening(nurse, EXAMPLE)
    assert screening.code == "SCR-SE-KAR-0001"
    assert screening.outcome == Screening.Outcome.ELIGIBLE
    assert screening.protocol_version == "final"
    assert screening.verdicts["eligible"] is True
    assert screening.candidate["birth_date"] == "1984-05-01"
    [event] = history(screening)
    assert (event.action, event.actor, event.site_code, event.reason) == (
        "create",
        nurse.username,
        "SE-KAR",
        "screened",
    )
    assert event.changes["outcome"] == "eligible"
    assert verify_audit_trail() == []


def test_a_refused_record_stores_nothing(nurse: Any) -> None:
    with pytest.raises(CandidateRecordError) as caught:
        services.create_screening(nurse, candidate(edss=3.25, egfr=-1))
    assert [p.field for p in caught.value.problems] == ["edss", "egfr"]
    assert Screening.objects.count() == 0
    assert AuditEvent.objects.filter(entity="screening.screening").count() == 0


def test_not_eligible_keeps_the_failed_criteria(nurse: Any) -> None:
    screening = services.create_screening(nurse, candidate(edss=7.0, hiv=True))
    assert screening.outcome == Screening.Outcome.NOT_ELIGIBLE
    assert screening.failed == ["INC-4", "EXC-4"]


def test_an_update_screens_again_and_audits_the_difference(nurse: Any) -> None:
    screening = services.create_screening(nurse, candidate(consent=None))
    assert screening.outcome == Screening.Outcome.UNKNOWN and screening.missing == "consent"
    updated = services.update_screening(nurse, screening.code, candidate(consent=True), expected_version=1)
    assert updated.outcome == Screening.Outcome.ELIGIBLE and updated.version == 2
    last = history(updated)[-1]
    assert last.action == "update"
    assert last.changes["outcome"] == ["unknown", "eligible"]


def test_a_stale_update_is_refused(nurse: Any) -> None:
    screening = services.create_screening(nurse, EXAMPLE)
    services.update_screening(nurse, screening.code, candidate(edss=5.0), expected_version=1)
    with pytest.raises(EligibilityError) as caught:
        services.update_screening(nurse, screening.code, candidate(edss=6.0), expected_version=1)
    assert caught.value.http_status == 409


def test_consent_makes_a_participant_and_withdrawal_ends_it(nurse: Any) -> None:
    screening = services.create_screening(nurse, EXAMPLE)
    consented = services.record_consent(nurse, screening.code, dt.date(2026, 1, 10))
    participant = consented.participant
    assert participant is not None and participant.code == "SE-KAR-0001"
    assert participant.status == Participant.Status.CONSENTED and participant.ms_course == "RR"
    with pytest.raises(EligibilityError):
        services.update_screening(nurse, screening.code, candidate(edss=5.0))
    withdrawn = services.withdraw_before_randomisation(nurse, screening.code, "moved abroad")
    assert withdrawn.withdrawn_before_randomisation
    participant.refresh_from_db()
    assert participant.status == Participant.Status.WITHDRAWN_BEFORE_RANDOMISATION
    assert [e.reason for e in history(withdrawn)] == [
        "screened",
        "consent recorded",
        "withdrawn before randomisation",
    ]
    assert verify_audit_trail() == []


@pytest.mark.parametrize("changes", [{"edss": 7.0}, {"consent": None}])
def test_only_an_eligible_candidate_can_consent(nurse: Any, changes: dict[str, Any]) -> None:
    screening = services.create_screening(nurse, candidate(**changes))
    with pytest.raises(EligibilityError, match="only an eligible candidate can consent"):
        services.record_consent(nurse, screening.code, dt.date(2026, 1, 10))
    assert Participant.objects.count() == 0


def test_withdrawal_needs_consent_and_a_reason(nurse: Any) -> None:
    screening = services.create_screening(nurse, EXAMPLE)
    with pytest.raises(EligibilityError, match="no consent"):
        services.withdraw_before_randomisation(nurse, screening.code, "changed mind")
    services.record_consent(nurse, screening.code, dt.date(2026, 1, 10))
    with pytest.raises(EligibilityError) as caught:
        services.withdraw_before_randomisation(nurse, screening.code, "  ")
    assert caught.value.field == "reason"


def test_another_sites_screening_does_not_exist_for_a_nurse(nurse: Any, other_site_nurse: Any) -> None:
    screening = services.create_screening(nurse, EXAMPLE)
    theirs = services.create_screening(other_site_nurse, EXAMPLE)
    assert theirs.code == "SCR-IT-01-0001"
    assert [s.code for s in services.visible_screenings(nurse)] == [screening.code]
    with pytest.raises(NotFound):
        services.visible_screening(nurse, theirs.code)
    with pytest.raises(NotFound):
        services.update_screening(nurse, theirs.code, EXAMPLE)
    with pytest.raises(NotFound):
        services.record_consent(nurse, theirs.code, dt.date(2026, 1, 10))


def test_roles_who_may_not_screen_or_read(make_user: Any, nurse: Any) -> None:
    services.create_screening(nurse, EXAMPLE)
    monitor = make_user(Role.MONITOR)
    assert len(services.visible_screenings(monitor)) == 1
    with pytest.raises(AccessDenied):
        services.create_screening(monitor, EXAMPLE)
    for role in (Role.OUTCOME_ASSESSOR, Role.CELL_LAB, Role.UNBLINDED_STATISTICIAN):
        user = make_user(role, "SE-KAR" if role == Role.OUTCOME_ASSESSOR else None)
        with pytest.raises(AccessDenied):
            services.visible_screenings(user)


def test_the_log_follows_the_flat_table_contract(nurse: Any) -> None:
    services.create_screening(nurse, candidate(edss=7.0))
    eligible = services.create_screening(nurse, EXAMPLE)
    services.record_consent(nurse, eligible.code, dt.date(2026, 1, 10))
    rows = services.log_rows(nurse)
    assert [list(row) for row in rows] == [TABLES["screening"].column_names] * 2
    assert [(r["eligible"], r["failed_criteria"], r["consented"], r["participant_id"]) for r in rows] == [
        ("not_eligible", "INC-4", False, None),
        ("eligible", None, True, None),
    ]


def test_preview_stores_nothing(nurse: Any) -> None:
    result = services.preview(nurse, candidate(edss=7.0))
    assert result.eligible is False
    assert Screening.objects.count() == 0
