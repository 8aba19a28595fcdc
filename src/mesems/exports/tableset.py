"""A trial's flat tables in memory, checked against the table contract, whatever their source.

Every export takes a `TrialTables`: the simulator's CSV directory (`read_tables`), the database
dump the web app makes (`TrialTables.from_frames`), or an imported ODM file. Checking happens
once, here, and reports every problem at once (bad value, missing required value, duplicate key,
unknown participant, value outside its code list) so a data manager fixes a file in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np
import polars as pl

from mesems.errors import ExportError
from mesems.exports.codelists import code_list_index
from mesems.exports.tables import TABLES, Column, DType, TableSpec
from mesems.protocol import Protocol

POLARS_TYPES: dict[DType, pl.DataType] = {
    "str": pl.String(),
    "int": pl.Int64(),
    "float": pl.Float64(),
    "bool": pl.Boolean(),
    "date": pl.Date(),
}
MAX_PROBLEMS_PER_COLUMN = 5


class InputProblems(ExportError):
    """The input breaks the table contract or a standard's rule; `problems` lists each one."""

    code = "export_input_invalid"

    def __init__(self, what: str, problems: list[str]) -> None:
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
        super().__init__(f"{what}: {len(problems)} problem(s): {shown}")
        self.what = what
        self.problems = problems


@dataclass(frozen=True)
class TrialTables:
    """Typed frames keyed by table name, each with exactly its spec's columns in spec order.

    `blinded` is true when the frames hold no column that reveals allocation.
    """

    frames: Mapping[str, pl.DataFrame] = field(default_factory=dict)
    blinded: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "frames", MappingProxyType(dict(self.frames)))

    def frame(self, name: str) -> pl.DataFrame:
        """The table, or an empty frame of the right shape when the trial has none of it."""
        if name in self.frames:
            return self.frames[name]
        return empty_frame(TABLES[name], blinded=self.blinded)

    @property
    def participant_count(self) -> int:
        return self.frame("participants").height

    @classmethod
    def from_frames(cls, frames: Mapping[str, pl.DataFrame], protocol: Protocol, source: str = "tables") -> TrialTables:
        """Check and type frames from any source (strings as in the CSV files, or typed columns)."""
        problems: list[str] = []
        unknown = sorted(set(frames) - set(TABLES))
        problems += [f"{name}: not a table of the contract (expected one of {sorted(TABLES)})" for name in unknown]
        if "participants" not in frames:
            problems.append("participants: the table is required")
        unblinded_present = any(
            c.name in frames[t.name].columns for t in TABLES.values() if t.name in frames for c in t.columns if c.unblinded
        )
        typed: dict[str, pl.DataFrame] = {}
        for spec in TABLES.values():
            if spec.name in frames:
                frame, found = _typed(spec, frames[spec.name], blinded=not unblinded_present)
                typed[spec.name] = frame
                problems += found
        if not problems:
            problems += _cross_checks(typed, protocol)
        if problems:
            raise InputProblems(source, problems)
        return cls(typed, blinded=not unblinded_present)


def read_tables(directory: Path, protocol: Protocol) -> TrialTables:
    """Read `<table>.csv` files (what `mesems simulate --out DIR` writes); other files are ignored."""
    if not directory.is_dir():
        raise ExportError(f"{directory} is not a directory of trial tables", field="input")
    frames: dict[str, pl.DataFrame] = {}
    for name in TABLES:
        path = directory / f"{name}.csv"
        if path.exists():
            try:
                frames[name] = pl.read_csv(path, infer_schema=False)
            except (pl.exceptions.ComputeError, OSError, UnicodeDecodeError) as exc:
                raise ExportError(f"cannot read {path}: {str(exc).splitlines()[0]}", field="input") from None
    if not frames:
        raise ExportError(f"{directory} holds no trial table (expected files such as participants.csv)", field="input")
    return TrialTables.from_frames(frames, protocol, source=str(directory))


def empty_frame(spec: TableSpec, *, blinded: bool) -> pl.DataFrame:
    columns = [c for c in spec.columns if not (blinded and c.unblinded)]
    return pl.DataFrame(schema={c.name: POLARS_TYPES[c.dtype] for c in columns})


def blind(tables: TrialTables) -> TrialTables:
    """The same tables without the columns that reveal allocation (sequence, product, dose)."""
    frames = {
        name: frame.select([c for c in TABLES[name].blinded_columns() if c in frame.columns])
        for name, frame in tables.frames.items()
    }
    return TrialTables(frames, blinded=True)


def record_keys(spec: TableSpec) -> pl.Expr:
    """A row's key as one string, the key columns in order joined by '|' (the audit trail's record_key)."""
    by_name = {c.name: c for c in spec.columns}
    return pl.concat_str([text_of(by_name[k]) for k in spec.key], separator="|")


