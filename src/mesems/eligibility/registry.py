"""Reading a registry extract (CSV or Parquet) and refusing rows no candidate record could give.

Columns are those of `extract.EXTRACT`: any may be left out (all unknown) except `id`; an
unknown column is refused, as a misspelt column must not pass as unknown. A row is valid when
`extract.candidate_from_row` can turn it into a valid candidate record: the same refusals as a
record (EDSS off its steps, a negative eGFR, impossible dates) plus the summaries' own
consistency (a relapse count with its dates, scans with theirs, exposure days that the
approved courses' last days fit in).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from mesems.clinical.edss import EDSS_STEPS
from mesems.eligibility.extract import APPROVED_CLASSES, EXTRACT, THERAPY_GROUPS
from mesems.eligibility.record import MALIGNANCY_KINDS
from mesems.errors import EligibilityError
from mesems.exports.tables import DType

R = pl.col("planned_randomisation_date")
BIRTH = pl.col("birth_date")

POLARS_TYPES: dict[DType, pl.DataType] = {
    "str": pl.String(),
    "int": pl.Int64(),
    "float": pl.Float64(),
    "bool": pl.Boolean(),
    "date": pl.Date(),
}
SCHEMA: dict[str, pl.DataType] = {c.name: POLARS_TYPES[c.dtype] for c in EXTRACT.columns}


def _typed(column: str, source: pl.Expr) -> pl.Expr:
    """A text or loosely typed column converted to its extract type; bad cells become null."""
    target = SCHEMA[column]
    if target == pl.Date():
        return source.cast(pl.String).str.to_date("%Y-%m-%d", strict=False)
    if target == pl.Boolean():
        return (
            source.cast(pl.String)
            .str.to_lowercase()
            .replace_strict({"true": True, "false": False}, default=None, return_dtype=pl.Boolean)
        )
    return source.cast(target, strict=False)


def _check_columns(columns: list[str], source: str) -> None:
    unknown = [c for c in columns if c not in SCHEMA]
    if unknown:
        raise EligibilityError(
            f"{source}: unknown column {unknown[0]!r}; the extract's columns are listed in the README (Eligibility, the registry extract)",
            field=unknown[0],
        )
    if "id" not in columns:
        raise EligibilityError(f"{source}: the column 'id' is required", field="id")


def _convert(raw: pl.DataFrame, source: str) -> pl.DataFrame:
    """Every column in its type; the first cell that does not convert is refused with its row."""
    converted = [c for c in raw.columns if raw.schema[c] != SCHEMA[c]]
    typed = raw.with_columns(_typed(c, pl.col(c)) for c in converted)
    for column in converted:
        bad = raw[column].is_not_null() & typed[column].is_null()
        if bad.any():
            row = int(bad.arg_max() or 0)
            expected = {
                "date": "a date YYYY-MM-DD",
                "bool": "true or false",
                "int": "an integer",
                "float": "a number",
                "str": "text",
            }
            wanted = next(c.dtype for c in EXTRACT.columns if c.name == column)
            raise EligibilityError(
                f"{source}: row {row + 1}, {column}: {raw[column][row]!r} is not {expected[wanted]} ({int(bad.sum())} such cells)",
                field=column,
            )
    return typed


def read_extract(path: Path) -> pl.DataFrame:
    """The extract in `path` (.csv or .parquet) with every column of `EXTRACT` in its type."""
    source = path.name
    if not path.is_file():
        raise EligibilityError(f"extract {path} does not exist", field="extract")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            columns = pl.read_csv(path, n_rows=0).columns
            _check_columns(columns, source)
            try:
                frame = pl.read_csv(path, schema_overrides={c: SCHEMA[c] for c in columns})
            except pl.exceptions.PolarsError:
                frame = _convert(pl.read_csv(path, infer_schema=False), source)
        elif suffix in (".parquet", ".pq"):
            raw = pl.read_parquet(path)
            _check_columns(raw.columns, source)
            frame = _convert(raw, source)
        else:
            raise EligibilityError(f"extract {path}: expected a .csv or .parquet file", field="extract")
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise EligibilityError(
            f"extract {path} cannot be read: {str(exc).splitlines()[0]}", field="extract"
        ) from None
    absent = [pl.lit(None, SCHEMA[c]).alias(c) for c in SCHEMA if c not in frame.columns]
    return frame.with_columns(absent).select(list(SCHEMA))


@dataclass(frozen=True)
class RowCheck:
    """A rule a row must keep; `bad` is true on the rows that break it."""

    column: str
    message: str
    bad: pl.Expr


def _dated(column: str, *, not_after_randomisation: bool = True) -> list[RowCheck]:
    date = pl.col(column)
    checks = [RowCheck(column, "is before birth_date", (date < BIRTH).fill_null(False))]
    if not_after_randomisation:
        checks.append(RowCheck(column, "is after planned_randomisation_date", (date > R).fill_null(False)))
    return checks


def _approved_ends() -> list[pl.Expr]:
    """The last day of each approved course the row describes (see `extract.candidate_from_row`)."""
    ends = []
    for group in map(str, APPROVED_CLASSES):
        last = pl.col(f"{group}_last_date")
        ends.append(pl.when(last > R).then(R).otherwise(last))
        ends.append(pl.when(pl.col(f"{group}_ongoing").fill_null(False)).then(R))
    return ends


def distinct_count(values: list[pl.Expr]) -> pl.Expr:
    """How many distinct non-null values a row holds among `values` (pairwise, no lists: fast)."""
    firsts = []
    for i, value in enumerate(values):
        seen_before = (
            pl.any_horizontal(*((value == earlier).fill_null(False) for earlier in values[:i]))
            if i
            else pl.lit(False)
        )
        firsts.append((value.is_not_null() & ~seen_before).cast(pl.Int32))
    return pl.sum_horizontal(*firsts)


def row_checks() -> list[RowCheck]:
    """Every rule a row of the extract must keep."""
    count, last, second = (
        pl.col("relapse_count"),
        pl.col("relapse_last_date"),
        pl.col("relapse_second_last_date"),
    )
    scans, scan_last, positive = (
        pl.col("mri_count"),
        pl.col("mri_last_date"),
        pl.col("gel_last_positive_date"),
    )
    known, days = pl.col("therapy_history_known").fill_null(False), pl.col("approved_therapy_days")
    start_unknown = pl.col("approved_therapy_start_unknown").fill_null(False)
    therapy_given = pl.any_horizontal(
        days.is_not_null(),
        start_unknown,
        *(
            pl.col(f"{g}_last_date").is_not_null() | pl.col(f"{g}_ongoing").fill_null(False)
            for g in THERAPY_GROUPS
        ),
    )
    ends = _approved_ends()
    distinct_ends = distinct_count(ends)
    latest_end = pl.max_horizontal(ends)
    return [
        RowCheck("id", "is empty", pl.col("id").is_null()),
        RowCheck("planned_randomisation_date", "is empty (fill the column or give --date)", R.is_null()),
        RowCheck("sex", "expected F or M", pl.col("sex").is_not_null() & ~pl.col("sex").is_in(["F", "M"])),
        RowCheck(
            "ms_course",
            "expected RR, SP or PP",
            pl.col("ms_course").is_not_null() & ~pl.col("ms_course").is_in(["RR", "SP", "PP"]),
        ),
        RowCheck(
            "malignancy_history",
            f"expected one of [{', '.join(MALIGNANCY_KINDS)}]",
            pl.col("malignancy_history").is_not_null()
            & ~pl.col("malignancy_history").is_in(list(MALIGNANCY_KINDS)),
        ),
        *(
            RowCheck(
                c,
                "is not an EDSS step (0, 1.0 to 10 by 0.5)",
                pl.col(c).is_not_null() & ~pl.col(c).is_in(list(EDSS_STEPS)),
            )
            for c in ("edss", "edss_lowest_12m")
        ),
        RowCheck(
            "egfr",
            "must be a number of at least 0",
            pl.col("egfr").is_not_null() & ~(pl.col("egfr") >= 0).fill_null(False),
        ),
        RowCheck("birth_date", "is after planned_randomisation_date", (BIRTH > R).fill_null(False)),
        *_dated("ms_onset_date"),
        *(
            check
            for c in (
                "relapse_last_date",
                "relapse_second_last_date",
                "mri_last_date",
                "gel_last_positive_date",
            )
            for check in _dated(c)
        ),
        *(check for g in THERAPY_GROUPS for check in _dated(f"{g}_last_date", not_after_randomisation=False)),
        RowCheck("relapse_count", "must be at least 0", (count < 0).fill_null(False)),
        RowCheck(
            "relapse_last_date",
            "must be given exactly when relapse_count is at least 1",
            (count.fill_null(0) >= 1) != last.is_not_null(),
        ),
        RowCheck(
            "relapse_second_last_date",
            "must be given exactly when relapse_count is at least 2",
            (count.fill_null(0) >= 2) != second.is_not_null(),
        ),
        RowCheck("relapse_second_last_date", "is after relapse_last_date", (second > last).fill_null(False)),
        RowCheck("mri_count", "must be at least 0", (scans < 0).fill_null(False)),
        RowCheck(
            "mri_last_date",
            "must be given exactly when mri_count is at least 1",
            (scans.fill_null(0) >= 1) != scan_last.is_not_null(),
        ),
        RowCheck(
            "gel_last_positive_date",
            "needs mri_count of at least 1",
            positive.is_not_null() & (scans.fill_null(0) < 1),
        ),
        RowCheck("gel_last_positive_date", "is after mri_last_date", (positive > scan_last).fill_null(False)),
        RowCheck(
            "gel_last_positive_date",
            "is before mri_last_date, so mri_count must be at least 2",
            ((positive < scan_last) & (scans < 2)).fill_null(False),
        ),
        RowCheck(
            "therapy_history_known",
            "therapy columns are given but therapy_history_known is not true",
            ~known & therapy_given,
        ),
        RowCheck(
            "approved_therapy_days", "is empty while therapy_history_known is true", known & days.is_null()
        ),
        RowCheck("approved_therapy_days", "must be at least 0", (days < 0).fill_null(False)),
        RowCheck(
            "approved_therapy_days",
            "is given without a course of an approved therapy",
            known & latest_end.is_null() & ((days > 0).fill_null(False) | start_unknown),
        ),
        RowCheck(
            "approved_therapy_days",
            "is fewer than the distinct last days of the approved courses (each is a day of therapy)",
            (known & ~start_unknown & latest_end.is_not_null() & (days < distinct_ends)).fill_null(False),
        ),
        RowCheck(
            "approved_therapy_days",
            "is more than the days from birth to the last approved course",
            (days > (latest_end - BIRTH).dt.total_days() + 1).fill_null(False),
        ),
    ]


def check_extract(frame: pl.DataFrame, source: str) -> None:
    """Refuse the extract when a row breaks a rule: the count of bad rows and the first one."""
    checks = row_checks()
    flags = frame.select(*(c.bad.alias(str(i)) for i, c in enumerate(checks)))
    counts = flags.sum().row(0)
    failing = [i for i, n in enumerate(counts) if n]
    if not failing:
        return
    bad = flags.select(pl.any_horizontal(*(pl.col(str(i)) for i in failing))).to_series()
    row = int(bad.arg_max() or 0)
    check = next(checks[i] for i in failing if flags[str(i)][row])
    bad_rows = int(bad.sum())
    ident = frame["id"][row]
    raise EligibilityError(
        f"{source}: {bad_rows} row(s) not valid; first: row {row + 1} (id {ident}), {check.column} {check.message}",
        field=check.column,
    )


def fill_date(frame: pl.DataFrame, on: dt.date | None) -> pl.DataFrame:
    """An empty planned randomisation date becomes `on` (the `--date` option)."""
    return frame if on is None else frame.with_columns(R.fill_null(on))
