from __future__ import annotations

import numpy as np
import pytest

from mesems.errors import SimulationError
from mesems.protocol import load_protocol
from mesems.sim.population import EDSS_STEPS, enrol, quotas, snap_edss
from mesems.sim.scenario import build_scenario


@pytest.fixture(scope="module")
def enrolment():
    return enrol(build_scenario(), load_protocol(), np.random.default_rng(1))


def test_exact_composition_gives_the_published_counts(enrolment) -> None:
    people = [p.candidate for p in enrolment.participants]
    assert len(people) == 144
    assert {c: sum(p.ms_course == c for p in people) for c in ("RR", "SP", "PP")} == {"RR": 94, "SP": 33, "PP": 17}
    assert sum(p.sex == "F" for p in people) == 87


def test_participants_lie_within_the_ranges_of_the_version_they_were_screened_under(enrolment) -> None:
    protocol = load_protocol()
    for participant in enrolment.participants:
        c = participant.candidate
        version = protocol.eligibility_in_force(c.screened_date)
        assert c.protocol_version == version.id
        ranges = {crit.rule: crit.params for crit in version.criteria if crit.rule}
        assert ranges["age_range"]["min_years"] <= c.age <= ranges["age_range"]["max_years"]
        assert ranges["disease_duration"]["min_years"] <= c.disease_duration_years <= ranges["disease_duration"]["max_years"]
        assert ranges["edss_range"]["min"] <= c.edss <= ranges["edss_range"]["max"]
        assert c.edss in EDSS_STEPS
    assert {c.protocol_version for c in enrolment.candidates} == {"v1", "final"}


def test_screening_log_has_failures_refusals_and_ids(enrolment) -> None:
    log = enrolment.candidates
    assert [c.screening_id for c in log] == [f"S-{i:04d}" for i in range(1, len(log) + 1)]
    assert any(c.eligible == "not_eligible" and c.failed_criteria for c in log)
    assert any(c.eligible == "eligible" and not c.consented for c in log)
    assert all(not c.failed_criteria for c in log if c.eligible != "not_eligible")
    assert [p.randomisation_number for p in enrolment.participants] == [f"R-{i:04d}" for i in range(1, 145)]
    assert len({p.participant_id for p in enrolment.participants}) == 144


def test_selection_on_activity_picks_the_active(enrolment) -> None:
    """Inclusion 1 selects on recent activity: the randomised have higher frailty than candidates."""
    randomised = np.mean([p.candidate.frailty for p in enrolment.participants])
    everyone = np.mean([c.frailty for c in enrolment.candidates])
    assert randomised > 1.2 * everyone


def test_random_composition_and_impossible_scenarios() -> None:
    scenario = build_scenario({"composition": "random", "participants": 30})
    assert len(enrol(scenario, load_protocol(), np.random.default_rng(2)).participants) == 30
    with pytest.raises(SimulationError, match="EXC-99"):
        enrol(build_scenario({"screening": {**build_scenario().screening.model_dump(), "exclusion_rates": {"EXC-99": 0.1}}}),
              load_protocol(), np.random.default_rng(0))
    never = build_scenario({"participants": 2, "screening": {"consent_share": 0.0}})
    with pytest.raises(SimulationError, match="eligible"):
        enrol(never, load_protocol(), np.random.default_rng(0))


def test_quotas_and_edss_steps() -> None:
    assert quotas({"RR": 94, "SP": 33, "PP": 17}, 144) == {"RR": 94, "SP": 33, "PP": 17}
    assert sum(quotas({"a": 1, "b": 1, "c": 1}, 10).values()) == 10
    assert snap_edss(0.6) == 1.0 and snap_edss(0.2) == 0.0 and snap_edss(12) == 9.5 and snap_edss(3.74) == 3.5
