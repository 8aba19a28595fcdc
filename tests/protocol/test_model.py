from __future__ import annotations

import datetime as dt

import pytest
import yaml

from mesems.errors import ProtocolError
from mesems.protocol import default_protocol_text, dump_protocol, load_protocol, parse_protocol, protocol_problems


def test_embedded_protocol_is_mesems() -> None:
    protocol = load_protocol()
    assert protocol.identity.id == "MESEMS"
    assert protocol.design.intervention_model == "crossover"
    assert protocol.design.masking.level == "quadruple"
    assert len(protocol.design.masking.who_masked) == 4
    assert len(protocol.sites) == 15
    assert protocol.sites[0].id == "SE-KAR" and protocol.sites[0].country == "SE"
    assert len({s.country for s in protocol.sites}) == 9
    assert [a.interventions for a in protocol.arms] == [["MSC", "PLACEBO"], ["PLACEBO", "MSC"]]
    dose = protocol.intervention("MSC").dose
    assert dose is not None and (dose.min_per_kg, dose.max_per_kg) == (1e6, 2e6)
    mri_weeks = [v.week for v in protocol.schedule.visits if "mri_gel" in v.assessments]
    assert mri_weeks == [0, 4, 12, 24, 28, 36, 48]
    infusion_visits = [v for v in protocol.schedule.visits if "infusion" in v.assessments]
    assert [(v.week, v.window_before_days, v.window_after_days) for v in infusion_visits] == [(0, 0, 0), (24, 0, 0)]
    assert all(v.window_before_days == 7 == v.window_after_days for v in protocol.schedule.visits if "infusion" not in v.assessments)
    assert [f.id for f in protocol.randomisation.strata] == ["site", "ms_course"]


def test_both_eligibility_versions_differ_only_in_duration_and_edss() -> None:
    protocol = load_protocol()
    v1, final = protocol.eligibility_version("v1"), protocol.eligibility_version("final")
    by_id = lambda version: {c.id: c for c in version.criteria}  # noqa: E731
    assert by_id(v1)["INC-3"].params == {"min_years": 2, "max_years": 10}
    assert by_id(final)["INC-3"].params == {"min_years": 2, "max_years": 15}
    assert by_id(v1)["INC-4"].params == {"min": 3.0, "max": 6.5}
    assert by_id(final)["INC-4"].params == {"min": 2.5, "max": 6.5}
    same = set(by_id(v1)) - {"INC-3", "INC-4"}
    assert all(by_id(v1)[c] == by_id(final)[c] for c in same)
    assert [i.id for i in by_id(v1)["INC-1"].items] == ["INC-1a", "INC-1b", "INC-1c"]
    assert sum(1 for c in v1.criteria if c.kind == "exclusion") == 14


def test_version_in_force_by_date() -> None:
    protocol = load_protocol()
    final_from = protocol.eligibility_version("final").effective_from
    assert protocol.eligibility_in_force(final_from - dt.timedelta(days=1)).id == "v1"
    assert protocol.eligibility_in_force(final_from).id == "final"
    with pytest.raises(LookupError):
        protocol.eligibility_in_force(dt.date(2000, 1, 1))


def test_round_trip_load_dump_load_is_equal() -> None:
    protocol = load_protocol()
    again = parse_protocol(dump_protocol(protocol))
    assert again == protocol
    assert dump_protocol(again) == dump_protocol(protocol)


def _mutated(change: callable) -> str:  # type: ignore[valid-type]
    data = yaml.safe_load(default_protocol_text())
    change(data)
    return yaml.safe_dump(data)


@pytest.mark.parametrize(
    ("change", "path", "fragment"),
    [
        (lambda d: d["arms"][1]["interventions"].__setitem__(0, "ASPIRIN"), "arms[1].interventions[0]", "unknown intervention 'ASPIRIN'"),
        (lambda d: d["interventions"][0]["dose"].__setitem__("min_per_kg", -1), "interventions[0].dose.min_per_kg", "greater than 0"),
        (lambda d: d["interventions"][0]["dose"].update(min_per_kg=3e6), "interventions[0].dose", "above max_per_kg"),
        (lambda d: d["sites"][3].__setitem__("country", "Italy"), "sites[3].country", "pattern"),
        (lambda d: d["sites"][2].__setitem__("id", "SE-KAR"), "sites[2].id", "duplicate id 'SE-KAR'"),
        (lambda d: d["identity"].pop("title"), "identity.title", "Field required"),
        (lambda d: d["design"].__setitem__("masking_level", "quadruple"), "design.masking_level", "unknown key"),
        (lambda d: d["design"].__setitem__("intervention_model", "zigzag"), "design.intervention_model", "Input should be"),
        (lambda d: d["schedule"]["visits"][2].__setitem__("week", "eight"), "schedule.visits[2].week", "integer"),
        (lambda d: d["schedule"]["visits"][3].__setitem__("week", 60), "schedule.visits[3].week", "after the end of follow-up"),
        (lambda d: d["schedule"]["visits"][1]["assessments"].append("tarot"), "schedule.visits[1].assessments[5]", "unknown assessment 'tarot'"),
        (lambda d: d["periods"][1].__setitem__("end_week", 10), "periods[1]", "must be after start_week"),
        (lambda d: d["arms"][0]["interventions"].pop(), "arms[0].interventions", "expected one per period"),
        (lambda d: d["randomisation"].__setitem__("block_sizes", [3, 4]), "randomisation.block_sizes", "even"),
        (lambda d: d["eligibility"][0]["criteria"][3].__setitem__("rule", "vibes"), "eligibility[0].criteria[3].rule", "unknown rule 'vibes'"),
        (lambda d: d["eligibility"][0]["criteria"][1]["params"].pop("max_years"), "eligibility[0].criteria[1].params.max_years", "needs parameter"),
        (lambda d: d["eligibility"][0].__setitem__("effective_from", "last spring"), "eligibility[0].effective_from", "date"),
        (lambda d: d["cell_product"]["release_tests"][0].pop("min"), "cell_product.release_tests[0]", "needs min, max or expected"),
        (lambda d: d["safety"]["sae_clocks"][0].__setitem__("days", 0), "safety.sae_clocks[0].days", "greater than or equal to 1"),
    ],
)
def test_each_kind_of_invalid_protocol_names_its_path(change: callable, path: str, fragment: str) -> None:  # type: ignore[valid-type]
    problems = protocol_problems(_mutated(change))
    assert any(p.path == path and fragment in p.message for p in problems), [str(p) for p in problems]


def test_all_problems_are_reported_at_once() -> None:
    def two_faults(d: dict) -> None:  # type: ignore[type-arg]
        d["sites"][0]["country"] = "Sweden"
        d["arms"][0]["bogus"] = 1

    paths = {p.path for p in protocol_problems(_mutated(two_faults))}
    assert {"sites[0].country", "arms[0].bogus"} <= paths


@pytest.mark.parametrize("text", ["", "- just\n- a list\n", "identity: [unclosed\n"])
def test_unreadable_text_is_one_problem(text: str) -> None:
    problems = protocol_problems(text)
    assert len(problems) == 1 and problems[0].path == ""


def test_parse_raises_protocol_error_listing_problems() -> None:
    with pytest.raises(ProtocolError, match=r"arms\[1\]\.interventions\[0\]"):
        parse_protocol(_mutated(lambda d: d["arms"][1]["interventions"].__setitem__(0, "X")))


def test_missing_file_is_protocol_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ProtocolError, match="does not exist"):
        load_protocol(tmp_path / "nope.yaml")
