"""Reports and exports of the live database, for the pages, the API and the command line.

Each taking is checked against `mesems.access.datasets` (a refused one is recorded too), dumps
the database blinded or unblinded as the request says (`tables.dump_tables`), writes with the
core's writers (`mesems.exports`, `mesems.stats.sap` + `mesems.reports`), and is recorded as an
`ExportRecord` / `ReportRecord` with its audit-trail row, in one transaction, before the bytes are
handed over. Everything is made in the request: a whole-trial dump takes seconds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

import mesems
from mesems.access import Role
from mesems.access.datasets import (
    may_unblind_exports,
    may_unblind_reports,
    require_dataset_access,
    require_report_access,
)
from mesems.errors import AccessDenied, MesemsError, NotFound
from mesems.exports.flat import write_flat
from mesems.exports.odm.writer import write_odm
from mesems.exports.sdtm.writer import write_sdtm
from mesems.exports.staging import ExportResult, sha256
from mesems.exports.tables import TABLES
from mesems.exports.tableset import TrialTables, table_names, text_of
from mesems.protocol import Protocol, protocol_digest
from mesems.reports.render import ReportFiles
from mesems.web.apps.accounts.services import role_of
from mesems.web.apps.audit.services import record_change
from mesems.web.apps.datasets.models import Channel, ExportRecord, Outcome, ReportRecord, Taking
from mesems.web.apps.datasets.tables import dump_tables
from mesems.web.apps.trials.services import current_protocol

Writer = Callable[[TrialTables, Path, Protocol, str | None, dt.datetime], ExportResult]
WRITERS: dict[str, tuple[Writer, str]] = {
    "csv": (lambda t, out, p, role, at: write_flat(t, out, p, role=role, created=at), "zip"),
    "odm": (lambda t, out, p, role, at: write_odm(t, out, p, role=role, created=at), "xml"),
    "sdtm": (lambda t, out, p, role, at: write_sdtm(t, out, p, role=role, created=at), "zip"),
}
"""Each export kind: its writer and the file handed over (a directory is handed over as a zip)."""

CONTENT_TYPES = {"zip": "application/zip", "xml": "application/xml", "html": "text/html; charset=utf-8", "pdf": "application/pdf"}
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every zip entry's time: the same files give the same bytes."""


@dataclass(frozen=True)
class Taker:
    """Who takes the data: a user (pages, API, `--user`), or the command line's operator (no user)."""

    user: Any
    role: Role | None
    channel: str

    @classmethod
    def of(cls, user: Any, channel: str) -> Taker:
        return cls(user, role_of(user), channel)

    @property
    def name(self) -> str:
        return self.user.get_username() if self.user is not None else "system"


@dataclass(frozen=True)
class Delivery:
    """A report or export to hand over, and its record."""

    file_name: str
    content_type: str
    content: bytes
    record: Taking


def taker_for_cli(username: str | None, role: str | None) -> Taker:
    """The person named by `--user` (their role must match `--role` when both are given), or the operator."""
    from mesems.exports.access import role_named
    from mesems.web.apps.accounts.models import User

    if username is None:
        return Taker(None, role_named(role) if role else None, Channel.CLI)
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound(f"no active user {username!r} in the database", field="user")
    taker = Taker.of(user, Channel.CLI)
    if role is not None and taker.role != role_named(role):
        raise AccessDenied(f"user {username!r} has the role {user.role!r}, not {role!r}", field="role")
    return taker


def _now() -> dt.datetime:
    return timezone.now().replace(microsecond=0)


def _check(taker: Taker, model: type[Taking], unblinded: bool, **what: str) -> None:
    """Refuse (and record the refusal) unless the taker's role may have it. The command line's
    operator (no user, no role) may take blinded data only; unblinded data names its taker."""
    try:
        if unblinded and taker.user is None:
            raise AccessDenied("unblinded data from the database go to a named person: give --user, an unblinded user", field="user")
        if taker.user is not None or taker.role is not None or unblinded:
            (require_report_access if model is ReportRecord else require_dataset_access)(taker.role, unblinded=unblinded)
    except AccessDenied as refusal:
        _record(taker, model, unblinded, outcome=Outcome.REFUSED, detail=refusal.message, **what)
        raise


