from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesems.errors import SimulationError
from mesems.sim.allocation import allocate_sequences

SEQUENCES = ["MSC-placebo", "placebo-MSC"]


@given(st.lists(st.sampled_from(["A/RR", "A/SP", "B/RR"]), min_size=1, max_size=80), st.integers(0, 10**6))
def test_each_stratum_is_balanced_within_a_block(strata: list[str], seed: int) -> None:
    allocation = allocate_sequences(strata, SEQUENCES, [2, 4], np.random.default_rng(seed))
    for stratum in set(strata):
        counts = Counter(a for s, a in zip(strata, allocation, strict=True) if s == stratum)
        assert abs(counts["MSC-placebo"] - counts["placebo-MSC"]) <= 2


def test_blocks_that_cannot_hold_the_sequences_equally_are_refused() -> None:
    with pytest.raises(SimulationError):
        allocate_sequences(["a"], SEQUENCES, [3], np.random.default_rng(0))
