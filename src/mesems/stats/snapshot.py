"""A data snapshot: the trial's flat tables (`mesems.exports.tables`) read from a directory of CSVs.

The simulator and the database export write the same files, so the analysis reads one format.
Each table is parsed to its contract's types; a cell that does not parse is an AnalysisError
naming the file, line and column. The snapshot's digest (SHA-256 over the files' names and
bytes) goes into every report so that a result can be traced to the data it came from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from mesems.errors import AnalysisError
from mesems.exports.tables import TABLES, TableSpec

REQUIRED_TABLES: tuple[str, ...] = ("participants", "gel")
"""Without these there is no analysis; any other missing table is reported as not available."""

_DTYPES: dict[str, pl.DataType] = {"str": pl.String(), "int": pl.Int64(), "float": pl.Float64(),
                                   "date": pl.Date(), "bool": pl.Boolean()}


def _parse_column(frame: pl.DataFrame, name: str, dtype: str, source: str) -> pl.Series:
    stripped = pl.col(name).str.strip_chars()
    raw = frame.select(pl.when(stripped == "").then(None).otherwise(stripped).alias(name)).to_series()
    if dtype == "str":
        return raw
    if dtype == "bool":
        parsed = raw.str.to_lowercase().replace_strict({"true": True, "false": False}, default=None,
                                                       return_dtype=pl.Boolean)
    elif dtype == "date":
        parsed = raw.str.to_date("%Y-%m-%d", strict=False)
    elif dtype == "int":
        whole = raw.str.contains(r"^[+-]?\d+(\.0*)?$")
        parsed = frame.select(pl.when(whole).then(raw.cast(pl.Float64, strict=False)).otherwise(None)
                              .cast(pl.Int64).alias(name)).to_series()
    else:
        parsed = raw.cast(pl.Float64, strict=False)
    bad = (raw.is_not_null() & parsed.is_null()).arg_true()
    if len(bad):
        row = int(bad[0])
        expected = {"int": "an integer", "float": "a number", "date": "a date YYYY-MM-DD",
                    "bool": "true or false"}[dtype]
        raise AnalysisError(f"{source} line {row + 2}: column {name} is {raw[row]!r}, expected {expected}", field=name)
    return parsed.alias(name)


def read_table(path: Path, spec: TableSpec) -> pl.DataFrame:
    """Read one table's CSV and parse it to the contract's types.

    Every column of the contract must be there except those marked not required (filled with
    nulls) and those marked unblinded (a blinded export leaves them out). Extra columns are kept
    as text. Empty cells are missing values.
    """
    source = path.name
    try:
        frame = pl.read_csv(path, infer_schema=False)
    except FileNotFoundError:
        raise AnalysisError(f"{path} does not exist") from None
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise AnalysisError(f"{source} cannot be read as CSV: {str(exc).splitlines()[0]}") from None
    missing = [c.name for c in spec.columns if c.name not in frame.columns and c.required and not c.unblinded]
    if missing:
        raise AnalysisError(
            f"{source} is missing column(s) {', '.join(missing)}; expected {', '.join(spec.column_names)}",
            field=missing[0])
    columns = []
    for column in spec.columns:
        if column.name in frame.columns:
            columns.append(_parse_column(frame, column.name, column.dtype, source))
        elif not column.unblinded:
            columns.append(pl.Series(column.name, [None] * frame.height,
                                     dtype=_DTYPES[column.dtype]))
    extra = [frame[c] for c in frame.columns if c not in spec.column_names]
    return pl.DataFrame(columns + extra)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Snapshot:
    """The tables of one data snapshot, parsed, with the digest of the files they came from."""

    directory: Path
    tables: dict[str, pl.DataFrame]
    file_digests: dict[str, str]
    digest: str
    blinded: bool
    missing_tables: tuple[str, ...] = field(default=())

    def table(self, name: str) -> pl.DataFrame | None:
        return self.tables.get(name)

    def blinded_view(self) -> Snapshot:
        """The same snapshot without any column that reveals allocation (`unblinded` in the contract)."""
        tables = {name: frame.drop([c for c in (col.name for col in TABLES[name].columns if col.unblinded) if c in frame.columns])
                  for name, frame in self.tables.items()}
        return Snapshot(self.directory, tables, self.file_digests, self.digest, True, self.missing_tables)


def read_snapshot(directory: Path) -> Snapshot:
    """Read every contract table present in `directory` (`<table>.csv`); participants and gel are required."""
    if not directory.is_dir():
        raise AnalysisError(f"{directory} is not a directory of trial tables")
    tables: dict[str, pl.DataFrame] = {}
    digests: dict[str, str] = {}
    missing = []
    for name, spec in TABLES.items():
        path = directory / f"{name}.csv"
        if not path.exists():
            if name in REQUIRED_TABLES:
                raise AnalysisError(f"{directory} has no {name}.csv; the analysis needs {' and '.join(REQUIRED_TABLES)}")
            missing.append(name)
            continue
        tables[name] = read_table(path, spec)
        digests[path.name] = file_digest(path)
    combined = hashlib.sha256("".join(f"{n}\0{d}\n" for n, d in sorted(digests.items())).encode()).hexdigest()
    blinded = "sequence" not in tables["participants"].columns
    return Snapshot(directory, tables, digests, combined, blinded, tuple(missing))
