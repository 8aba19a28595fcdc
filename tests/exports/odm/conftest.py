from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mesems.exports.odm.writer import write_odm
from mesems.exports.tableset import TrialTables
from mesems.protocol import Protocol

CREATED = dt.datetime(2021, 11, 20, 12, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="session")
def odm_file(tables: TrialTables, protocol: Protocol, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("odm") / "mesems.xml"
    write_odm(tables, out, protocol, created=CREATED, role="unblinded_statistician")
    return out
