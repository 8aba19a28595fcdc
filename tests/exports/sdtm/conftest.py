from __future__ import annotations

import polars as pl
import pytest

from mesems.exports.sdtm.build import build_domains
from mesems.exports.tableset import TrialTables, blind
from mesems.protocol import Protocol


@pytest.fixture(scope="session")
def datasets(tables: TrialTables, protocol: Protocol) -> dict[str, pl.DataFrame]:
    return build_domains(tables, protocol)


@pytest.fixture(scope="session")
def blinded_datasets(tables: TrialTables, protocol: Protocol) -> dict[str, pl.DataFrame]:
    return build_domains(blind(tables), protocol)
