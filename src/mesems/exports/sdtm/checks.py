"""Conformance checks run on every SDTM dataset before anything is written.

The rules are those of the SAS transport v5 format and the SDTMIG 3.2 that a submission is
refused for (FDA Study Data Technical Conformance Guide; SDTMIG 3.2 sections 2-4):
- names: at most 8 characters, letters, digits and underscores, starting with a letter, upper
  case; dataset and variable labels at most 40 characters; character values at most 200 bytes;
- every Required variable present and never empty; every Expected variable present;
- DOMAIN equals the dataset's code; STUDYID is one value; --SEQ is unique within a subject;
- every USUBJID of a dataset is in DM;
- dates (--DTC, RF--DTC, DTHDTC) are ISO 8601 (complete or reduced precision);
- values of a non-extensible code list are in it; values of an extensible list that mesems
  declares are in the declared list (so a typo does not pass as an extension).
"""

from __future__ import annotations

import re

import polars as pl

from mesems.exports.sdtm.model import Domain
from mesems.exports.sdtm.specs import DOMAINS
from mesems.exports.sdtm.terms import TERMS

NAME = re.compile(r"^[A-Z][A-Z0-9_]{0,7}$")
ISO_DATE = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?)?)?)?$"
MAX_LABEL = 40
MAX_VALUE_BYTES = 200
OPEN_LISTS = {"COUNTRY", "ARMCD"}
"""Lists whose values come from the protocol or ISO 3166 rather than from mesems.exports.sdtm.terms."""


def _is_date_variable(name: str) -> bool:
    return name.endswith("DTC")


def domain_problems(domain: Domain, frame: pl.DataFrame, subjects: set[str] | None = None) -> list[str]:
    """Every rule the dataset breaks, each as 'XX.VARIABLE: what is wrong'."""
    code = domain.code
    problems: list[str] = []
    if not NAME.match(code) or len(domain.label) > MAX_LABEL:
        problems.append(f"{code}: dataset name must be <= 8 characters and its label <= 40 ({domain.label!r})")
    for variable in domain.variables:
        name = variable.name
        where = f"{code}.{name}"
        if not NAME.match(name):
            problems.append(f"{where}: variable names are <= 8 upper-case letters, digits or '_' starting with a letter")
        if len(variable.label) > MAX_LABEL:
            problems.append(f"{where}: label longer than 40 characters ({variable.label!r})")
        if name not in frame.columns:
            if variable.core in ("Req", "Exp"):
                problems.append(f"{where}: {'required' if variable.core == 'Req' else 'expected'} variable is missing")
            continue
        column = frame[name]
        if variable.core == "Req" and column.null_count():
            problems.append(f"{where}: required variable is empty in {column.null_count()} record(s)")
        if variable.type == "Char":
            too_long = frame.filter(pl.col(name).str.len_bytes() > MAX_VALUE_BYTES)
            if too_long.height:
                problems.append(f"{where}: {too_long.height} value(s) longer than 200 bytes")
            if _is_date_variable(name):
                bad = frame.filter(pl.col(name).is_not_null() & ~pl.col(name).str.contains(ISO_DATE))[name].head(3).to_list()
                problems += [f"{where}: {value!r} is not an ISO 8601 date" for value in bad]
        elif column.dtype != pl.Float64:
            problems.append(f"{where}: numeric variable holds {column.dtype}")
        if variable.terms and variable.terms not in OPEN_LISTS:
            allowed = set(TERMS[variable.terms].values)
            outside = sorted(set(column.drop_nulls().unique().to_list()) - allowed)
            problems += [f"{where}: {value!r} is not in code list {variable.terms}" for value in outside[:5]]
    if frame.height:
        problems += _record_problems(domain, frame, subjects)
    extra = [c for c in frame.columns if c not in domain.names]
    problems += [f"{code}.{c}: not a declared variable of {code}" for c in extra]
    return problems


def _record_problems(domain: Domain, frame: pl.DataFrame, subjects: set[str] | None) -> list[str]:
    code = domain.code
    problems = []
    if "DOMAIN" in frame.columns and set(frame["DOMAIN"].unique().to_list()) != {code}:
        problems.append(f"{code}.DOMAIN: must be {code!r} in every record")
    if "STUDYID" in frame.columns and frame["STUDYID"].n_unique() != 1:
        problems.append(f"{code}.STUDYID: more than one study in one dataset")
    sequence = f"{code}SEQ"
    if sequence in frame.columns and frame.select(pl.struct("USUBJID", sequence).is_duplicated().any()).item():
        problems.append(f"{code}.{sequence}: not unique within a subject")
    if subjects is not None and "USUBJID" in frame.columns:
        strangers = set(frame["USUBJID"].unique().to_list()) - subjects
        problems += [f"{code}.USUBJID: {s!r} is not in DM" for s in sorted(strangers)[:5]]
    return problems


def dataset_problems(datasets: dict[str, pl.DataFrame]) -> list[str]:
    """Problems of every dataset; DM must be there (it anchors every subject)."""
    if "DM" not in datasets:
        return ["DM: the demographics dataset is required"]
    subjects = set(datasets["DM"]["USUBJID"].to_list())
    problems = []
    for code, frame in datasets.items():
        problems += domain_problems(DOMAINS[code], frame, subjects if code != "DM" else None)
    return problems
