"""Allocation lists: generation from a secret seed, the canonical text and its SHA-256 digest, files.

The digest is recorded when the list is generated; anyone can later recompute it from the stored
rows and see whether a single row changed (`mesems allocation verify`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mesems.errors import RandomisationError
from mesems.protocol.model import Randomisation
from mesems.randomisation.blocks import Draw, minimisation_draws, permuted_blocks, simple_draws
from mesems.randomisation.strata import ALL, factor_ids, is_stratified

FILE_FORMAT = 1


@dataclass(frozen=True)
class ListEntry:
    """One position of the list: position counts from 1 within its stratum."""

    stratum: str
    position: int
    sequence: str
    block: int | None = None
    block_size: int | None = None
    follow: bool | None = None


@dataclass(frozen=True)
class AllocationList:
    method: str
    arms: tuple[str, ...]
    factors: tuple[str, ...]
    block_sizes: tuple[int, ...]
    minimisation_probability: float | None
    entries: tuple[ListEntry, ...] = field(repr=False)

    @property
    def digest(self) -> str:
        return list_digest(self)

    @property
    def strata(self) -> list[str]:
        return sorted({entry.stratum for entry in self.entries})

    def header(self) -> dict[str, object]:
        return {
            "format": FILE_FORMAT,
            "method": self.method,
            "arms": list(self.arms),
            "factors": list(self.factors),
            "block_sizes": list(self.block_sizes),
            "minimisation_probability": self.minimisation_probability,
        }


def generator_from_seed(seed: str) -> np.random.Generator:
    """A numpy Generator from the statistician's secret seed; the seed's SHA-256 is the entropy,
    so any text works as a seed and similar seeds give unrelated lists."""
    if len(seed) < 8:
        raise RandomisationError(f"the seed must be at least 8 characters to be secret; got {len(seed)}", field="seed")
    return np.random.default_rng(int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big"))


def generate_list(
    randomisation: Randomisation,
    arms: Sequence[str],
    strata: Sequence[str],
    per_stratum: int | Mapping[str, int],
    rng: np.random.Generator,
) -> AllocationList:
    """A list with at least `per_stratum` positions in each stratum, strata drawn in sorted order.

    Permuted blocks: whole blocks per stratum. Simple randomisation and minimisation: one
    trial-wide stratum `ALL`, so `strata` is ignored and the positions are the sum asked for.
    """
    if len(set(arms)) != len(arms) or len(arms) < 2:
        raise RandomisationError(f"expected at least two distinct arms, got {list(arms)}", field="arms")
    wanted = {s: per_stratum[s] if isinstance(per_stratum, Mapping) else per_stratum for s in strata}
    if any(n < 1 for n in wanted.values()):
        raise RandomisationError("each stratum needs at least one position", field="per_stratum")
    method = randomisation.method
    if not is_stratified(method):
        wanted = {ALL: sum(wanted.values()) if isinstance(per_stratum, Mapping) else int(per_stratum)}
    entries: list[ListEntry] = []
    for stratum in sorted(wanted):
        n = wanted[stratum]
        if method == "permuted_blocks":
            draws: list[Draw] = permuted_blocks(rng, n, randomisation.block_sizes, arms)
        elif method == "simple":
            draws = simple_draws(rng, n, arms)
        else:
            draws = minimisation_draws(rng, n, arms, randomisation.minimisation_probability)
        entries += [ListEntry(stratum, i, d.sequence, d.block, d.block_size, d.follow) for i, d in enumerate(draws, start=1)]
    return AllocationList(
        method=method,
        arms=tuple(arms),
        factors=factor_ids(randomisation),
        block_sizes=tuple(randomisation.block_sizes) if method == "permuted_blocks" else (),
        minimisation_probability=randomisation.minimisation_probability if method == "minimisation" else None,
        entries=tuple(entries),
    )


def entry_line(entry: ListEntry) -> str:
    follow = "" if entry.follow is None else str(int(entry.follow))
    fields = (entry.stratum, str(entry.position), entry.sequence, str(entry.block or ""), str(entry.block_size or ""), follow)
    return ",".join(fields)


def canonical_text(alist: AllocationList) -> bytes:
    """The header as sorted JSON, then one line per entry in (stratum, position) order."""
    lines = [json.dumps(alist.header(), sort_keys=True, separators=(",", ":"))]
    lines += [entry_line(e) for e in sorted(alist.entries, key=lambda e: (e.stratum, e.position))]
    return ("\n".join(lines) + "\n").encode()


def list_digest(alist: AllocationList) -> str:
    return hashlib.sha256(canonical_text(alist)).hexdigest()


def write_list(alist: AllocationList, path: Path) -> str:
    """Writes the list as JSON with its digest; returns the digest."""
    digest = alist.digest
    body = {**alist.header(), "digest": digest, "entries": [entry_as_dict(e) for e in alist.entries]}
    path.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    return digest


def entry_as_dict(entry: ListEntry) -> dict[str, object]:
    return {"stratum": entry.stratum, "position": entry.position, "sequence": entry.sequence, "block": entry.block, "block_size": entry.block_size, "follow": entry.follow}


def list_from_dict(body: Mapping[str, object], source: str) -> AllocationList:
    """A list from its JSON form; the file's own digest must match its rows."""
    try:
        raw_entries = body["entries"]
        assert isinstance(raw_entries, list)
        entries = tuple(
            ListEntry(str(e["stratum"]), int(e["position"]), str(e["sequence"]), e.get("block"), e.get("block_size"), e.get("follow"))
            for e in raw_entries
        )
        alist = AllocationList(
            method=str(body["method"]),
            arms=tuple(body["arms"]),  # type: ignore[arg-type]
            factors=tuple(body["factors"]),  # type: ignore[arg-type]
            block_sizes=tuple(body.get("block_sizes") or ()),  # type: ignore[arg-type]
            minimisation_probability=body.get("minimisation_probability"),  # type: ignore[arg-type]
            entries=entries,
        )
    except (KeyError, TypeError, ValueError, AssertionError) as exc:
        raise RandomisationError(f"{source} is not an allocation list file: {type(exc).__name__} {exc}") from None
    if body.get("format") != FILE_FORMAT:
        raise RandomisationError(f"{source} has format {body.get('format')!r}; expected {FILE_FORMAT}")
    if body.get("digest") != alist.digest:
        raise RandomisationError(f"{source} does not match its own digest: the file was changed after it was generated")
    return alist


def read_list(path: Path) -> AllocationList:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RandomisationError(f"{path} does not exist") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RandomisationError(f"{path} is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise RandomisationError(f"{path} must hold a JSON object")
    return list_from_dict(body, str(path))
