from __future__ import annotations

from pathlib import Path

import pytest

from mesems.errors import SimulationError
from mesems.sim.scenario import build_scenario, default_scenario_data, load_scenario


def test_defaults_load_and_resemble_the_published_trial() -> None:
    scenario = load_scenario()
    assert scenario.participants == 144
    assert scenario.course_mix == {"RR": 94, "SP": 33, "PP": 17}
    assert round(scenario.female_share * 144) == 87
    assert scenario.gel.rate_ratio == 0.94


def test_a_file_changes_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("participants: 40\ngel:\n  rate_ratio: 0.5\n")
    scenario = load_scenario(path)
    assert (scenario.participants, scenario.gel.rate_ratio) == (40, 0.5)
    assert scenario.gel.period_effect == default_scenario_data()["gel"]["period_effect"]


@pytest.mark.parametrize(("changes", "named"), [
    ({"participantz": 3}, "'participantz'"),
    ({"gel": {"rate_ration": 0.5}}, "'gel.rate_ration'"),
    ({"adverse_events": {"catalogue": [{"term": "x", "soc": "s", "pt": "p", "weight": 1, "grades": [1, 0, 0, 0, 0],
                                        "related": 0.1, "expected": True, "colour": "red"}]}}, "colour"),
])
def test_an_unknown_key_is_an_error_naming_it(changes: dict, named: str) -> None:
    with pytest.raises(SimulationError, match="unknown key") as caught:
        build_scenario(changes)
    assert named in caught.value.message
    assert "\n" not in caught.value.message


@pytest.mark.parametrize("changes", [{"gel": {"rate_ratio": 0}}, {"female_share": 1.5}, {"course_mix": {"XX": 1}},
                                     {"course_mix": {"RR": 0}}])
def test_bad_values_are_errors(changes: dict) -> None:
    with pytest.raises(SimulationError):
        build_scenario(changes)


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(SimulationError, match="cannot read"):
        load_scenario(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- a list\n")
    with pytest.raises(SimulationError, match="mapping"):
        load_scenario(bad)
    bad.write_text("gel: [unclosed\n")
    with pytest.raises(SimulationError, match="YAML"):
        load_scenario(bad)
