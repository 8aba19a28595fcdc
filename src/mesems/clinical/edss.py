"""The Expanded Disability Status Scale (EDSS): its valid steps and the rule for an EDSS increase.

Kurtzke's EDSS runs from 0 to 10: 0, then half steps from 1.0 to 9.5, then 10 (there is no 0.5).
Any other value is a data-entry error, never something to round (PROTOCOL.md, "Rules the
software must get right").

The size of an increase that counts depends on where the scale stands: the eligibility rule
for SPMS and PPMS (inclusion 1b(i) and 1c(i)) asks for >= 1.0 point when the EDSS at
randomisation is <= 5.0 and >= 0.5 point when it is >= 5.5; the disability-progression
endpoint asks for >= 1.0 point from a baseline <= 5.5 and >= 0.5 point from a baseline above
5.5. Both are one `IncreaseRule` with a different threshold and reference value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mesems.errors import ClinicalError

EDSS_STEPS: tuple[float, ...] = (0.0, *(step / 2 for step in range(2, 20)), 10.0)
"""0, 1.0, 1.5, ..., 9.5, 10: the only values an EDSS can take."""

_VALID = frozenset(EDSS_STEPS)


def is_edss_step(value: float) -> bool:
    """True when `value` is one of the scale's steps (0, 1.0, 1.5, ..., 9.5, 10)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and value in _VALID


def check_edss(value: float, field: str = "edss") -> float:
    """`value` as a float when it is a valid EDSS step; otherwise a ClinicalError naming `field`."""
    if not is_edss_step(value):
        shown = (
            f"{value:g}"
            if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
            else repr(value)
        )
        raise ClinicalError(
            f"{field}: {shown} is not an EDSS step; expected 0 or 1.0 to 10 in steps of 0.5 (no 0.5)",
            field=field,
        )
    return float(value)


@dataclass(frozen=True)
class IncreaseRule:
    """An EDSS increase that counts: `at_or_below` points when the reference EDSS is at or below
    `threshold`, `above` points when it is above it.

    Which value is the reference is part of the rule's use: the EDSS at randomisation for
    inclusion 1b(i)/1c(i), the baseline EDSS for confirmed disability progression.
    """

    threshold: float
    at_or_below: float
    above: float

    def required(self, reference: float) -> float:
        """The increase needed when the reference EDSS is `reference`."""
        return self.at_or_below if reference <= self.threshold else self.above

    def is_increase(self, earlier: float, later: float, reference: float) -> bool:
        """True when going from `earlier` to `later` is an increase under this rule.

        EDSS steps are multiples of 0.5 and so exact in binary floating point; the comparison
        needs no tolerance.
        """
        return later - earlier >= self.required(reference)


INCLUSION_PROGRESSION = IncreaseRule(threshold=5.0, at_or_below=1.0, above=0.5)
"""Inclusion 1b(i) and 1c(i): >= 1.0 if the EDSS at randomisation is <= 5.0, >= 0.5 if it is >= 5.5."""

CONFIRMED_PROGRESSION = IncreaseRule(threshold=5.5, at_or_below=1.0, above=0.5)
"""Secondary endpoint: >= 1.0 from a baseline <= 5.5, >= 0.5 from a baseline above 5.5."""
