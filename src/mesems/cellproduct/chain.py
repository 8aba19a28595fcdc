"""The chain of identity and custody: the steps of a product and the order they must come in.

harvest -> expansion (batch, passages) -> bags prepared (the MSC dose and the matched placebo,
each with a blinded code) -> release tests -> release (e-signed by the qualified person) ->
cryostorage -> thaw -> bedside check -> infusion. A step out of order is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from mesems.errors import CellProductError


class ProductState(StrEnum):
    HARVESTED = "harvested"
    EXPANDING = "expanding"
    BAGS_PREPARED = "bags_prepared"
    RELEASED = "released"


class BagState(StrEnum):
    PREPARED = "prepared"
    STORED = "stored"
    THAWED = "thawed"
    INFUSED = "infused"


class Step(StrEnum):
    HARVEST = "harvest"
    EXPANSION = "expansion"
    BAGS_PREPARED = "bags_prepared"
    RELEASE_TESTS = "release_tests"
    RELEASE = "release"
    REFUSED_RELEASE = "refused_release"
    CRYOSTORAGE = "cryostorage"
    THAW = "thaw"
    BEDSIDE_CHECK = "bedside_check"
    INCIDENT = "incident"
    INFUSION = "infusion"


ALLOWED_BEFORE: dict[Step, frozenset[ProductState]] = {
    Step.EXPANSION: frozenset({ProductState.HARVESTED, ProductState.EXPANDING}),
    Step.BAGS_PREPARED: frozenset({ProductState.EXPANDING}),
    Step.RELEASE_TESTS: frozenset({ProductState.BAGS_PREPARED}),
    Step.RELEASE: frozenset({ProductState.BAGS_PREPARED}),
    Step.CRYOSTORAGE: frozenset({ProductState.BAGS_PREPARED, ProductState.RELEASED}),
    Step.THAW: frozenset({ProductState.RELEASED}),
}
"""The product states in which each lab step may be taken."""


def require_state(step: Step, state: str, participant: str) -> None:
    allowed = ALLOWED_BEFORE.get(step)
    if allowed is not None and state not in allowed:
        expected = ", ".join(sorted(allowed))
        raise CellProductError(f"{step.value.replace('_', ' ')} is not possible for {participant}'s product in state {state}; expected one of [{expected}]", code="out_of_order", http_status=409)


def require_bag_state(step: Step, state: str, code: str, allowed: Iterable[BagState]) -> None:
    allowed = frozenset(allowed)
    if state not in allowed:
        raise CellProductError(f"{step.value} is not possible for product {code} in state {state}; expected one of [{', '.join(sorted(allowed))}]", code="out_of_order", http_status=409)
