"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CTGOV_RECORDS = REPO / "tests" / "protocol" / "data"
"""Two ClinicalTrials.gov API v2 records (copied from shared/ctgov) to import."""


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Runs `mesems ARGS` as a user would, in a child process."""
    child_env = {**os.environ, "PYTHONPATH": str(REPO / "src"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "mesems", *args], capture_output=True, text=True, cwd=cwd, env=child_env, timeout=timeout)


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_cli
