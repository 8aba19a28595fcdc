"""Query rows to typed polars frames: one query per model, never one per participant.

Each table builder reads `values_list` rows (the database does the joins) and returns the
table's frame with the contract's column names, plus `sources`: for each model row that fed a
table row, the model's label and primary key beside that table row's key columns. The audit
trail joins its events to these to say which table row an event is about.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db.models import Model

from mesems.exports.tables import TABLES
from mesems.exports.tableset import POLARS_TYPES

RANDOMISED = {"participant__allocation__isnull": False}
"""Filter of every per-participant query: the tables hold randomised participants only."""


@dataclass(frozen=True)
class Dumped:
    """One table's rows and where each came from (see the module docstring)."""

    name: str
    frame: pl.DataFrame
    sources: tuple[pl.DataFrame, ...] = field(default=())


_DATE = pl.Date()
INTERNAL: dict[str, pl.DataType] = {
    "declared_missed": pl.Boolean(), "missed_from": _DATE, "vitals_on": _DATE, "weighed_on": _DATE, "form_date": _DATE,
    "bedside_date": _DATE, "birth_date": _DATE, "onset_date": _DATE, "dose_per_kg": pl.Float64(),
    "form_week": pl.Int64(), "done_week": pl.Int64(), "form_birth_date": _DATE, "form_onset_date": _DATE,
    "form_relapses": pl.Int64(), "candidate_birth_date": _DATE, "candidate_onset_date": _DATE,
    "candidate_relapses": pl.List(_DATE),
}
"""Types of the internal columns the builders join on before they keep the contract's."""


def schema_of(table: str, columns: Sequence[str]) -> dict[str, pl.DataType]:
    """The polars types of `columns`: the contract's for its columns, `INTERNAL` for the builders'
    own (ids ending in `_pk` are integers, any other is text)."""
    known = INTERNAL | {c.name: POLARS_TYPES[c.dtype] for c in TABLES[table].columns}
    return {c: known.get(c, pl.Int64() if c.endswith("_pk") else pl.String()) for c in columns}


def rows_frame(rows: Iterable[Sequence[Any]], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Rows as a typed frame; empty text is a missing value, as in the flat tables."""
    frame = pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")
    text = [c for c, t in schema.items() if t == pl.String()]
    return frame.with_columns(pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c)).alias(c) for c in text)


def ordered(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """The contract's columns in contract order (those present), rows sorted by the table's key."""
    spec = TABLES[table]
    columns = [c for c in spec.column_names if c in frame.columns]
    return frame.select(columns).sort(list(spec.key), nulls_last=True, maintain_order=True)


def label(model: type[Model]) -> str:
    """The model's name as the audit trail stores it (`AuditEvent.entity`)."""
    return model._meta.label_lower


def source(model: type[Model], frame: pl.DataFrame, pk: str, keys: Sequence[str]) -> pl.DataFrame:
    """The (entity, entity_id, participant_id, key columns...) rows of `frame` that came from
    `model` (its primary key in column `pk`); participant_id is empty when `frame` has none."""
    rows = frame.filter(pl.col(pk).is_not_null())
    participant = pl.col("participant_id") if "participant_id" in frame.columns else pl.lit(None, dtype=pl.String)
    extra = [k for k in keys if k != "participant_id"]
    return rows.select(pl.lit(label(model)).alias("entity"), pl.col(pk).cast(pl.String).alias("entity_id"),
                       participant.alias("participant_id"), *extra)


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_date(at: dt.datetime | None, zone: str) -> dt.date | None:
    """The calendar date at the site (a site's day, not the server's, is the day a thing happened)."""
    return None if at is None else at.astimezone(_zone(zone)).date()
