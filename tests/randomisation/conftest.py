from __future__ import annotations

import pytest

from mesems.protocol import Protocol, load_protocol
from mesems.protocol.model import Randomisation


@pytest.fixture(scope="session")
def protocol() -> Protocol:
    return load_protocol()


@pytest.fixture(scope="session")
def arms(protocol: Protocol) -> list[str]:
    return [arm.id for arm in protocol.arms]


@pytest.fixture(scope="session")
def blocks(protocol: Protocol) -> Randomisation:
    return protocol.randomisation
