from __future__ import annotations

from pathlib import Path

import polars as pl

from mesems.exports.flat import data_dictionary, write_flat
from mesems.exports.tables import TABLES
from mesems.exports.tableset import TrialTables, blind, read_tables
from mesems.protocol import Protocol


def test_unblinded_flat_export_reads_back_identically(tables: TrialTables, protocol: Protocol, tmp_path: Path) -> None:
    result = write_flat(tables, tmp_path / "flat", protocol, role="unblinded_statistician")
    assert not result.blinded and result.participants == tables.participant_count
    back = read_tables(tmp_path / "flat", protocol)
    for name in TABLES:
        assert back.frame(name).equals(tables.frame(name)), name
        assert pl.read_parquet(tmp_path / "flat" / f"{name}.parquet").equals(tables.frame(name)), name


def test_blinded_flat_export_has_no_allocation_anywhere(tables: TrialTables, protocol: Protocol, tmp_path: Path) -> None:
    write_flat(blind(tables), tmp_path / "flat", protocol)
    text = "\n".join(p.read_text() for p in (tmp_path / "flat").glob("*.csv"))
    assert "MSC-placebo" not in text and "placebo-MSC" not in text and "PLACEBO" not in text
    header = pl.read_csv(tmp_path / "flat" / "infusions.csv").columns
    assert "product" not in header and "cells_per_kg" not in header


def test_data_dictionary_describes_every_exported_column(tables: TrialTables, protocol: Protocol) -> None:
    dictionary = data_dictionary(tables, protocol)
    expected = sum(len(TABLES[name].columns) for name in tables.frames)
    assert dictionary.height == expected
    sequence = dictionary.filter((pl.col("table") == "participants") & (pl.col("column") == "sequence")).row(0, named=True)
    assert sequence["unblinded"] is True and sequence["allowed_values"] == "MSC-placebo;placebo-MSC"
    assert dictionary.filter(pl.col("key"))["column"].to_list()[:1] == ["screening_id"]
    assert set(dictionary["dtype"].unique()) <= {"str", "int", "float", "bool", "date"}
    blinded = data_dictionary(blind(tables), protocol)
    assert not blinded["unblinded"].any()
