"""Permuted blocks, simple draws and minimisation draws: the random part of every method.

Permuted blocks (Schulz & Grimes, Lancet 2002;359:515-519): each block holds every arm equally
often in a random order, so the arms are equal at the end of every block; block sizes are drawn
at random from the protocol's set so the end of a block cannot be foreseen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mesems.errors import RandomisationError


@dataclass(frozen=True)
class Draw:
    """One position's random content. `follow` is used by minimisation only."""

    sequence: str
    block: int | None = None
    block_size: int | None = None
    follow: bool | None = None


def permuted_block(rng: np.random.Generator, size: int, arms: Sequence[str]) -> list[str]:
    """A block of `size` positions with each arm size/len(arms) times, in random order."""
    if size <= 0 or size % len(arms):
        raise RandomisationError(f"block size {size} cannot hold the {len(arms)} arms equally; expected a positive multiple of {len(arms)}", field="block_sizes")
    return [str(arm) for arm in rng.permutation(np.repeat(np.asarray(arms), size // len(arms)))]


def permuted_blocks(rng: np.random.Generator, n: int, block_sizes: Sequence[int], arms: Sequence[str]) -> list[Draw]:
    """Whole blocks until at least `n` positions: a list never ends inside a block."""
    if not block_sizes:
        raise RandomisationError("no block sizes given; expected e.g. [2, 4]", field="block_sizes")
    draws: list[Draw] = []
    block = 0
    while len(draws) < n:
        block += 1
        size = int(rng.choice(np.asarray(block_sizes)))
        draws += [Draw(arm, block, size) for arm in permuted_block(rng, size, arms)]
    return draws


def simple_draws(rng: np.random.Generator, n: int, arms: Sequence[str]) -> list[Draw]:
    """Each position an independent, equally likely arm (simple randomisation)."""
    return [Draw(str(arm)) for arm in rng.choice(np.asarray(arms), size=n)]


def minimisation_draws(rng: np.random.Generator, n: int, arms: Sequence[str], probability: float) -> list[Draw]:
    """The random element of minimisation, drawn in advance: whether the position follows the
    arm that minimises imbalance (with `probability`) and an equally likely arm for ties and for
    the positions that do not follow."""
    follows = rng.random(n) < probability
    picks = rng.choice(np.asarray(arms), size=n)
    return [Draw(str(pick), follow=bool(follow)) for follow, pick in zip(follows, picks, strict=True)]
