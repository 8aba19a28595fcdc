"""The cell product's chain of identity and custody: release tests, dose rule, bedside check, steps."""

from mesems.cellproduct.bedside import BagFacts, BedsideVerdict, Mismatch, bedside_check
from mesems.cellproduct.chain import BagState, ProductState, Step, require_bag_state, require_state
from mesems.cellproduct.dose import DoseVerdict, Weight, check_dose
from mesems.cellproduct.release import Outcome, ReleaseVerdict, TestResult, evaluate_release, evaluate_test

__all__ = [
    "BagFacts",
    "BagState",
    "BedsideVerdict",
    "DoseVerdict",
    "Mismatch",
    "Outcome",
    "ProductState",
    "ReleaseVerdict",
    "Step",
    "TestResult",
    "Weight",
    "bedside_check",
    "check_dose",
    "evaluate_release",
    "evaluate_test",
    "require_bag_state",
    "require_state",
]
