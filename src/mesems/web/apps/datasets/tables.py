"""The live database as the trial's flat tables (`mesems.exports.tables`), blinded or unblinded.

One query per table (joins in the database, no query per participant), so a 10,000-participant
trial dumps in seconds. A blinded dump never reads a column that reveals allocation (the
sequence, the bag's content, the dose given); whether the person may have an unblinded one is
decided by `mesems.access`. The dump is checked against the contract before anyone gets it: a
required value the database lacks (a baseline form not entered yet, say) is a refusal that names
the participants, never a silently shorter table.

Tables filled: every table of the contract but `medical_history` (no form collects it yet).
"""

from __future__ import annotations

import polars as pl

from mesems.access import Role, is_blinded
from mesems.errors import AccessDenied
from mesems.exports.tables import TABLES
from mesems.exports.tableset import InputProblems, TrialTables
from mesems.protocol import Protocol
from mesems.web.apps.datasets import events, people, records, screening
from mesems.web.apps.datasets.frames import Dumped
from mesems.web.apps.datasets.trail import audit_trail

SHOWN = 5
"""Rows named per missing value; the rest are counted."""


def dump(protocol: Protocol, *, unblinded: bool) -> list[Dumped]:
    """Every table the database can fill, in contract order."""
    participants = people.participants(protocol, unblinded=unblinded)
    sequences = participants.frame.select("participant_id", "sequence") if unblinded else None
    mri, gel = records.mri_and_gel(protocol, sequences)
    tables = [
        screening.screening(protocol), participants, records.visits(), gel, mri, records.edss(), events.relapses(),
        events.adverse_events(), records.infusions(protocol, sequences), people.disposition(participants.frame),
        events.deviations(), records.vital_signs(), records.labs(), events.concomitant_medications(),
    ]
    return [*tables, audit_trail(tables)]


def missing_values(dumped: list[Dumped], *, blinded: bool) -> list[str]:
    """Required values the database does not hold, named by participant (or row key)."""
    problems = []
    for table in dumped:
        spec = TABLES[table.name]
        label = spec.key[0] if table.name in ("screening", "audit_trail") else "participant_id"
        for column in spec.columns:
            if not column.required or (blinded and column.unblinded) or column.name not in table.frame.columns:
                continue
            lacking = table.frame.filter(pl.col(column.name).is_null())[label].unique(maintain_order=True)
            if lacking.len():
                named = ", ".join(str(v) for v in lacking.head(SHOWN).to_list())
                more = f" and {lacking.len() - SHOWN} more" if lacking.len() > SHOWN else ""
                problems.append(f"{table.name}.{column.name}: not recorded for {named}{more}")
    return problems


def dump_tables(protocol: Protocol, *, role: Role | None, unblinded: bool) -> TrialTables:
    """The database as checked `TrialTables` for someone of `role`; InputProblems lists every value it lacks."""
    if unblinded and (role is None or is_blinded(role)):
        raise AccessDenied(f"role {role.value if role else None!r} is blinded: only a blinded dump may be made for it", field="role")
    dumped = dump(protocol, unblinded=unblinded)
    leaked = [f"{d.name}.{c.name}" for d in dumped for c in TABLES[d.name].columns if c.unblinded and c.name in d.frame.columns]
    if leaked and not unblinded:
        raise RuntimeError(f"a blinded dump holds allocation columns {leaked} (a mesems bug)")
    problems = missing_values(dumped, blinded=not unblinded)
    if problems:
        raise InputProblems("the database cannot be exported yet", problems)
    return TrialTables.from_frames({d.name: d.frame for d in dumped}, protocol, source="database")
