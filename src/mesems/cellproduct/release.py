"""Release tests against the protocol's specifications (`cell_product.release_tests`).

A numeric test passes when min <= value <= max (limits inclusive); a categorical test when the
value equals `expected` (case and surrounding blanks ignored). A missing result is never a pass:
the product cannot be released until every test has a result within its specification.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from mesems.protocol.model import ReleaseTest


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    MISSING = "missing"


@dataclass(frozen=True)
class TestResult:
    test_id: str
    name: str
    value: str | None
    outcome: Outcome
    reason: str


@dataclass(frozen=True)
class ReleaseVerdict:
    results: tuple[TestResult, ...]

    @property
    def passed(self) -> bool:
        return all(r.outcome is Outcome.PASS for r in self.results)

    @property
    def problems(self) -> list[str]:
        return [f"{r.name}: {r.reason}" for r in self.results if r.outcome is not Outcome.PASS]


def _limits(spec: ReleaseTest) -> str:
    unit = f" {spec.unit}" if spec.unit else ""
    if spec.min is not None and spec.max is not None:
        return f"{spec.min:g} to {spec.max:g}{unit}"
    if spec.min is not None:
        return f"at least {spec.min:g}{unit}"
    return f"at most {spec.max:g}{unit}"


def evaluate_test(spec: ReleaseTest, value: float | str | None) -> TestResult:
    if value is None or (isinstance(value, str) and not value.strip()):
        return TestResult(spec.id, spec.name, None, Outcome.MISSING, "no result recorded")
    text = str(value).strip()
    if spec.expected is not None:
        ok = text.lower() == spec.expected.lower()
        return TestResult(spec.id, spec.name, text, Outcome.PASS if ok else Outcome.FAIL, f"{text!r}, expected {spec.expected!r}")
    try:
        number = float(text)
    except ValueError:
        return TestResult(spec.id, spec.name, text, Outcome.FAIL, f"{text!r} is not a number; expected {_limits(spec)}")
    ok = (spec.min is None or number >= spec.min) and (spec.max is None or number <= spec.max)
    return TestResult(spec.id, spec.name, text, Outcome.PASS if ok else Outcome.FAIL, f"{number:g}, expected {_limits(spec)}")


def evaluate_release(specs: Sequence[ReleaseTest], values: Mapping[str, float | str | None]) -> ReleaseVerdict:
    """The verdict of every specified test; results for tests the protocol does not name are ignored."""
    return ReleaseVerdict(tuple(evaluate_test(spec, values.get(spec.id)) for spec in specs))
