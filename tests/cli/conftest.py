from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def mesems() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `python -m mesems ARGS` as a user would, with the repository's src on the path."""

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PYTHONPATH": str(SRC)}
        return subprocess.run([sys.executable, "-m", "mesems", *args], capture_output=True, text=True, env=env,
                              cwd=cwd, timeout=600)

    return run
