"""Verification of a stored list: its digest against the one recorded at generation, and its shape."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from mesems.randomisation.balance import block_end_imbalances
from mesems.randomisation.lists import AllocationList


@dataclass(frozen=True)
class Verification:
    ok: bool
    recorded_digest: str
    actual_digest: str
    problems: tuple[str, ...]


def list_problems(alist: AllocationList) -> list[str]:
    """Structural problems: arms outside the list's arms, gaps or repeats in the positions, unbalanced blocks."""
    problems = []
    positions: dict[str, list[int]] = defaultdict(list)
    for entry in alist.entries:
        positions[entry.stratum].append(entry.position)
        if entry.sequence not in alist.arms:
            problems.append(f"stratum {entry.stratum} position {entry.position}: unknown sequence (expected one of the list's arms)")
    for stratum, found in sorted(positions.items()):
        if sorted(found) != list(range(1, len(found) + 1)):
            problems.append(f"stratum {stratum}: positions are not 1..{len(found)} without gaps or repeats")
    if alist.method == "permuted_blocks":
        problems += block_end_imbalances(alist.entries, alist.arms)
    return problems


def verify_list(alist: AllocationList, recorded_digest: str) -> Verification:
    actual = alist.digest
    problems = list_problems(alist)
    if actual != recorded_digest:
        problems.insert(0, f"the list's digest {actual[:16]}... is not the digest recorded at generation {recorded_digest[:16]}...: a row was changed, added or removed")
    return Verification(not problems, recorded_digest, actual, tuple(problems))
