"""The audit trail as the contract's `audit_trail` table: one row per change to a row of another
table, with who, when, where and why (what changed stays in the database's own trail).

An event is kept when it changed data (created, updated, derived, reported, deleted) and its
model row fed a row of the dump; refused attempts, signatures, queries and the cell-product
chain's own steps are not rows of any table here.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from mesems.exports.tables import TABLES
from mesems.exports.tableset import record_keys
from mesems.web.apps.audit.models import AuditEvent
from mesems.web.apps.datasets.frames import Dumped, ordered, rows_frame

ACTIONS: dict[str, str] = {"create": "created", "update": "updated", "report": "updated", "derived": "updated", "delete": "deleted"}
"""The trail's actions that change data, in the contract's words."""

SPONSOR = "SPONSOR"
"""The site of central staff (a user bound to no site)."""

CHUNK = 20_000


def _row_keys(dumped: Iterable[Dumped]) -> pl.DataFrame:
    """(entity, entity_id) -> (table_name, record_key, participant_id) for every model row of the dump."""
    parts = [
        frame.select("entity", "entity_id", "participant_id", table_name=pl.lit(d.name), record_key=record_keys(TABLES[d.name]))
        for d in dumped
        for frame in d.sources
        if frame.height
    ]
    if not parts:
        return pl.DataFrame(schema={"entity": pl.String(), "entity_id": pl.String(), "participant_id": pl.String(),
                                    "table_name": pl.String(), "record_key": pl.String()})
    return pl.concat(parts, how="vertical_relaxed").unique(["entity", "entity_id"], keep="first", maintain_order=True)


def audit_trail(dumped: Iterable[Dumped]) -> Dumped:
    """The trail's events on the dumped rows, in the order they were recorded."""
    keys = _row_keys(dumped)
    events = AuditEvent.objects.filter(entity__in=keys["entity"].unique().to_list(), action__in=list(ACTIONS)).order_by("id")
    rows = events.values_list("pk", "at", "actor", "role", "site_code", "action", "entity", "entity_id", "reason").iterator(chunk_size=CHUNK)
    schema = {"audit_pk": pl.Int64(), "at": pl.Datetime("us", "UTC"), "user_id": pl.String(), "user_role": pl.String(), "site_id": pl.String(),
              "trail_action": pl.String(), "entity": pl.String(), "entity_id": pl.String(), "reason": pl.String()}
    frame = rows_frame(rows, schema).join(keys, on=["entity", "entity_id"], how="inner")
    frame = frame.with_columns(
        audit_id=pl.lit("AU-") + pl.col("audit_pk").cast(pl.String).str.zfill(8),
        action=pl.col("trail_action").replace_strict(ACTIONS, return_dtype=pl.String),
        site_id=pl.col("site_id").fill_null(SPONSOR),
        changed_at=pl.col("at").dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
    )
    return Dumped("audit_trail", ordered(frame, "audit_trail"))
