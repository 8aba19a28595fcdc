"""The values a column of the flat tables may take: one list used by the input check, the data
dictionary, the ODM CodeLists and the SDTM controlled terms.

Lists that the protocol decides (sites, arms, interventions, periods, eligibility versions,
strata, visit weeks, CTCAE grades) are read from the protocol file, so another trial gets its
own; the rest are the table contract's own words (`mesems.exports.tables`).
"""

from __future__ import annotations

from dataclasses import dataclass

from mesems.clinical.edss import EDSS_STEPS
from mesems.clinical.functional_systems import FS_MAXIMUM
from mesems.exports.tables import TABLES
from mesems.protocol import Protocol


@dataclass(frozen=True)
class CodeList:
    """The allowed values of one column, as the strings the flat tables hold."""

    table: str
    column: str
    values: tuple[str, ...]
    source: str

    @property
    def oid(self) -> str:
        return f"CL.{self.table.upper()}.{self.column.upper()}"


def _fixed(table: str, column: str, values: list[str] | tuple[str, ...]) -> CodeList:
    return CodeList(table, column, tuple(values), "table contract")


def _number(value: float) -> str:
    return f"{value:.1f}"


def code_lists(protocol: Protocol) -> list[CodeList]:
    """Every column with a closed list of values, in table order."""
    sites = tuple(site.id for site in protocol.sites)
    arms = tuple(arm.id for arm in protocol.arms)
    periods = tuple(str(period.number) for period in protocol.periods)
    strata = {factor.id: factor.values for factor in protocol.randomisation.strata}
    courses = tuple(strata.get("ms_course") or ["RR", "SP", "PP"])
    gel_weeks = tuple(str(v.week) for v in protocol.schedule.visits if "mri_gel" in v.assessments)
    dosing_weeks = tuple(str(p.dosing_week) for p in protocol.periods if p.dosing_week is not None)
    grades = tuple(str(g) for g in range(1, protocol.safety.ctcae_max_grade + 1))
    from_protocol = "protocol file"
    lists: list[CodeList] = []
    if sites:
        lists += [CodeList(t, "site_id", sites, from_protocol) for t in ("screening", "participants")]
        lists.append(CodeList("audit_trail", "site_id", (*sites, "SPONSOR"), from_protocol))
    lists += [
        CodeList("screening", "protocol_version", tuple(v.id for v in protocol.eligibility), from_protocol),
        _fixed("screening", "eligible", ["eligible", "not_eligible", "unknown"]),
        CodeList("participants", "sequence", arms, from_protocol),
        CodeList("participants", "ms_course", courses, from_protocol),
        _fixed("participants", "sex", ["F", "M"]),
        CodeList("visits", "period", periods, from_protocol),
        _fixed("visits", "status", ["done", "missed", "upcoming"]),
        CodeList("gel", "sequence", arms, from_protocol),
        CodeList("gel", "week", gel_weeks, from_protocol),
        CodeList("mri", "week", gel_weeks, from_protocol),
        CodeList("edss", "edss", tuple(_number(step) for step in EDSS_STEPS), "protocol rule"),
        *(CodeList("edss", c, tuple(str(g) for g in range(top + 1)), "Kurtzke 1983") for c, top in FS_MAXIMUM.items()),
        CodeList("relapses", "period", periods, from_protocol),
        CodeList("adverse_events", "grade", grades, from_protocol),
        CodeList("adverse_events", "period", periods, from_protocol),
        _fixed(
            "adverse_events",
            "outcome",
            ["recovered", "recovering", "not_recovered", "recovered_with_sequelae", "fatal", "unknown"],
        ),
        CodeList("infusions", "week", dosing_weeks, from_protocol),
        CodeList("infusions", "period", periods, from_protocol),
        CodeList("infusions", "product", tuple(i.id for i in protocol.interventions), from_protocol),
        _fixed("disposition", "status", ["completed", "withdrawn", "lost_to_follow_up", "ongoing"]),
        _fixed("deviations", "category", ["visit_window", "eligibility", "dosing", "procedure", "consent", "other"]),
        _fixed("audit_trail", "table_name", [t for t in TABLES if t != "audit_trail"]),
        _fixed("audit_trail", "action", ["created", "updated", "deleted"]),
    ]
    return lists


def code_list_index(protocol: Protocol) -> dict[tuple[str, str], CodeList]:
    return {(c.table, c.column): c for c in code_lists(protocol)}