def _record(taker: Taker, model: type[Taking], unblinded: bool, *, outcome: str = Outcome.DELIVERED, **values: Any) -> Taking:
    noun = "report" if model is ReportRecord else "export"
    with transaction.atomic():
        record = model.objects.create(taken_at=_now(), taken_by=taker.name, role=taker.role.value if taker.role else "",
                                      channel=taker.channel, blinded=not unblinded, outcome=outcome, **values)
        shown = {k: [None, v] for k, v in values.items() if k in ("kind", "format", "file_digest", "snapshot_digest", "participants")}
        action = noun if outcome == Outcome.DELIVERED else f"refused_{noun}"
        record_change(taker.user, action, record, {"blinded": [None, not unblinded], **shown},
                      reason=values.get("detail") or f"{'unblinded' if unblinded else 'blinded'} {noun} taken ({taker.channel})")
    return record


def snapshot_digest(tables: TrialTables) -> str:
    """The SHA-256 of the tables as `<table>.csv` files, as `mesems.stats.snapshot.read_snapshot` computes it."""
    digests = {f"{name}.csv": hashlib.sha256(table_csv(tables, name)).hexdigest() for name in table_names(tables)}
    return hashlib.sha256("".join(f"{n}\0{d}\n" for n, d in sorted(digests.items())).encode()).hexdigest()


def table_csv(tables: TrialTables, name: str) -> bytes:
    frame = tables.frame(name)
    columns = {c.name: c for c in TABLES[name].columns}
    return frame.select([text_of(columns[c]).alias(c) for c in frame.columns]).write_csv().encode()


def _provenance(protocol: Protocol) -> dict[str, str]:
    return {"protocol_id": protocol.identity.id, "protocol_digest": protocol_digest(protocol), "software_version": mesems.__version__}


@dataclass(frozen=True)
class Written:
    """What a taking wrote, before it is recorded."""

    tables: TrialTables
    protocol: Protocol
    path: Path


def _write_export(taker: Taker, kind: str, out: Path, unblinded: bool) -> Written:
    if kind not in WRITERS:
        raise MesemsError(f"no export kind {kind!r}; expected one of [{', '.join(WRITERS)}]", field="kind")
    _check(taker, ExportRecord, unblinded, kind=kind)
    protocol = current_protocol()
    tables = dump_tables(protocol, role=taker.role, unblinded=unblinded)
    result = WRITERS[kind][0](tables, out, protocol, taker.role.value if taker.role else None, _now())
    return Written(tables, protocol, result.path)


def _record_export(taker: Taker, kind: str, unblinded: bool, written: Written, name: str, digest: str, size: int) -> ExportRecord:
    return _record(taker, ExportRecord, unblinded, kind=kind, participants=written.tables.participant_count,  # type: ignore[return-value]
                   snapshot_digest=snapshot_digest(written.tables), file_name=name, file_digest=digest, size_bytes=size,
                   **_provenance(written.protocol))


def export_to(taker: Taker, kind: str, out: Path, *, unblinded: bool) -> ExportRecord:
    """Writes the export to `out` (a new directory, or the .xml file for ODM) and records it; the
    recorded digest is the file's, or for a directory its manifest's (which lists every file's)."""
    written = _write_export(taker, kind, out, unblinded)
    handed = written.path / "MANIFEST.json" if written.path.is_dir() else written.path
    return _record_export(taker, kind, unblinded, written, written.path.name, sha256(handed), handed.stat().st_size)


