"""Screening fixtures: users who screen at two sites."""

from __future__ import annotations

from typing import Any

import pytest

from mesems.access import Role


@pytest.fixture
def nurse(make_user: Any) -> Any:
    return make_user(Role.NURSE, "SE-KAR")


@pytest.fixture
def other_site_nurse(make_user: Any) -> Any:
    return make_user(Role.NURSE, "IT-01")
