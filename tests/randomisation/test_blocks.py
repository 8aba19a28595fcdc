from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mesems.errors import RandomisationError
from mesems.randomisation.blocks import minimisation_draws, permuted_block, permuted_blocks, simple_draws

ARMS = ["A", "B"]


@settings(deadline=None)
@given(seed=st.integers(0, 2**32 - 1), size=st.sampled_from([2, 4, 6, 8]))
def test_a_block_holds_each_arm_equally(seed: int, size: int) -> None:
    block = permuted_block(np.random.default_rng(seed), size, ARMS)
    assert Counter(block) == {"A": size // 2, "B": size // 2}


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 80), sizes=st.lists(st.sampled_from([2, 4, 6]), min_size=1, max_size=3))
def test_blocks_are_whole_and_drawn_from_the_set(seed: int, n: int, sizes: list[int]) -> None:
    draws = permuted_blocks(np.random.default_rng(seed), n, sizes, ARMS)
    assert n <= len(draws) < n + max(sizes)
    by_block = Counter(d.block for d in draws)
    assert all(d.block_size in sizes and by_block[d.block] == d.block_size for d in draws)


def test_a_block_size_that_cannot_hold_the_arms_equally_is_refused() -> None:
    with pytest.raises(RandomisationError, match="positive multiple of 2"):
        permuted_block(np.random.default_rng(0), 3, ARMS)
    with pytest.raises(RandomisationError, match="no block sizes"):
        permuted_blocks(np.random.default_rng(0), 4, [], ARMS)


def test_simple_draws_use_every_arm() -> None:
    assert set(d.sequence for d in simple_draws(np.random.default_rng(3), 50, ARMS)) == set(ARMS)


def test_minimisation_follows_with_the_given_probability() -> None:
    draws = minimisation_draws(np.random.default_rng(5), 4000, ARMS, 0.8)
    share = sum(bool(d.follow) for d in draws) / len(draws)
    assert 0.77 < share < 0.83
