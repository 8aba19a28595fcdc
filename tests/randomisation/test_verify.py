from __future__ import annotations

import dataclasses

import numpy as np

from mesems.protocol.model import Randomisation
from mesems.randomisation import generate_list, verify_list


def test_unchanged_list_verifies_and_a_changed_row_does_not(blocks: Randomisation, arms: list[str]) -> None:
    alist = generate_list(blocks, arms, ["SE-KAR|RR", "IT-01|PP"], 10, np.random.default_rng(9))
    assert verify_list(alist, alist.digest).ok
    flipped = [dataclasses.replace(e, sequence=arms[1] if e.sequence == arms[0] else arms[0]) if i == 3 else e for i, e in enumerate(alist.entries)]
    changed = dataclasses.replace(alist, entries=tuple(flipped))
    result = verify_list(changed, alist.digest)
    assert not result.ok
    assert "digest" in result.problems[0]
    assert any("unequal at the end of block" in p for p in result.problems)


def test_a_gap_in_positions_is_a_problem(blocks: Randomisation, arms: list[str]) -> None:
    alist = generate_list(blocks, arms, ["S|RR"], 4, np.random.default_rng(1))
    gapped = dataclasses.replace(alist, entries=alist.entries[1:])
    assert any("without gaps" in p for p in verify_list(gapped, gapped.digest).problems)
