"""Build every SDTM dataset from the flat tables, in the declared variable order and types.

Each builder returns rows with the domain's variables (and helper columns that are dropped);
`finalise` adds STUDYID and DOMAIN, numbers --SEQ within each subject in key order (SDTMIG 3.2
section 4.1.2.6), keeps exactly the declared variables, and types them (Char as text, Num as
8-byte floats, as SAS transport stores them).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from mesems.exports.sdtm import events, findings, subject
from mesems.exports.sdtm.context import SdtmContext, build_context
from mesems.exports.sdtm.model import Domain
from mesems.exports.sdtm.specs import DOMAINS
from mesems.exports.tableset import TrialTables
from mesems.protocol import Protocol

Builder = Callable[[SdtmContext], pl.DataFrame]
BUILDERS: dict[str, Builder] = {
    "DM": subject.dm,
    "AE": events.ae,
    "CE": events.ce,
    "CM": events.cm,
    "DS": subject.ds,
    "EX": events.ex,
    "FA": events.fa,
    "LB": findings.lb,
    "MH": subject.mh,
    "MO": findings.mo,
    "QS": findings.qs,
    "SV": subject.sv,
    "VS": findings.vs,
}


def finalise(domain: Domain, frame: pl.DataFrame, study_id: str) -> pl.DataFrame:
    """Exactly the domain's variables, typed, sorted by its keys, with --SEQ numbered."""
    frame = frame.with_columns(STUDYID=pl.lit(study_id), DOMAIN=pl.lit(domain.code))
    sort_keys = [k for k in domain.keys if k in frame.columns] + (["_order"] if "_order" in frame.columns else [])
    frame = frame.sort(sort_keys, nulls_last=True, maintain_order=True)
    sequence = f"{domain.code}SEQ"
    if sequence in domain.names:
        frame = frame.with_columns(pl.int_range(1, pl.len() + 1).over("USUBJID").cast(pl.Float64).alias(sequence))
    columns = []
    for variable in domain.variables:
        dtype = pl.Float64 if variable.type == "Num" else pl.String
        source = pl.col(variable.name) if variable.name in frame.columns else pl.lit(None)
        columns.append(source.cast(dtype).alias(variable.name))
    return frame.select(columns)


def build_domains(tables: TrialTables, protocol: Protocol) -> dict[str, pl.DataFrame]:
    """All datasets, keyed by domain code; an empty dataset is kept (define.xml still lists it)."""
    context = build_context(tables, protocol)
    return {code: finalise(DOMAINS[code], BUILDERS[code](context), context.study_id) for code in DOMAINS}
