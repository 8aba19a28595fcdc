"""The one allocation module: the live allocation, the list generator and the simulator all decide
a participant's sequence here, from a list entry and (for minimisation) who came before."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from mesems.errors import RandomisationError
from mesems.protocol.model import Randomisation
from mesems.randomisation.lists import AllocationList, ListEntry, generate_list
from mesems.randomisation.minimisation import Assigned, minimise
from mesems.randomisation.strata import factor_levels, stratum_key


@dataclass(frozen=True)
class Member:
    """A participant to allocate: an id and their stratification factor values (e.g. site, ms_course)."""

    participant_id: str
    levels: Mapping[str, str] = field(hash=False)


@dataclass(frozen=True)
class Allocated:
    participant_id: str
    stratum: str
    position: int
    sequence: str


def decide(method: str, entry: ListEntry, levels: Mapping[str, str], history: Sequence[Assigned], arms: Sequence[str]) -> str:
    """The sequence that list position `entry` gives a participant with `levels`.

    Permuted blocks and simple randomisation: the entry's sequence. Minimisation: Pocock-Simon
    over `history` (every earlier allocation of the trial) with the entry's pre-drawn random element.
    """
    if method == "minimisation":
        if entry.follow is None:
            raise RandomisationError(f"list position {entry.position} has no minimisation draw; the list was not made for minimisation")
        return minimise(history, levels, arms, entry.follow, entry.sequence)
    return entry.sequence


def allocate_cohort(members: Sequence[Member], randomisation: Randomisation, arms: Sequence[str], rng: np.random.Generator) -> list[Allocated]:
    """Allocates a whole cohort in the order given, exactly as the live trial would.

    A list is generated for the strata present, with as many positions as the cohort needs
    (whole blocks), then each member takes the next position of their stratum. Used by the
    in-silico trial (`mesems.sim`); the same `rng` gives the same allocations.
    """
    if len({m.participant_id for m in members}) != len(members):
        raise RandomisationError("a participant id appears twice in the cohort; each participant is allocated once", field="participant_id")
    levels = [factor_levels(randomisation, m.levels) for m in members]
    strata = [stratum_key(randomisation, lv) for lv in levels]
    if not members:
        return []
    alist = generate_list(randomisation, arms, sorted(set(strata)), dict(Counter(strata)), rng)
    return allocate_from_list(alist, [(m.participant_id, lv) for m, lv in zip(members, levels, strict=True)], randomisation)


def allocate_from_list(alist: AllocationList, members: Sequence[tuple[str, Mapping[str, str]]], randomisation: Randomisation) -> list[Allocated]:
    """Walks members (id, levels) in order through an existing list; refuses when a stratum runs out."""
    by_position = {(e.stratum, e.position): e for e in alist.entries}
    used: Counter[str] = Counter()
    history: list[Assigned] = []
    out: list[Allocated] = []
    for participant_id, levels in members:
        stratum = stratum_key(randomisation, levels)
        used[stratum] += 1
        entry = by_position.get((stratum, used[stratum]))
        if entry is None:
            raise RandomisationError(f"the allocation list has no free position left in stratum {stratum}", code="list_exhausted", http_status=409)
        sequence = decide(alist.method, entry, levels, history, alist.arms)
        history.append(Assigned(levels, sequence))
        out.append(Allocated(participant_id, stratum, entry.position, sequence))
    return out