def text_of(column: Column) -> pl.Expr:
    """A column as the text the flat tables hold: ISO dates, true/false, plain decimals."""
    expr = pl.col(column.name)
    if column.dtype == "bool":
        return pl.when(expr).then(pl.lit("true")).when(expr.not_()).then(pl.lit("false")).otherwise(None)
    if column.dtype == "date":
        return expr.dt.strftime("%Y-%m-%d")
    if column.dtype == "float":
        text = expr.cast(pl.String)
        return pl.when(text.str.contains("e", literal=True)).then(expr.map_elements(_plain_decimal, return_dtype=pl.String)).otherwise(text)
    return expr.cast(pl.String)


def _plain_decimal(value: float) -> str:
    """1e-07 -> '0.0000001': ODM's float (an xs:decimal) wants decimal notation."""
    return str(np.format_float_positional(value, unique=True, trim="-"))


def _typed(spec: TableSpec, frame: pl.DataFrame, *, blinded: bool) -> tuple[pl.DataFrame, list[str]]:
    problems: list[str] = []
    expected = [c for c in spec.columns if not (blinded and c.unblinded)]
    names = {c.name for c in spec.columns}
    problems += [f"{spec.name}.{c}: not a column of the contract" for c in frame.columns if c not in names]
    missing = [c.name for c in expected if c.name not in frame.columns and c.required]
    problems += [f"{spec.name}.{c}: required column is missing" for c in missing]
    if problems:
        return frame, problems
    frame = frame.with_row_index("_row", offset=2)
    out = []
    for column in expected:
        if column.name not in frame.columns:
            out.append(pl.lit(None, dtype=POLARS_TYPES[column.dtype]).alias(column.name))
            continue
        converted, bad = _convert(frame, column)
        out.append(converted)
        problems += [f"{spec.name}.{column.name} row {row}: {value!r} is not a valid {column.dtype}" for row, value in bad]
    typed = frame.select([*out, "_row"])
    for column in expected:
        if column.required:
            rows = frame.filter(_raw(column.name).is_null())["_row"].to_list()
            problems += [f"{spec.name}.{column.name} row {r}: a value is required" for r in rows[:MAX_PROBLEMS_PER_COLUMN]]
    duplicated = typed.filter(typed.select(spec.key).is_duplicated())
    problems += [
        f"{spec.name} row {row}: duplicate key {dict(zip(spec.key, key, strict=True))}"
        for row, *key in duplicated.select(["_row", *spec.key]).head(MAX_PROBLEMS_PER_COLUMN).iter_rows()
    ]
    return typed.drop("_row"), problems


def _raw(name: str) -> pl.Expr:
    """A column as stripped text, an empty cell as missing."""
    raw = pl.col(name).cast(pl.String).str.strip_chars()
    return pl.when(raw == "").then(None).otherwise(raw)


def _convert(frame: pl.DataFrame, column: Column) -> tuple[pl.Expr, list[tuple[int, str]]]:
    target = POLARS_TYPES[column.dtype]
    source = frame[column.name]
    if source.dtype == target:
        return pl.col(column.name), []
    raw = _raw(column.name)
    if column.dtype == "bool":
        converted = raw.str.to_lowercase().replace_strict({"true": True, "false": False}, default=None, return_dtype=pl.Boolean)
    elif column.dtype == "date":
        converted = raw.str.to_date("%Y-%m-%d", strict=False)
    else:
        converted = raw.cast(target, strict=False)
    check = frame.select(pl.col("_row"), raw.alias("raw"), converted.alias("value"))
    bad = check.filter(pl.col("raw").is_not_null() & pl.col("value").is_null()).head(MAX_PROBLEMS_PER_COLUMN)
    return converted.alias(column.name), [(int(r), str(v)) for r, v in bad.select("_row", "raw").iter_rows()]


def _cross_checks(frames: dict[str, pl.DataFrame], protocol: Protocol) -> list[str]:
    """Rules across tables: participants exist, values lie in their code lists."""
    problems: list[str] = []
    known = frames["participants"]["participant_id"]
    for name, frame in frames.items():
        if name != "participants" and "participant_id" in frame.columns:
            strangers = frame.filter(pl.col("participant_id").is_not_null() & ~pl.col("participant_id").is_in(known.implode()))
            problems += [
                f"{name}: participant {p!r} is not in participants"
                for p in strangers["participant_id"].unique(maintain_order=True).head(MAX_PROBLEMS_PER_COLUMN)
            ]
    for (table, column), code_list in code_list_index(protocol).items():
        frame = frames.get(table)
        if frame is None or column not in frame.columns:
            continue
        spec_column = next(c for c in TABLES[table].columns if c.name == column)
        values = frame.select(text_of(spec_column).alias("v"))["v"]
        allowed = set(code_list.values)
        if spec_column.dtype == "float":
            outside = [v for v in values.drop_nulls().unique().to_list() if f"{float(v):.1f}" not in allowed or float(v) != round(float(v), 1)]
        else:
            outside = [v for v in values.drop_nulls().unique().to_list() if v not in allowed]
        problems += [
            f"{table}.{column}: {v!r} is not allowed; expected one of [{', '.join(code_list.values)}]"
            for v in sorted(outside)[:MAX_PROBLEMS_PER_COLUMN]
        ]
    return problems


def table_names(tables: TrialTables) -> Iterable[str]:
    """Names of the tables present, in contract order."""
    return [name for name in TABLES if name in tables.frames]
