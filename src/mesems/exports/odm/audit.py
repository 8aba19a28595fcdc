"""The audit trail as ODM AuditRecords (ODM 1.3.2 section 3.1.3.10 AuditRecord).

An AuditRecord holds who (UserRef), where (LocationRef), when (DateTimeStamp), why
(ReasonForChange) and, in SourceID, which row it is about: a JSON object with the table, the
row's key, the action, the participant and the user's role, so a record can be traced to its row
wherever it sits. ODM lets an ItemGroupData carry one AuditRecord: it carries the latest; the
earlier ones of the same row, and those of rows no longer present, go to ClinicalData's
AuditRecords container, each with its ID.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import polars as pl

from mesems.exports import xmltext
from mesems.exports.odm.layout import location_oid, user_oid

AUDIT_ID = re.compile(r"^[A-Za-z0-9_.-]+$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
SOURCE_FIELDS = ("table_name", "record_key", "action", "participant_id", "user_role")


@dataclass(frozen=True)
class SplitAudit:
    """Audit rows as XML: `embedded` keyed by (table_name, record_key), `container` the rest, in order."""

    embedded: pl.DataFrame
    container: list[str]


def audit_problems(audit: pl.DataFrame) -> list[str]:
    """Values ODM cannot carry as given: IDs must be XML IDs, times ISO 8601 date-times."""
    problems = [
        f"audit_trail: audit_id {v!r} cannot be an XML ID (letters, digits, '_', '.', '-')"
        for v in audit.filter(~pl.col("audit_id").str.contains(AUDIT_ID.pattern))["audit_id"].head(5)
    ]
    problems += [
        f"audit_trail: changed_at {v!r} is not an ISO 8601 date-time such as 2014-03-02T10:15:00+01:00"
        for v in audit.filter(~pl.col("changed_at").str.contains(DATETIME.pattern))["changed_at"].head(5)
    ]
    return problems


def audit_records(audit: pl.DataFrame) -> pl.Expr:
    """One AuditRecord element per audit row, as XML text."""
    optional_reason = pl.when(pl.col("reason").is_not_null()).then(
        pl.concat_str([pl.lit("<ReasonForChange>"), xmltext.text(pl.col("reason")), pl.lit("</ReasonForChange>")])
    )
    source = pl.struct([pl.col(c) for c in SOURCE_FIELDS]).struct.json_encode()
    return pl.concat_str(
        [
            pl.lit('<AuditRecord ID="AR.'),
            xmltext.attribute(pl.col("audit_id")),
            pl.lit('"><UserRef UserOID="'),
            xmltext.attribute(pl.lit(user_oid("")) + pl.col("user_id")),
            pl.lit('"/><LocationRef LocationOID="'),
            xmltext.attribute(pl.lit(location_oid("")) + pl.col("site_id")),
            pl.lit('"/><DateTimeStamp>'),
            xmltext.text(pl.col("changed_at")),
            pl.lit("</DateTimeStamp>"),
            optional_reason.otherwise(pl.lit("")),
            pl.lit("<SourceID>"),
            xmltext.text(source),
            pl.lit("</SourceID></AuditRecord>"),
        ]
    )


def split_audit(audit: pl.DataFrame, present: pl.DataFrame) -> SplitAudit:
    """`present`: (table_name, record_key) of every exported row."""
    with_xml = audit.with_row_index("_order").with_columns(xml=audit_records(audit))
    latest = (
        with_xml.sort("changed_at", "_order")
        .group_by("table_name", "record_key", maintain_order=True)
        .last()
        .join(present, on=["table_name", "record_key"], how="semi")
    )
    rest = with_xml.join(latest.select("_order"), on="_order", how="anti").sort("_order")
    return SplitAudit(latest.select("table_name", "record_key", "xml"), rest["xml"].to_list())


def source_fields(source_id: str) -> dict[str, str | None]:
    """The row an AuditRecord is about, from its SourceID; ValueError if it is not ours."""
    data = json.loads(source_id)
    if not isinstance(data, dict) or not all(k in data for k in SOURCE_FIELDS):
        raise ValueError(f"SourceID must be a JSON object with {list(SOURCE_FIELDS)}")
    return {k: (None if data[k] is None else str(data[k])) for k in SOURCE_FIELDS}
