"""Write a trial as one CDISC ODM 1.3.2 Snapshot file and check it against the shipped schema.

The file is written to a staging path and validated there; only a valid file is moved to the
name asked for. `created` fixes CreationDateTime and the FileOID, so the same tables give the same
bytes (the round-trip test relies on it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path

import polars as pl
from lxml import etree

from mesems import __version__
from mesems.errors import ExportError
from mesems.exports.odm.audit import SplitAudit, audit_problems, split_audit
from mesems.exports.odm.clinical import clinical_lines, reference_lines
from mesems.exports.odm.layout import NS, REFERENCE_TABLES, clinical_tables, events, spec
from mesems.exports.odm.metadata import admin_element, metadata_version_oid, study_element, study_oid
from mesems.exports.schemas import ODM_XSD, schema_problems
from mesems.exports.staging import ExportResult, staged_file
from mesems.exports.tableset import InputProblems, TrialTables, record_keys
from mesems.protocol import Protocol

Progress = Callable[[str], None]
_REFERENCE_MARK = "@@REFERENCE@@"
_CLINICAL_MARK = "@@CLINICAL@@"


def _quiet(_: str) -> None:
    return None


def _present_rows(tables: TrialTables) -> pl.DataFrame:
    keyed = [
        tables.frame(t).select(table_name=pl.lit(t), record_key=record_keys(spec(t)))
        for t in (*clinical_tables(), *REFERENCE_TABLES)
        if not tables.frame(t).is_empty()
    ]
    return pl.concat(keyed) if keyed else pl.DataFrame(schema={"table_name": pl.String, "record_key": pl.String})


def _skeleton(protocol: Protocol, tables: TrialTables, created: dt.datetime) -> tuple[str, str, str]:
    """The file around the data: text before, between and after ReferenceData's and ClinicalData's contents."""
    stamp = created.isoformat(timespec="seconds")
    file_oid = "FILE." + hashlib.sha256(f"{protocol.identity.id}|{stamp}|{tables.blinded}".encode()).hexdigest()[:16]
    root = etree.Element(
        f"{{{NS}}}ODM",
        nsmap={None: NS},
        FileType="Snapshot",
        Granularity="All",
        FileOID=file_oid,
        CreationDateTime=stamp,
        ODMVersion="1.3.2",
        Originator="mesems",
        SourceSystem="mesems",
        SourceSystemVersion=__version__,
        Description=f"{protocol.identity.id} trial data, {'blinded' if tables.blinded else 'UNBLINDED'}",
    )
    layout = events(protocol)
    root.append(study_element(protocol, tables, layout))
    root.append(admin_element(protocol, tables))
    references = {"StudyOID": study_oid(protocol), "MetaDataVersionOID": metadata_version_oid(protocol, blinded=tables.blinded)}
    etree.SubElement(root, f"{{{NS}}}ReferenceData", references).append(etree.Comment(_REFERENCE_MARK))
    etree.SubElement(root, f"{{{NS}}}ClinicalData", references).append(etree.Comment(_CLINICAL_MARK))
    text = etree.tostring(root, encoding="unicode", pretty_print=True)
    head, rest = text.split(f"<!--{_REFERENCE_MARK}-->")
    middle, tail = rest.split(f"<!--{_CLINICAL_MARK}-->")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + head, middle, tail


def write_odm(
    tables: TrialTables,
    out: Path,
    protocol: Protocol,
    *,
    created: dt.datetime | None = None,
    role: str | None = None,
    validate: bool = True,
    progress: Progress = _quiet,
) -> ExportResult:
    """Write `out` (an .xml file); refuse tables ODM cannot carry and, with `validate`, an invalid file."""
    audit = tables.frame("audit_trail")
    problems = audit_problems(audit)
    if problems:
        raise InputProblems("ODM export", problems)
    created = created or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    layout = events(protocol)
    progress("metadata")
    head, middle, tail = _skeleton(protocol, tables, created)
    split = split_audit(audit, _present_rows(tables)) if not audit.is_empty() else SplitAudit(
        pl.DataFrame(schema={"table_name": pl.String, "record_key": pl.String, "xml": pl.String}), []
    )
    with staged_file(out) as staging:
        with staging.open("w", encoding="utf-8", newline="\n") as stream:
            stream.write(head)
            progress("reference data")
            for chunk in reference_lines(tables, split):
                stream.write(chunk)
            stream.write(middle)
            progress("clinical data")
            for chunk in clinical_lines(tables, layout, split):
                stream.write(chunk)
            if split.container:
                stream.write("<AuditRecords>\n" + "\n".join(split.container) + "\n</AuditRecords>\n")
            stream.write(tail)
        if validate:
            progress("schema check")
            found = schema_problems(staging, ODM_XSD)
            if found:
                raise ExportError(f"the ODM file mesems wrote breaks the ODM 1.3.2 schema (a mesems bug): {found[0]}")
    return ExportResult("odm", out, (out.name,), tables.blinded, tables.participant_count, role)
