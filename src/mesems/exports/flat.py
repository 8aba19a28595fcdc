"""Flat exports: every table as CSV and Parquet, with a data dictionary.

The CSV files keep the contract's text conventions (ISO dates, true/false, empty = missing) so
they read back with `read_tables`; Parquet keeps the types. The dictionary says, per column,
its type, whether it is required or part of the key, whether it reveals allocation, its
description and its allowed values.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl

from mesems.exports.codelists import code_list_index
from mesems.exports.staging import ExportResult, staged_directory, write_manifest
from mesems.exports.tables import TABLES
from mesems.exports.tableset import TrialTables, table_names, text_of
from mesems.protocol import Protocol

DICTIONARY = "data_dictionary"


def data_dictionary(tables: TrialTables, protocol: Protocol) -> pl.DataFrame:
    """One row per exported column, in table order."""
    lists = code_list_index(protocol)
    rows = []
    for name in table_names(tables):
        spec = TABLES[name]
        present = set(tables.frame(name).columns)
        for column in spec.columns:
            if column.name not in present:
                continue
            code_list = lists.get((name, column.name))
            rows.append({
                "table": name,
                "table_description": spec.description,
                "rows": tables.frame(name).height,
                "column": column.name,
                "dtype": column.dtype,
                "required": column.required,
                "key": column.name in spec.key,
                "unblinded": column.unblinded,
                "description": column.description,
                "allowed_values": ";".join(code_list.values) if code_list else None,
            })
    return pl.DataFrame(rows, schema_overrides={"allowed_values": pl.String})


def write_flat(tables: TrialTables, out: Path, protocol: Protocol, *, role: str | None = None, created: dt.datetime | None = None) -> ExportResult:
    """Write `<table>.csv`, `<table>.parquet`, the dictionary and the manifest into a new directory `out`."""
    with staged_directory(out) as staging:
        for name in table_names(tables):
            frame = tables.frame(name)
            columns = {c.name: c for c in TABLES[name].columns}
            frame.select([text_of(columns[c]).alias(c) for c in frame.columns]).write_csv(staging / f"{name}.csv")
            frame.write_parquet(staging / f"{name}.parquet")
        dictionary = data_dictionary(tables, protocol)
        dictionary.write_csv(staging / f"{DICTIONARY}.csv")
        (staging / f"{DICTIONARY}.json").write_text(json.dumps(dictionary.to_dicts(), indent=2) + "\n", encoding="utf-8")
        files = write_manifest(
            staging, kind="csv", blinded=tables.blinded, participants=tables.participant_count, role=role, standard="mesems flat tables",
            created=created,
        )
    return ExportResult("csv", out, files, tables.blinded, tables.participant_count, role)
