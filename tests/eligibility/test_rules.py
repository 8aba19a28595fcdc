"""Rule names and their parameters, as protocol validation and both engines use them."""

from __future__ import annotations

from typing import Any

import pytest

from mesems.eligibility.criteria import EVALUATORS
from mesems.eligibility.kernels import KERNELS
from mesems.eligibility.rules import KNOWN_RULES
from mesems.protocol import default_protocol_text, protocol_problems


def test_the_embedded_protocol_is_valid_with_both_versions() -> None:
    assert protocol_problems(default_protocol_text()) == []


def test_every_rule_has_a_per_record_and_a_vectorised_evaluation() -> None:
    assert set(EVALUATORS) | {"ms_diagnosis"} == set(KNOWN_RULES)
    assert set(KERNELS) == set(KNOWN_RULES)


@pytest.mark.parametrize(
    ("rule", "params", "name", "words"),
    [
        ("edss_range", {"min": 2.5}, "max", "needs parameter 'max'"),
        ("edss_range", {"min": 3.25, "max": 6.5}, "min", "not an EDSS step"),
        ("edss_range", {"min": 6.5, "max": 3.0}, "min", "above max"),
        ("age_range", {"min_years": 50, "max_years": 18}, "min_years", "above max_years"),
        ("no_recent_therapy", {"classes": ["steroids"], "days": 30}, "classes[0]", "corticosteroid"),
        ("no_recent_therapy", {"classes": ["corticosteroid"]}, "days", "exactly one of days or months"),
        (
            "no_recent_therapy",
            {"classes": ["corticosteroid"], "days": 30, "months": 1},
            "days",
            "exactly one of days or months",
        ),
        ("no_recent_relapse", {"days": 60, "weeks": 8}, "weeks", "takes no parameter 'weeks'"),
        ("flag_false", {"fields": ["hiv", "cancer"]}, "fields[1]", "'active_infection'"),
        ("course_branch_failed", {"course": "CIS"}, "course", "'RR', 'SP' or 'PP'"),
        (
            "progressive_activity",
            {
                "course": "PP",
                "edss_lookback_months": 12,
                "edss_threshold": 5.0,
                "increase_at_or_below_threshold": 1.0,
                "increase_above_threshold": 0.5,
                "activity": "gel",
                "failed_therapy_min_months": 12,
            },
            "therapy_classes",
            "go together",
        ),
    ],
)
def test_wrong_parameters_are_reported_by_name(
    rule: str, params: dict[str, Any], name: str, words: str
) -> None:
    problems = dict(KNOWN_RULES[rule].check_params(params))
    assert name in problems
    assert words in problems[name]


def test_a_bad_parameter_in_a_protocol_file_is_reported_with_its_path() -> None:
    text = default_protocol_text().replace("params: {min: 3.0, max: 6.5}", "params: {min: 3.0, max: 6.75}")
    problems = [str(p) for p in protocol_problems(text)]
    assert problems == ["eligibility[0].criteria[3].params.max: 6.75 is not an EDSS step"]


def test_required_and_optional_parameters_are_listed() -> None:
    spec = KNOWN_RULES["progressive_activity"]
    assert "edss_threshold" in spec.required
    assert {"requires_csf_oligoclonal_bands", "activity_lookback_months"} <= spec.optional
