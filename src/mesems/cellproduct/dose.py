"""The dose rule: 1-2 x 10^6 cells per kg of body weight from a recent weight (protocol paper;
limits and the weight's maximum age in `interventions[MSC].dose`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mesems.protocol.model import DoseRule


@dataclass(frozen=True)
class Weight:
    kg: float
    measured_on: dt.date
    source: str = "cell product"


@dataclass(frozen=True)
class DoseVerdict:
    ok: bool
    per_kg: float | None
    reason: str


def check_dose(cells: float, weight: Weight | None, on: dt.date, rule: DoseRule) -> DoseVerdict:
    """Cells per kg within [min_per_kg, max_per_kg] inclusive, from a weight measured at most
    `weight_max_age_days` before `on` (and not after it)."""
    if weight is None:
        return DoseVerdict(False, None, "no weight is recorded for this participant; record a weight before release")
    age = (on - weight.measured_on).days
    if age < 0:
        return DoseVerdict(False, None, f"the latest weight is dated {weight.measured_on}, after {on}")
    if age > rule.weight_max_age_days:
        return DoseVerdict(False, None, f"the latest weight is {age} days old (measured {weight.measured_on}); the dose needs one at most {rule.weight_max_age_days} days old")
    if weight.kg <= 0:
        return DoseVerdict(False, None, f"weight {weight.kg:g} kg is not a body weight")
    per_kg = cells / weight.kg
    ok = rule.min_per_kg <= per_kg <= rule.max_per_kg
    verdict = "within" if ok else "outside"
    return DoseVerdict(ok, per_kg, f"{per_kg:.3g} {rule.unit}/kg for {weight.kg:g} kg is {verdict} {rule.min_per_kg:.3g}-{rule.max_per_kg:.3g} {rule.unit}/kg")
