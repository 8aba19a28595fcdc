"""Figures the security tests measure (checks made, fuzz cases run, tamper cases caught, crash runs
survived), written to test-artifacts/security-figures/ so a run can report them."""

from __future__ import annotations

import json

from tests.conftest import REPO

FIGURES = REPO / "test-artifacts" / "security-figures"


def record_figure(name: str, **values: object) -> None:
    FIGURES.mkdir(parents=True, exist_ok=True)
    (FIGURES / f"{name}.json").write_text(json.dumps(values, indent=2, sort_keys=True))
