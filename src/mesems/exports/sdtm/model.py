"""The shape of an SDTM dataset as mesems declares it: variables with their label, type, core
status, role and controlled terms, as in the SDTMIG 3.2 domain models (CDISC, 2013), the version
the Multiple Sclerosis therapeutic-area user guide v1.0 is written against (TAUG-MS v1.0,
"corresponds to SDTM v1.4 and SDTMIG v3.2").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Core = Literal["Req", "Exp", "Perm"]
SasType = Literal["Char", "Num"]


@dataclass(frozen=True)
class Variable:
    """One SDTM variable. `terms` names a code list of `mesems.exports.sdtm.terms.TERMS`."""

    name: str
    label: str
    type: SasType
    core: Core
    role: str
    terms: str | None = None
    origin: str = "CRF"


@dataclass(frozen=True)
class Domain:
    """One SDTM dataset: its two-letter code, label, observation class, structure and keys."""

    code: str
    label: str
    klass: str
    structure: str
    keys: tuple[str, ...]
    variables: tuple[Variable, ...]

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.variables]

    def variable(self, name: str) -> Variable:
        for variable in self.variables:
            if variable.name == name:
                return variable
        raise KeyError(name)


def _core(core: Core) -> Callable[..., Variable]:
    def make(name: str, label: str, role: str, *, num: bool = False, terms: str | None = None, origin: str = "CRF") -> Variable:
        return Variable(name, label, "Num" if num else "Char", core, role, terms, origin)

    make.__doc__ = f"A {core} variable (SDTMIG core status)."
    return make


req = _core("Req")
exp = _core("Exp")
perm = _core("Perm")


def identifiers(domain: str) -> tuple[Variable, ...]:
    """STUDYID, DOMAIN, USUBJID and --SEQ, which every subject-level domain starts with."""
    return (
        req("STUDYID", "Study Identifier", "Identifier", origin="Assigned"),
        req("DOMAIN", "Domain Abbreviation", "Identifier", origin="Assigned"),
        req("USUBJID", "Unique Subject Identifier", "Identifier", origin="Derived"),
        req(f"{domain}SEQ", "Sequence Number", "Identifier", num=True, origin="Derived"),
    )


def visit_timing(domain: str, date_label: str, day_label: str) -> tuple[Variable, ...]:
    """VISITNUM, VISIT, EPOCH, --DTC and --DY of a findings domain."""
    return (
        exp("VISITNUM", "Visit Number", "Timing", num=True, origin="Derived"),
        perm("VISIT", "Visit Name", "Timing", origin="Derived"),
        perm("EPOCH", "Epoch", "Timing", terms="EPOCH", origin="Derived"),
        exp(f"{domain}DTC", date_label, "Timing"),
        perm(f"{domain}DY", day_label, "Timing", num=True, origin="Derived"),
    )
