"""Strata: the combination of stratification factor values a participant belongs to.

The protocol names the factors (`randomisation.strata`, by default site and disease course,
[default] of PROTOCOL.md "Randomisation"). A stratum key joins the participant's values in
factor order with "|", e.g. "SE-KAR|RR". Simple randomisation and minimisation use one
trial-wide sequence of positions, the stratum `ALL`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from mesems.errors import RandomisationError
from mesems.protocol.model import Randomisation

ALL = "ALL"
"""The one stratum of an unstratified method (simple randomisation, minimisation)."""

SEPARATOR = "|"


def is_stratified(method: str) -> bool:
    """Only permuted blocks keep a list per stratum; the other methods balance trial-wide."""
    return method == "permuted_blocks"


def factor_ids(randomisation: Randomisation) -> tuple[str, ...]:
    return tuple(factor.id for factor in randomisation.strata)


def factor_levels(randomisation: Randomisation, values: Mapping[str, str | None]) -> dict[str, str]:
    """The participant's value of each stratification factor; a missing or unlisted value is refused."""
    levels: dict[str, str] = {}
    for factor in randomisation.strata:
        value = values.get(factor.id)
        if not value:
            raise RandomisationError(f"the participant has no {factor.label.lower()} ({factor.id}), which the randomisation is stratified by", field=factor.id)
        if factor.values and value not in factor.values:
            raise RandomisationError(f"unknown {factor.label.lower()} {value!r}; expected one of [{', '.join(factor.values)}]", field=factor.id)
        levels[factor.id] = value
    return levels


def stratum_key(randomisation: Randomisation, levels: Mapping[str, str]) -> str:
    """The key of the participant's stratum, or `ALL` for an unstratified method."""
    if not is_stratified(randomisation.method):
        return ALL
    return SEPARATOR.join(levels[factor] for factor in factor_ids(randomisation))


def all_strata(randomisation: Randomisation, site_ids: Sequence[str]) -> list[str]:
    """Every stratum of the design: the product of the factors' values (sites fill a factor without listed values)."""
    if not is_stratified(randomisation.method):
        return [ALL]
    value_lists: list[list[str]] = []
    for factor in randomisation.strata:
        values = list(factor.values) or (list(site_ids) if factor.id == "site" else [])
        if not values:
            raise RandomisationError(f"stratification factor {factor.id!r} lists no values; give them in the protocol file", field=factor.id)
        value_lists.append(values)
    if not value_lists:
        return [ALL]
    return [SEPARATOR.join(combo) for combo in itertools.product(*value_lists)]
