"""Stratified permuted-block allocation for the simulator.

This stands in for `mesems.randomisation` (written in parallel) and is meant to be swapped for
its list generator once that is on main; the simulator calls only `allocate_sequences`.
Blocks are drawn per stratum (protocol: site x disease course), each of a size chosen at
random from the protocol's block sizes, holding each sequence equally often.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

from mesems.errors import SimulationError


def allocate_sequences(
    strata: Sequence[Hashable],
    sequences: Sequence[str],
    block_sizes: Sequence[int],
    rng: np.random.Generator,
) -> list[str]:
    """The sequence of each participant, in randomisation order, given each one's stratum."""
    if not sequences:
        raise SimulationError("the protocol has no arms to allocate to", field="arms")
    usable = [size for size in block_sizes if size > 0 and size % len(sequences) == 0]
    if not usable:
        raise SimulationError(f"no block size in {list(block_sizes)} fits {len(sequences)} sequences", field="block_sizes")
    open_blocks: dict[Hashable, list[str]] = {}
    allocation = []
    for stratum in strata:
        block = open_blocks.get(stratum)
        if not block:
            size = int(rng.choice(usable))
            block = [sequences[i % len(sequences)] for i in range(size)]
            block = [block[i] for i in rng.permutation(size)]
            open_blocks[stratum] = block
        allocation.append(block.pop())
    return allocation
