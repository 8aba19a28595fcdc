"""A bundled MedDRA subset for coding adverse events: system organ classes and common preferred terms.

PROTOCOL.md, primary safety: events are coded by MedDRA system organ class (SOC) and preferred
term (PT). The subset in `data/meddra_subset.yaml` holds all 27 SOCs and the PTs common in this
trial. The SOC must be one of the 27; a PT from the subset must sit in its primary SOC; a PT not
in the subset is allowed as free text (the coder finishes it with the full dictionary) and is
flagged as not coded from the subset.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import yaml

from mesems.clinical.problems import Problem


@dataclass(frozen=True)
class MedDRASubset:
    socs: tuple[str, ...]
    soc_of_pt: dict[str, str]


@dataclass(frozen=True)
class Term:
    pt: str
    soc: str


@functools.lru_cache(maxsize=1)
def meddra_subset() -> MedDRASubset:
    text = resources.files("mesems.clinical").joinpath("data/meddra_subset.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return MedDRASubset(tuple(data["socs"]), dict(data["preferred_terms"]))


def _canonical(name: str, names: list[str] | tuple[str, ...]) -> str | None:
    folded = " ".join(name.split()).casefold()
    return next((n for n in names if n.casefold() == folded), None)


def canonical_soc(soc: str) -> str | None:
    """The SOC as the dictionary spells it, whatever the case and spacing typed; None if unknown."""
    return _canonical(soc, meddra_subset().socs)


def canonical_pt(pt: str) -> str | None:
    return _canonical(pt, list(meddra_subset().soc_of_pt))


def soc_of(pt: str) -> str | None:
    """The primary SOC of a PT in the subset; None for a free-text term."""
    found = canonical_pt(pt)
    return meddra_subset().soc_of_pt[found] if found else None


def is_coded(pt: str | None) -> bool:
    return bool(pt) and canonical_pt(pt or "") is not None


def search_terms(text: str, limit: int = 15) -> list[Term]:
    """PTs of the subset whose name contains `text` (any case), those starting with it first."""
    needle = text.strip().casefold()
    if not needle:
        return []
    hits = [Term(pt, soc) for pt, soc in meddra_subset().soc_of_pt.items() if needle in pt.casefold()]
    hits.sort(key=lambda t: (not t.pt.casefold().startswith(needle), t.pt))
    return hits[:limit]


def check_coding(soc: str | None, pt: str | None) -> list[Problem]:
    """The SOC must be a MedDRA SOC; a PT from the subset must be coded in its primary SOC."""
    problems: list[Problem] = []
    if not soc:
        return [Problem("soc", "required", "choose the MedDRA system organ class")]
    known_soc = canonical_soc(soc)
    if known_soc is None:
        problems.append(Problem("soc", "unknown_soc", f"{soc!r} is not a MedDRA system organ class"))
    if pt:
        primary = soc_of(pt)
        if primary is not None and known_soc is not None and primary != known_soc:
            problems.append(
                Problem(
                    "soc",
                    "soc_mismatch",
                    f"the preferred term {canonical_pt(pt)!r} belongs to {primary!r}, not {known_soc!r}",
                )
            )
    return problems
