"""Shared fixtures: one small generated trial, as typed tables and as the CSV directory the
simulator writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mesems.exports.tableset import TrialTables
from mesems.protocol import Protocol, load_protocol
from tests.exports.trialgen import generate, generate_tables, write_csv_dir

PARTICIPANTS = 40
SEED = 20130201


@pytest.fixture(scope="session")
def protocol() -> Protocol:
    return load_protocol()


@pytest.fixture(scope="session")
def tables(protocol: Protocol) -> TrialTables:
    return generate_tables(protocol, PARTICIPANTS, SEED)


@pytest.fixture(scope="session")
def trial_dir(protocol: Protocol, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_csv_dir(generate(protocol, PARTICIPANTS, np.random.default_rng(SEED)), tmp_path_factory.mktemp("trial"))
