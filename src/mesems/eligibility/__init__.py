"""Computable eligibility: candidate record -> a verdict per criterion, with its reason."""

from mesems.eligibility.rules import KNOWN_RULES, RuleSpec

__all__ = ["KNOWN_RULES", "RuleSpec"]
