"""Write the SDTM datasets as SAS transport v5 files with define.xml, all or nothing.

Order: build every dataset, run every conformance check (refuse with the full list of problems),
then write `xx.xpt` files (pyreadstat, format version 5, dataset and variable labels) and
define.xml into a staging directory, check define.xml against the Define-XML 2.0 schema, and only
then move the directory into place.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pyreadstat

from mesems.errors import ExportError
from mesems.exports.schemas import DEFINE_XSD, schema_problems
from mesems.exports.sdtm.build import build_domains
from mesems.exports.sdtm.checks import dataset_problems
from mesems.exports.sdtm.define import define_document
from mesems.exports.sdtm.specs import DOMAINS
from mesems.exports.staging import ExportResult, staged_directory, write_manifest
from mesems.exports.tableset import InputProblems, TrialTables
from mesems.protocol import Protocol

DEFINE = "define.xml"


XPORT_STAMPS = (144, 160, 464, 480)
"""Byte offsets of the 16-character created and modified date-times of a one-member SAS transport
v5 file: library header records 2 and 3, member header records 1 and 2 (SAS TS-140)."""
XPORT_STAMP = re.compile(rb"\d{2}[A-Z]{3}\d{2}:\d{2}:\d{2}:\d{2}")


def stamp_xport(path: Path, created: dt.datetime) -> None:
    """Set the file's created/modified stamps (the writer puts the clock's) to `created`, so the
    same datasets give the same bytes, as the ODM and define.xml files do."""
    data = bytearray(path.read_bytes())
    text = created.astimezone(dt.timezone.utc).strftime("%d%b%y:%H:%M:%S").upper().encode("ascii")
    for offset in XPORT_STAMPS:
        if XPORT_STAMP.fullmatch(bytes(data[offset:offset + 16])):
            data[offset:offset + 16] = text
    path.write_bytes(bytes(data))


def write_sdtm(
    tables: TrialTables, out: Path, protocol: Protocol, *, role: str | None = None, created: dt.datetime | None = None
) -> ExportResult:
    """Write `out/` with one .xpt per dataset, define.xml and the manifest."""
    datasets = build_domains(tables, protocol)
    problems = dataset_problems(datasets)
    if problems:
        raise InputProblems("SDTM export refused: the data break SDTM rules", problems)
    created = created or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    with staged_directory(out) as staging:
        for code, frame in datasets.items():
            domain = DOMAINS[code]
            path = staging / f"{code.lower()}.xpt"
            pyreadstat.write_xport(
                frame,
                str(path),
                file_label=domain.label,
                column_labels=[v.label for v in domain.variables],
                table_name=code,
                file_format_version=5,
            )
            stamp_xport(path, created)
        (staging / DEFINE).write_bytes(define_document(datasets, protocol, blinded=tables.blinded, created=created))
        found = schema_problems(staging / DEFINE, DEFINE_XSD)
        if found:
            raise ExportError(f"the define.xml mesems wrote breaks the Define-XML 2.0 schema (a mesems bug): {found[0]}")
        files = write_manifest(
            staging, kind="sdtm", blinded=tables.blinded, participants=tables.participant_count, role=role, standard="SDTMIG 3.2, Define-XML 2.0.0",
            created=created,
        )
    return ExportResult("sdtm", out, files, tables.blinded, tables.participant_count, role)
