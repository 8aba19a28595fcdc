"""The property the permuted-block design guarantees: equal arms at every block boundary."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mesems.protocol.model import Randomisation
from mesems.randomisation import ListEntry, balance_report, block_end_imbalances, generate_list

STRATA = [f"S{i}|{c}" for i in range(3) for c in ("RR", "SP", "PP")]


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**63 - 1),
    per_stratum=st.integers(1, 40),
    sizes=st.lists(st.sampled_from([2, 4, 6, 8]), min_size=1, max_size=4, unique=True),
)
def test_arms_are_equal_at_every_block_boundary_in_every_stratum(seed: int, per_stratum: int, sizes: list[int]) -> None:
    config = Randomisation(method="permuted_blocks", block_sizes=sizes)
    alist = generate_list(config, ["MSC-placebo", "placebo-MSC"], STRATA, per_stratum, np.random.default_rng(seed))
    assert block_end_imbalances(alist.entries, alist.arms) == []
    for stratum in STRATA:
        rows = sorted((e for e in alist.entries if e.stratum == stratum), key=lambda e: e.position)
        counts: Counter[str] = Counter()
        for i, entry in enumerate(rows):
            counts[entry.sequence] += 1
            if i + 1 == len(rows) or rows[i + 1].block != entry.block:
                assert counts["MSC-placebo"] == counts["placebo-MSC"]
            assert abs(counts["MSC-placebo"] - counts["placebo-MSC"]) <= max(sizes) // 2


def test_report_counts_the_used_positions_only() -> None:
    entries = [ListEntry("S", i + 1, arm, 1, 4) for i, arm in enumerate(["A", "A", "B", "B"])]
    whole = balance_report(entries, ["A", "B"])
    used = balance_report(entries, ["A", "B"], used={"S": 2})
    assert whole.strata[0].counts == {"A": 2, "B": 2} and whole.max_imbalance == 0
    assert used.strata[0].counts == {"A": 2, "B": 0} and used.totals == {"A": 2, "B": 0}
    assert whole.strata[0].max_running_imbalance == 2


def test_an_unbalanced_block_is_found() -> None:
    entries = [ListEntry("S", i + 1, arm, 1, 4) for i, arm in enumerate(["A", "A", "A", "B"])]
    assert block_end_imbalances(entries, ["A", "B"]) == ["stratum S: arms unequal at the end of block 1 (position 4)"]
