"""The names of the computable eligibility rules and the parameters each takes.

A protocol file names a rule per criterion (`rule: edss_range`, `params: {min: 2.5, max: 6.5}`);
this table is what protocol validation checks those names and parameters against, and what
the engine dispatches on.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RuleSpec:
    name: str
    summary: str
    required: frozenset[str] = field(default_factory=frozenset)
    optional: frozenset[str] = field(default_factory=frozenset)

    def check_params(self, params: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
        """Yields (parameter, problem) for each missing or unknown parameter."""
        for name in sorted(self.required - params.keys()):
            yield name, f"rule {self.name!r} needs parameter {name!r}"
        for name in sorted(params.keys() - self.required - self.optional):
            allowed = ", ".join(sorted(self.required | self.optional)) or "none"
            yield name, f"rule {self.name!r} takes no parameter {name!r}; expected one of [{allowed}]"


def _spec(name: str, summary: str, required: set[str] | None = None, optional: set[str] | None = None) -> RuleSpec:
    return RuleSpec(name, summary, frozenset(required or ()), frozenset(optional or ()))


KNOWN_RULES: dict[str, RuleSpec] = {
    spec.name: spec
    for spec in (
        _spec("ms_diagnosis", "MS diagnosis meeting the inclusion branch of the candidate's course", set(), {"courses"}),
        _spec(
            "relapsing_activity",
            "RRMS failing approved therapy, with relapses or GEL in the look-back",
            {"course", "failed_therapy_min_months", "therapy_classes", "relapses_12m_min", "relapses_24m_min", "gel_lookback_months"},
        ),
        _spec(
            "progressive_activity",
            "SPMS/PPMS with an EDSS increase in the look-back and relapse or GEL activity",
            {"course", "edss_lookback_months", "edss_threshold", "increase_at_or_below_threshold", "increase_above_threshold", "activity"},
            {"failed_therapy_min_months", "therapy_classes", "requires_csf_oligoclonal_bands"},
        ),
        _spec("course_branch_failed", "exclusion: the candidate's course does not meet its inclusion branch", {"course"}),
        _spec("age_range", "age on the planned randomisation date, inclusive", {"min_years", "max_years"}),
        _spec("disease_duration", "years from MS onset to the planned randomisation date, inclusive", {"min_years", "max_years"}),
        _spec("edss_range", "EDSS at screening, inclusive", {"min", "max"}),
        _spec("no_infection", "no active or chronic infection, HIV or chronic hepatitis B/C", set(), {"fields"}),
        _spec("no_recent_therapy", "no therapy of the named classes within the look-back", {"classes"}, {"days", "months"}),
        _spec("no_recent_relapse", "no relapse within the look-back", {"days"}),
        _spec("no_malignancy", "no past malignancy other than the allowed kinds", set(), {"allowed"}),
        _spec("flag_false", "each named yes/no item must be answered no", {"fields"}),
        _spec("pregnancy", "not pregnant and not at risk of pregnancy"),
        _spec("renal_and_mri", "eGFR at or above the minimum, no renal failure, able to have MRI", {"egfr_min"}),
        _spec("consent", "able to give written informed consent"),
    )
}
