"""Generated candidates and extracts are valid and reach every verdict."""

from __future__ import annotations

import numpy as np

from mesems.eligibility import parse_candidate, screen_candidate
from mesems.eligibility.registry import check_extract
from mesems.eligibility.synthetic import random_candidate, random_extract
from tests.eligibility.conftest import PROTOCOL


def test_generated_candidates_are_valid_and_reach_every_overall_verdict() -> None:
    rng = np.random.default_rng(1)
    outcomes = {
        screen_candidate(parse_candidate(random_candidate(rng)), PROTOCOL).eligible for _ in range(600)
    }
    assert outcomes == {True, False, None}


def test_the_same_seed_gives_the_same_extract() -> None:
    first, again = (random_extract(np.random.default_rng(9), 300) for _ in range(2))
    assert first.equals(again)
    check_extract(first, "generated")
