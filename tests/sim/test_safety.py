from __future__ import annotations

import numpy as np

from mesems.sim.disease import Relapse
from mesems.sim.safety import Infusion, simulate_adverse_events
from mesems.sim.scenario import build_scenario


def test_infusion_reactions_hospitalised_relapses_and_background_events() -> None:
    scenario = build_scenario({"adverse_events": {"infusion_reaction": {"MSC": 1.0, "PLACEBO": 0.0}}})
    events = simulate_adverse_events(
        336, [(0, 168, True), (168, 10**6, False)], [Infusion(0, 1, "MSC"), Infusion(168, 2, "PLACEBO")],
        [Relapse(50, 1.0, 0.0, True), Relapse(60, 1.0, 0.0, False)], scenario, np.random.default_rng(1))
    reactions = [e for e in events if e.infusion_reaction]
    assert [e.start_day for e in reactions] == [0]
    assert reactions[0].related
    relapse = [e for e in events if e.term.pt == "Multiple sclerosis relapse"]
    assert len(relapse) == 1 and relapse[0].serious and relapse[0].grade == 3
    assert [e.start_day for e in events] == sorted(e.start_day for e in events)
    assert all(1 <= e.grade <= 5 for e in events)


def test_background_rate() -> None:
    scenario = build_scenario({"adverse_events": {"per_participant_year": 4.0, "msc_rate_ratio": 2.0}})
    rng = np.random.default_rng(2)
    counts = [len(simulate_adverse_events(365, [(0, 365, True)], [], [], scenario, rng)) for _ in range(400)]
    assert np.mean(counts) == np.float64(np.mean(counts)) and 7.0 < np.mean(counts) < 9.0
