"""Computable eligibility: candidate record -> a verdict per criterion, with its reason."""

from mesems.eligibility.criteria import CriterionResult, evaluate_criteria
from mesems.eligibility.drugs import DrugClass, classify_drug
from mesems.eligibility.record import (
    CandidateRecord,
    CandidateRecordError,
    FieldProblem,
    parse_candidate,
    parse_candidate_json,
)
from mesems.eligibility.rules import KNOWN_RULES, RuleSpec
from mesems.eligibility.screening import ScreeningResult, screen_candidate, version_for
from mesems.eligibility.verdicts import Verdict

__all__ = [
    "KNOWN_RULES",
    "CandidateRecord",
    "CandidateRecordError",
    "CriterionResult",
    "DrugClass",
    "FieldProblem",
    "RuleSpec",
    "ScreeningResult",
    "Verdict",
    "classify_drug",
    "evaluate_criteria",
    "parse_candidate",
    "parse_candidate_json",
    "screen_candidate",
    "version_for",
]
