"""ClinicalData and ReferenceData as XML text, built column-wise in polars.

Each row of a table becomes one line: its ItemGroupData (with its latest AuditRecord and one
ItemData per non-empty value), preceded by the SubjectData / StudyEventData / FormData start
tags when it opens one and followed by the end tags when it closes one. Rows are sorted by
subject, event (protocol order, then unscheduled visits by date), form and key, so the same
tables always give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from mesems.exports import xmltext
from mesems.exports.odm.audit import SplitAudit
from mesems.exports.odm.layout import (
    TRIAL_EVENT,
    UNSCHEDULED_EVENT,
    VISIT_DATE,
    EventLayout,
    clinical_tables,
    form_oid,
    group_oid,
    item_oid,
    location_oid,
    spec,
)
from mesems.exports.tableset import TrialTables, record_keys, text_of

BATCH_ROWS = 50_000


def item_data(table: str, frame: pl.DataFrame) -> pl.Expr:
    """The ItemData elements of a row, empty values left out (ODM: absent ItemData = no value)."""
    columns = {c.name: c for c in spec(table).columns}
    pieces = [
        pl.concat_str([pl.lit(f'<ItemData ItemOID="{item_oid(table, name)}" Value="'), xmltext.attribute(text_of(columns[name])), pl.lit('"/>')])
        for name in frame.columns
    ]
    return pl.concat_str(pieces, ignore_nulls=True)


def _group_data(table: str, frame: pl.DataFrame, audit: SplitAudit) -> pl.DataFrame:
    """Per row: its record key and its ItemGroupData element."""
    rows = frame.with_columns(_key=record_keys(spec(table)), _items=item_data(table, frame))
    embedded = audit.embedded.filter(pl.col("table_name") == table).select(_key="record_key", _audit="xml")
    rows = rows.join(embedded, on="_key", how="left", maintain_order="left")
    xml = pl.concat_str(
        [
            pl.lit(f'<ItemGroupData ItemGroupOID="{group_oid(table)}" ItemGroupRepeatKey="'),
            xmltext.attribute(pl.col("_key")),
            pl.lit('">'),
            pl.col("_audit").fill_null(""),
            pl.col("_items"),
            pl.lit("</ItemGroupData>"),
        ]
    )
    return rows.with_columns(_xml=xml)


def _placement(table: str, layout: list[EventLayout]) -> tuple[pl.Expr, pl.Expr]:
    """The event OID and unscheduled repeat key of each row of a table."""
    if table not in VISIT_DATE:
        return pl.lit(TRIAL_EVENT), pl.lit(None, dtype=pl.String)
    if table == "visits":
        scheduled = {e.oid.removeprefix("SE."): e.oid for e in layout if e.kind == "Scheduled"}
        chosen = pl.col("visit_id").replace_strict(scheduled, default=None, return_dtype=pl.String)
    else:
        weeks = {e.week: e.oid for e in layout if e.kind == "Scheduled" and table in e.forms}
        chosen = pl.col("week").replace_strict(weeks, default=None, return_dtype=pl.String)
    columns = {c.name: c for c in spec(table).columns}
    repeat_key = pl.coalesce([text_of(columns[c]) for c in VISIT_DATE[table]])
    return chosen.fill_null(UNSCHEDULED_EVENT), pl.when(chosen.is_null()).then(repeat_key)


def _subject_rows(tables: TrialTables, layout: list[EventLayout], audit: SplitAudit) -> pl.DataFrame:
    order = {e.oid: i for i, e in enumerate(layout)}
    parts = []
    for position, table in enumerate(clinical_tables()):
        frame = tables.frame(table)
        if frame.is_empty():
            continue
        event, repeat_key = _placement(table, layout)
        rows = _group_data(table, frame, audit).select(
            subject=pl.col("participant_id"),
            event=event,
            repeat_key=repeat_key,
            form=pl.lit(form_oid(table)),
            form_order=pl.lit(position),
            key=pl.col("_key"),
            xml=pl.col("_xml"),
        )
        parts.append(rows)
    rows = pl.concat(parts).with_columns(event_order=pl.col("event").replace_strict(order, return_dtype=pl.Int32))
    return rows.sort("subject", "event_order", "repeat_key", "form_order", "key", nulls_last=False)


def _nested(rows: pl.DataFrame, sites: pl.DataFrame) -> pl.Series:
    """Open and close SubjectData / StudyEventData / FormData around the sorted rows."""
    rows = rows.join(sites, on="subject", how="left", maintain_order="left")

    def changed(column: str, step: int) -> pl.Expr:
        return pl.col(column).ne_missing(pl.col(column).shift(step))

    new_subject, end_subject = changed("subject", 1), changed("subject", -1)
    new_event = new_subject | changed("event", 1) | changed("repeat_key", 1)
    end_event = end_subject | changed("event", -1) | changed("repeat_key", -1)
    new_form = new_event | changed("form", 1)
    end_form = end_event | changed("form", -1)
    repeat = pl.when(pl.col("repeat_key").is_not_null()).then(
        pl.concat_str([pl.lit('" StudyEventRepeatKey="'), xmltext.attribute(pl.col("repeat_key"))])
    ).otherwise(pl.lit(""))
    site_ref = pl.when(pl.col("site").is_not_null()).then(
        pl.concat_str([pl.lit('<SiteRef LocationOID="'), xmltext.attribute(pl.lit(location_oid("")) + pl.col("site")), pl.lit('"/>')])
    ).otherwise(pl.lit(""))
    line = pl.concat_str(
        [
            pl.when(new_subject).then(
                pl.concat_str([pl.lit('<SubjectData SubjectKey="'), xmltext.attribute(pl.col("subject")), pl.lit('">'), site_ref])
            ),
            pl.when(new_event).then(pl.concat_str([pl.lit('<StudyEventData StudyEventOID="'), pl.col("event"), repeat, pl.lit('">')])),
            pl.when(new_form).then(pl.concat_str([pl.lit('<FormData FormOID="'), pl.col("form"), pl.lit('">')])),
            pl.col("xml"),
            pl.when(end_form).then(pl.lit("</FormData>")),
            pl.when(end_event).then(pl.lit("</StudyEventData>")),
            pl.when(end_subject).then(pl.lit("</SubjectData>")),
        ],
        ignore_nulls=True,
    )
    return rows.select(line=line)["line"]


def reference_lines(tables: TrialTables, audit: SplitAudit) -> Iterator[str]:
    """ItemGroupData of the screening log, in key order."""
    frame = tables.frame("screening")
    if frame.is_empty():
        return
    rows = _group_data("screening", frame, audit).sort("_key")
    yield from _batched(rows["_xml"])


def clinical_lines(tables: TrialTables, layout: list[EventLayout], audit: SplitAudit) -> Iterator[str]:
    """SubjectData for every participant, one line per ItemGroupData (none before the first randomisation)."""
    if tables.frame("participants").is_empty():
        return
    sites = tables.frame("participants").select(subject="participant_id", site="site_id")
    yield from _batched(_nested(_subject_rows(tables, layout, audit), sites))


def _batched(lines: pl.Series) -> Iterator[str]:
    for start in range(0, lines.len(), BATCH_ROWS):
        yield "\n".join(lines.slice(start, BATCH_ROWS).to_list()) + "\n"