def zip_directory(directory: Path) -> bytes:
    """The directory as a zip whose bytes depend on the files only (sorted names, one fixed time)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{directory.name}/{path.relative_to(directory).as_posix()}", ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def _stem(what: str, unblinded: bool) -> str:
    return f"{current_protocol().identity.id.lower()}-{what}-{'unblinded' if unblinded else 'blinded'}"


def export_delivery(taker: Taker, kind: str, *, unblinded: bool) -> Delivery:
    """An export as one file to download: a zip of the directory (CSV, SDTM) or the ODM XML."""
    suffix = WRITERS[kind][1] if kind in WRITERS else "zip"
    stem = _stem(kind, unblinded)
    with tempfile.TemporaryDirectory(prefix="mesems-export-") as work:
        written = _write_export(taker, kind, Path(work) / (f"{stem}.xml" if suffix == "xml" else stem), unblinded)
        content = zip_directory(written.path) if written.path.is_dir() else written.path.read_bytes()
    name = f"{stem}.{suffix}"
    record = _record_export(taker, kind, unblinded, written, name, hashlib.sha256(content).hexdigest(), len(content))
    return Delivery(name, CONTENT_TYPES[suffix], content, record)


def report_to(taker: Taker, directory: Path, *, unblinded: bool, pdf: bool) -> tuple[ReportFiles, ReportRecord]:
    """The SAP report of the database into `directory`: report.html (+ .pdf), tables/, figures/,
    results.json, and data/ with the tables it was made from (their digest is in the report)."""
    from mesems.reports.render import write_report
    from mesems.stats.sap import run_sap
    from mesems.stats.snapshot import read_snapshot

    fmt = ReportRecord.Format.PDF if pdf else ReportRecord.Format.HTML
    _check(taker, ReportRecord, unblinded, format=fmt)
    protocol = current_protocol()
    tables = dump_tables(protocol, role=taker.role, unblinded=unblinded)
    data = directory / "data"
    data.mkdir(parents=True, exist_ok=False)
    for name in table_names(tables):
        (data / f"{name}.csv").write_bytes(table_csv(tables, name))
    snapshot = read_snapshot(data)
    files = write_report(run_sap(snapshot, protocol, blinded=not unblinded), directory, protocol.identity.id, pdf=pdf)
    handed = files.pdf or files.html
    record = _record(taker, ReportRecord, unblinded, format=fmt, participants=tables.participant_count, snapshot_digest=snapshot.digest,
                     file_name=handed.name, file_digest=sha256(handed), size_bytes=handed.stat().st_size, **_provenance(protocol))
    return files, record  # type: ignore[return-value]


def report_delivery(taker: Taker, *, unblinded: bool, fmt: str) -> Delivery:
    """The report as one file: the self-contained HTML page, or its PDF."""
    if fmt not in ReportRecord.Format.values:
        raise MesemsError(f"no report format {fmt!r}; expected one of [{', '.join(ReportRecord.Format.values)}]", field="format")
    with tempfile.TemporaryDirectory(prefix="mesems-report-") as work:
        files, record = report_to(taker, Path(work) / "report", unblinded=unblinded, pdf=fmt == ReportRecord.Format.PDF)
        content = (files.pdf or files.html).read_bytes()
    return Delivery(f"{_stem('report', unblinded)}.{fmt}", CONTENT_TYPES[fmt], content, record)


@dataclass(frozen=True)
class Offer:
    """What a role may take here, and the records it may see (newest first)."""

    blinded_report: bool
    unblinded_report: bool
    blinded_export: bool
    unblinded_export: bool
    reports: tuple[ReportRecord, ...]
    exports: tuple[ExportRecord, ...]

    @property
    def taken(self) -> list[Taking]:
        """Reports and exports together, newest first."""
        return sorted([*self.reports, *self.exports], key=lambda r: (r.taken_at, r.pk), reverse=True)


RECENT = 50


def offer_for(user: Any) -> Offer:
    """Refuses a role that may take nothing here; a blinded role sees only blinded records."""
    from mesems.access.datasets import EXPORT_ROLES, REPORT_ROLES

    role = role_of(user)
    if role not in REPORT_ROLES and role not in EXPORT_ROLES:
        raise AccessDenied("your role may not take the trial's reports or data exports")
    see_unblinded = may_unblind_reports(role) or may_unblind_exports(role)
    reports = ReportRecord.objects.all() if see_unblinded else ReportRecord.objects.filter(blinded=True)
    exports = ExportRecord.objects.all() if see_unblinded else ExportRecord.objects.filter(blinded=True)
    return Offer(role in REPORT_ROLES, may_unblind_reports(role), role in EXPORT_ROLES, may_unblind_exports(role),
                 tuple(reports[:RECENT]), tuple(exports[:RECENT]))
