from __future__ import annotations

import pytest

from mesems.errors import RandomisationError
from mesems.protocol.model import Randomisation, StratificationFactor
from mesems.randomisation import ALL, all_strata, factor_levels, stratum_key


def test_key_joins_values_in_factor_order(blocks: Randomisation) -> None:
    levels = factor_levels(blocks, {"ms_course": "SP", "site": "IT-01", "other": "x"})
    assert stratum_key(blocks, levels) == "IT-01|SP"
    assert stratum_key(blocks.model_copy(update={"method": "simple"}), levels) == ALL


def test_a_factor_without_values_other_than_site_is_refused() -> None:
    config = Randomisation(strata=[StratificationFactor(id="sex", label="Sex")])
    with pytest.raises(RandomisationError, match="lists no values"):
        all_strata(config, ["A"])
    assert all_strata(Randomisation(), ["A"]) == [ALL]
