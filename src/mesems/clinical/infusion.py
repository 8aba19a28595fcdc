"""The infusion record (PROTOCOL.md, design: one IV dose at week 0 and one at week 24).

The dose is 1-2 x 10^6 cells per kg of body weight (protocol paper; the protocol's
`interventions[].dose`), worked out from a weight measured no more than `weight_max_age_days`
before the infusion. Blinding: both bags carry the same label, the prescribed dose per kg, and a
blinded product code; what a bag really held is known only to the cell-processing lab.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from mesems.clinical.problems import Problem, in_range, not_in_future, required
from mesems.protocol.model import DoseRule
from mesems.randomisation import normalise_product_code


def check_infusion(
    values: Mapping[str, Any],
    today: dt.date,
    dose: DoseRule,
    weight_kg: float | None,
    weighed_on: dt.date | None,
) -> list[Problem]:
    problems = required(values, ["infused_on", "product_code", "dose_per_kg", "volume_ml"], "for an infusion")
    infused = values.get("infused_on")
    problems += not_in_future(infused, today, "infused_on")
    problems += in_range(
        values.get("dose_per_kg"),
        dose.min_per_kg,
        dose.max_per_kg,
        "dose_per_kg",
        "Prescribed dose",
        f"{dose.unit}/kg",
    )
    volume = values.get("volume_ml")
    if volume is not None and volume <= 0:
        problems.append(Problem("volume_ml", "not_positive", f"volume infused {volume:g} mL must be above 0"))
    if values.get("reaction") and not values.get("reaction_description"):
        problems.append(
            Problem(
                "reaction_description",
                "required",
                "describe the infusion reaction (and record it as an adverse event)",
            )
        )
    if infused is not None:
        if weight_kg is None or weighed_on is None:
            problems.append(
                Problem(
                    "infused_on",
                    "no_weight",
                    "no weight is recorded for this participant; record the weight for dosing first",
                )
            )
        elif not 0 <= (infused - weighed_on).days <= dose.weight_max_age_days:
            problems.append(
                Problem(
                    "infused_on",
                    "weight_too_old",
                    f"the last weight ({weighed_on.isoformat()}) is not within {dose.weight_max_age_days} days before the infusion; weigh the participant again",
                )
            )
    return problems


def check_bedside_code(
    product_code: str | None, checked_code: str | None, period: int | None
) -> list[Problem]:
    """With a cell product, the record carries the code of the bag that passed the bedside check for
    this participant and period, so the paper record cannot bypass the check. `checked_code` is
    None before that check. Both codes are blinded: naming them tells nobody what a bag held."""
    if not product_code:
        return []
    dosing = f"period {period}" if period is not None else "this visit"
    if checked_code is None:
        return [
            Problem(
                "product_code",
                "no_bedside_check",
                f"no bag has passed the bedside check for {dosing} yet: scan the bag at the bedside first, "
                "then record the infusion here",
            )
        ]
    typed, checked = normalise_product_code(product_code), normalise_product_code(checked_code)
    if typed != checked:
        return [
            Problem(
                "product_code",
                "not_the_checked_bag",
                f"{typed} is not the bag that passed the bedside check for {dosing} ({checked}); "
                "enter the code on the bag that was infused",
            )
        ]
    return []


def total_dose(dose_per_kg: float | None, weight_kg: float | None) -> float | None:
    """The prescribed number of cells: dose per kg x weight used for dosing."""
    if dose_per_kg is None or weight_kg is None:
        return None
    return dose_per_kg * weight_kg
