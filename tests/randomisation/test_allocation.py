from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from mesems.errors import RandomisationError
from mesems.protocol.model import Randomisation
from mesems.randomisation import Member, allocate_cohort, allocate_from_list, generate_list


def cohort(n: int) -> list[Member]:
    sites, courses = ["SE-KAR", "IT-01", "GB-01"], ["RR", "RR", "SP", "PP"]
    return [Member(f"P-{i:03d}", {"site": sites[i % 3], "ms_course": courses[i % 4]}) for i in range(n)]


def test_cohort_takes_consecutive_positions_per_stratum(blocks: Randomisation, arms: list[str]) -> None:
    out = allocate_cohort(cohort(60), blocks, arms, np.random.default_rng(7))
    assert [a.participant_id for a in out] == [m.participant_id for m in cohort(60)]
    for stratum in {a.stratum for a in out}:
        assert sorted(a.position for a in out if a.stratum == stratum) == list(range(1, sum(a.stratum == stratum for a in out) + 1))


def test_same_generator_same_cohort_allocation(blocks: Randomisation, arms: list[str]) -> None:
    first = allocate_cohort(cohort(40), blocks, arms, np.random.default_rng(11))
    assert first == allocate_cohort(cohort(40), blocks, arms, np.random.default_rng(11))


def test_minimisation_balances_each_factor_closely(blocks: Randomisation, arms: list[str]) -> None:
    config = blocks.model_copy(update={"method": "minimisation", "minimisation_probability": 0.9})
    out = allocate_cohort(cohort(144), config, arms, np.random.default_rng(3))
    members = {m.participant_id: m for m in cohort(144)}
    for factor in ("site", "ms_course"):
        for level in {m.levels[factor] for m in members.values()}:
            counts = Counter(a.sequence for a in out if members[a.participant_id].levels[factor] == level)
            assert abs(counts[arms[0]] - counts[arms[1]]) <= 4


def test_live_and_cohort_paths_agree(blocks: Randomisation, arms: list[str]) -> None:
    """The simulator's path and the list-walking path the live allocation uses give the same answer."""
    members = cohort(30)
    from mesems.randomisation import factor_levels, stratum_key

    strata = Counter(stratum_key(blocks, factor_levels(blocks, m.levels)) for m in members)
    alist = generate_list(blocks, arms, sorted(strata), dict(strata), np.random.default_rng(5))
    walked = allocate_from_list(alist, [(m.participant_id, dict(m.levels)) for m in members], blocks)
    assert walked == allocate_cohort(members, blocks, arms, np.random.default_rng(5))


def test_bad_cohorts_are_refused(blocks: Randomisation, arms: list[str]) -> None:
    with pytest.raises(RandomisationError, match="appears twice"):
        allocate_cohort([Member("X", {"site": "A", "ms_course": "RR"})] * 2, blocks, arms, np.random.default_rng(0))
    with pytest.raises(RandomisationError, match=r"expected one of \[RR, SP, PP\]"):
        allocate_cohort([Member("X", {"site": "A", "ms_course": "XX"})], blocks, arms, np.random.default_rng(0))
    with pytest.raises(RandomisationError, match="no disease course"):
        allocate_cohort([Member("X", {"site": "A"})], blocks, arms, np.random.default_rng(0))
    assert allocate_cohort([], blocks, arms, np.random.default_rng(0)) == []


def test_a_list_that_runs_out_is_refused(blocks: Randomisation, arms: list[str]) -> None:
    alist = generate_list(blocks.model_copy(update={"block_sizes": [2]}), arms, ["A|RR"], 2, np.random.default_rng(0))
    members = [(f"P{i}", {"site": "A", "ms_course": "RR"}) for i in range(3)]
    with pytest.raises(RandomisationError, match="no free position left in stratum A\\|RR") as info:
        allocate_from_list(alist, members, blocks)
    assert info.value.http_status == 409
