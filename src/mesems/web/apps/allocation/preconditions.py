"""What must hold before a participant is allocated, as checks other apps register.

An app adds its check in its AppConfig.ready():

    from mesems.web.apps.allocation.preconditions import register_precondition
    register_precondition("released_product", my_check)

A check takes (participant, protocol) and returns None when met, or the reason it is not, in
words a site user can act on. Checks must not mention an arm. The same registry holds the
providers of the blinded product code (the cell product app gives the period-1 bag's code).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from mesems.protocol import Protocol

Check = Callable[[Any, Protocol], "str | None"]
ProductCodeProvider = Callable[[Any, str, Protocol], "str | None"]
RandomisedHook = Callable[[Any, dt.date, Any], None]

_checks: dict[str, Check] = {}
_providers: dict[str, ProductCodeProvider] = {}
_on_randomised: dict[str, RandomisedHook] = {}


def register_precondition(name: str, check: Check) -> None:
    """Adds (or replaces, by name) a check run inside the allocation's transaction."""
    _checks[name] = check


def register_product_code_provider(name: str, provider: ProductCodeProvider) -> None:
    """Adds a function (participant, sequence, protocol) -> product code or None, run at allocation."""
    _providers[name] = provider


def registered_preconditions() -> list[str]:
    return sorted(_checks)


def unmet_preconditions(participant: Any, protocol: Protocol) -> list[str]:
    reasons = []
    for name in sorted(_checks):
        reason = _checks[name](participant, protocol)
        if reason:
            reasons.append(reason)
    return reasons


def provided_product_code(participant: Any, sequence: str, protocol: Protocol) -> str | None:
    for name in sorted(_providers):
        code = _providers[name](participant, sequence, protocol)
        if code:
            return code
    return None


def consented(participant: Any, protocol: Protocol) -> str | None:
    """Screening sets `consented` only for an eligible candidate who gave consent (PROTOCOL.md, exclusion 14)."""
    if participant.status != "consented":
        return f"participant {participant.code} is {participant.get_status_display().lower()}; only an eligible, consented participant can be randomised"
    return None


def register_on_randomised(name: str, hook: RandomisedHook) -> None:
    """Adds a function (participant, randomisation date, actor) run inside the allocation's
    transaction once the participant is randomised (the visits app starts the schedule)."""
    _on_randomised[name] = hook


def run_on_randomised(participant: Any, randomisation_date: dt.date, actor: Any) -> None:
    for name in sorted(_on_randomised):
        _on_randomised[name](participant, randomisation_date, actor)
