from __future__ import annotations

import pytest

from mesems.cellproduct import BagState, ProductState, Step, require_bag_state, require_state
from mesems.errors import CellProductError


def test_steps_in_order_are_allowed() -> None:
    require_state(Step.EXPANSION, ProductState.HARVESTED, "P1")
    require_state(Step.BAGS_PREPARED, ProductState.EXPANDING, "P1")
    require_state(Step.RELEASE, ProductState.BAGS_PREPARED, "P1")
    require_state(Step.THAW, ProductState.RELEASED, "P1")


def test_a_step_out_of_order_is_refused_naming_the_expected_states() -> None:
    with pytest.raises(CellProductError, match=r"thaw is not possible .* state bags_prepared; expected one of \[released\]") as refused:
        require_state(Step.THAW, ProductState.BAGS_PREPARED, "P1")
    assert refused.value.http_status == 409
    with pytest.raises(CellProductError, match="expected one of \\[stored\\]"):
        require_bag_state(Step.THAW, BagState.PREPARED, "P-7F3K", [BagState.STORED])
