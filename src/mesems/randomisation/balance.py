"""Balance of a list or of the allocations made, per stratum: counts per arm and imbalance.

For permuted blocks the arms must be equal at the end of every block (the property the design
guarantees); `block_end_imbalances` lists the places where they are not, for verification.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mesems.randomisation.lists import ListEntry


@dataclass(frozen=True)
class StratumBalance:
    stratum: str
    n: int
    counts: Mapping[str, int]
    imbalance: int
    """max - min of the counts per arm."""
    max_running_imbalance: int
    """the largest imbalance at any point in the order of positions."""


@dataclass(frozen=True)
class BalanceReport:
    strata: tuple[StratumBalance, ...]
    totals: Mapping[str, int]

    @property
    def max_imbalance(self) -> int:
        return max((s.imbalance for s in self.strata), default=0)


def balance_of(sequences: Sequence[str], arms: Sequence[str], stratum: str) -> StratumBalance:
    counts: Counter[str] = Counter({arm: 0 for arm in arms})
    running = 0
    for sequence in sequences:
        counts[sequence] += 1
        running = max(running, max(counts.values()) - min(counts.values()))
    return StratumBalance(stratum, len(sequences), dict(counts), max(counts.values()) - min(counts.values()), running)


def balance_report(entries: Iterable[ListEntry], arms: Sequence[str], used: Mapping[str, int] | None = None) -> BalanceReport:
    """Balance per stratum over the whole list, or over the first `used[stratum]` positions (the allocations made)."""
    by_stratum: dict[str, list[ListEntry]] = defaultdict(list)
    for entry in entries:
        by_stratum[entry.stratum].append(entry)
    rows = []
    for stratum in sorted(by_stratum):
        ordered = sorted(by_stratum[stratum], key=lambda e: e.position)
        if used is not None:
            ordered = ordered[: used.get(stratum, 0)]
        rows.append(balance_of([e.sequence for e in ordered], arms, stratum))
    totals: Counter[str] = Counter({arm: 0 for arm in arms})
    for row in rows:
        totals.update(row.counts)
    return BalanceReport(tuple(rows), dict(totals))


def block_end_imbalances(entries: Iterable[ListEntry], arms: Sequence[str]) -> list[str]:
    """Each stratum and position at the end of a block where the arms are not equal (empty: balanced)."""
    by_stratum: dict[str, list[ListEntry]] = defaultdict(list)
    for entry in entries:
        by_stratum[entry.stratum].append(entry)
    problems = []
    for stratum, rows in sorted(by_stratum.items()):
        counts: Counter[str] = Counter({arm: 0 for arm in arms})
        ordered = sorted(rows, key=lambda e: e.position)
        for i, entry in enumerate(ordered):
            counts[entry.sequence] += 1
            block_ends = i + 1 == len(ordered) or ordered[i + 1].block != entry.block
            if block_ends and len(set(counts.values())) > 1:
                problems.append(f"stratum {stratum}: arms unequal at the end of block {entry.block} (position {entry.position})")
    return problems
