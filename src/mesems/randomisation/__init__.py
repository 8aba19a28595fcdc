"""Allocation lists, sealing and the sequence logic shared by the live allocation and the simulator."""

from mesems.randomisation.allocation import Allocated, Member, allocate_cohort, allocate_from_list, decide
from mesems.randomisation.balance import BalanceReport, StratumBalance, balance_of, balance_report, block_end_imbalances
from mesems.randomisation.codes import new_product_code, normalise_product_code, randomisation_number
from mesems.randomisation.lists import (
    AllocationList,
    ListEntry,
    generate_list,
    generator_from_seed,
    list_digest,
    read_list,
    write_list,
)
from mesems.randomisation.minimisation import Assigned, minimise
from mesems.randomisation.strata import ALL, all_strata, factor_levels, stratum_key
from mesems.randomisation.verify import Verification, verify_list

__all__ = [
    "ALL",
    "Allocated",
    "AllocationList",
    "Assigned",
    "BalanceReport",
    "ListEntry",
    "Member",
    "StratumBalance",
    "Verification",
    "all_strata",
    "allocate_cohort",
    "allocate_from_list",
    "balance_of",
    "balance_report",
    "block_end_imbalances",
    "decide",
    "factor_levels",
    "generate_list",
    "generator_from_seed",
    "list_digest",
    "minimise",
    "new_product_code",
    "normalise_product_code",
    "randomisation_number",
    "read_list",
    "stratum_key",
    "verify_list",
    "write_list",
]
