"""Backup and restore of the whole trial database, portable between SQLite and PostgreSQL.

A backup is a gzip-compressed text file of JSON lines:

    line 1       header: format, version, when, the database it came from, the migrations it
                 needs, the number of records of each model, the audit trail's size and head
    lines 2..n   one record a line, as Django's serialisers write it ({"model", "pk", "fields"}),
                 models in dependency order, records by primary key, keys sorted: the same data
                 always gives the same lines
    last line    trailer: the number of records, the SHA-256 of every byte before it, and the
                 SHA-256 of the record lines alone (`data_sha256`: equal for equal data)

so a file cut short has no trailer, and a changed byte breaks gzip's CRC or the digest. The
backup is read in one consistent snapshot (REPEATABLE READ on PostgreSQL; one transaction on
SQLite). A restore reads the whole file and checks it before it touches the database, then
loads every record in one transaction and checks the audit trail against the head recorded
in the header before it commits: a restore either gives back exactly what was saved, or nothing.
"""

from __future__ import annotations

import datetime as dt
import decimal
import gzip
import hashlib
import json
import os
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from mesems.errors import BackupError
from mesems.web.apps.audit.services import trail_head, verify_audit_trail

FORMAT = "mesems-backup"
VERSION = 1
EXCLUDED = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
"""Rebuilt by `migrate` (content types, permissions) or not worth keeping (sessions: a restore signs everyone out)."""
BATCH = 1000

Progress = Callable[[int, int], None]
"""Called with (records just done, records in all)."""


class _Encoder(DjangoJSONEncoder):
    """Times at full precision: the audit chain's digests cover them to the microsecond
    (DjangoJSONEncoder would cut them to milliseconds)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, (dt.datetime, dt.date, dt.time)):
            return o.isoformat()
        if isinstance(o, (decimal.Decimal, uuid.UUID)):
            return str(o)
        return super().default(o)


def _line(obj: Any) -> bytes:
    return (json.dumps(obj, cls=_Encoder, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def backup_models() -> list[type[models.Model]]:
    """Every model with data worth keeping, parents before the models that refer to them."""
    ordered = serializers.sort_dependencies([(config, None) for config in apps.get_app_configs()], allow_cycles=True)
    return [m for m in ordered if m._meta.label_lower not in EXCLUDED and not m._meta.proxy and m._meta.managed]


def applied_migrations() -> dict[str, str]:
    """The last migration applied for each app: a backup loads only into the same schema."""
    latest: dict[str, str] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        latest[app] = max(latest.get(app, ""), name)
    return latest


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    records: int
    models: int
    audit_records: int
    audit_head: str
    sha256: str
    data_sha256: str


def _records(model: type[models.Model]) -> Iterator[dict[str, Any]]:
    batch: list[models.Model] = []
    for obj in model._base_manager.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(obj)
        if len(batch) == BATCH:
            yield from serializers.serialize("python", batch, use_natural_foreign_keys=True)
            batch = []
    if batch:
        yield from serializers.serialize("python", batch, use_natural_foreign_keys=True)


def write_backup(out: Path, progress: Progress | None = None) -> BackupSummary:
    """Writes the database to `out` (via `out.partial`, renamed when complete) and `out.sha256` beside it."""
    partial = out.with_name(out.name + ".partial")
    digest, data_digest = hashlib.sha256(), hashlib.sha256()
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    try:
        with transaction.atomic(), gzip.open(partial, "wb") as stream:
            if snapshot:  # one consistent view of every table while the server keeps writing
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            chosen = backup_models()
            counts = {m._meta.label_lower: m._base_manager.count() for m in chosen}
            head = trail_head()
            header = {
                "format": FORMAT, "version": VERSION, "created_at": dt.datetime.now(dt.timezone.utc).isoformat(),
                "database": connection.vendor, "migrations": applied_migrations(), "counts": counts,
                "audit": {"records": head.records, "head": head.digest},
            }
            total = sum(counts.values())
            line = _line(header)
            digest.update(line)
            stream.write(line)
            for model in chosen:
                for record in _records(model):
                    line = _line(record)
                    digest.update(line)
                    data_digest.update(line)
                    stream.write(line)
                if progress is not None:
                    progress(counts[model._meta.label_lower], total)
            stream.write(_line({"end": FORMAT, "records": total, "sha256": digest.hexdigest(), "data_sha256": data_digest.hexdigest()}))
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"cannot write {out}: {exc.strerror}") from None
    except DatabaseError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"cannot read the database: {str(exc).strip().splitlines()[0]} (is it migrated?)") from None
    partial.chmod(0o600)
    os.replace(partial, out)
    file_digest = hashlib.sha256(out.read_bytes()).hexdigest()
    sidecar = out.with_name(out.name + ".sha256")
    sidecar.write_text(f"{file_digest}  {out.name}\n")
    return BackupSummary(out, total, len(chosen), head.records, head.digest, file_digest, data_digest.hexdigest())


@dataclass(frozen=True)
class CheckedBackup:
    header: dict[str, Any]
    records: int
    data_sha256: str


GZIP_MAGIC = b"\x1f\x8b"


def _lines(path: Path) -> Iterator[bytes]:
    try:
        with path.open("rb") as start:
            if start.read(2) != GZIP_MAGIC:
                raise BackupError(f"{path} is not a mesems backup (not gzip-compressed)")
        with gzip.open(path, "rb") as stream:
            yield from stream
    except FileNotFoundError:
        raise BackupError(f"{path} does not exist") from None
    except EOFError:
        raise BackupError(f"{path} is damaged: it ends early (cut short?); refusing to restore") from None
    except (zlib.error, OSError) as exc:
        raise BackupError(f"{path} is damaged: {exc}; refusing to restore") from None


def check_backup(path: Path) -> CheckedBackup:
    """Reads the whole file and checks it, before anything touches the database."""
    sidecar = path.with_name(path.name + ".sha256")
    if sidecar.exists() and path.exists():
        expected = sidecar.read_text().split()[0] if sidecar.read_text().split() else ""
        if hashlib.sha256(path.read_bytes()).hexdigest() != expected:
            raise BackupError(f"{path} does not match the digest in {sidecar.name}: the file was changed or damaged; refusing to restore")
    for _ in _lines(path):  # the gzip layer's own checks (CRC, length) first, so that damage is called damage
        pass
    digest = hashlib.sha256()
    header: dict[str, Any] | None = None
    trailer: dict[str, Any] | None = None
    records = 0
    for number, line in enumerate(_lines(path), start=1):
        if trailer is not None:
            raise BackupError(f"{path} has data after its end line; refusing to restore")
        try:
            value = json.loads(line)
        except ValueError:
            raise BackupError(f"{path} is damaged: line {number} is not JSON; refusing to restore") from None
        if number == 1:
            if not isinstance(value, dict) or value.get("format") != FORMAT:
                raise BackupError(f"{path} is not a mesems backup (its first line is not a mesems backup header)")
            if value.get("version") != VERSION:
                raise BackupError(f"{path} is a version {value.get('version')} backup; this mesems reads version {VERSION}")
            header = value
        elif isinstance(value, dict) and value.get("end") == FORMAT:
            trailer = value
            continue
        else:
            records += 1
        digest.update(line)
    if header is None:
        raise BackupError(f"{path} is empty, not a mesems backup")
    if trailer is None:
        raise BackupError(f"{path} is damaged: it has no end line (cut short?); refusing to restore")
    if trailer.get("sha256") != digest.hexdigest() or trailer.get("records") != records:
        raise BackupError(f"{path} is damaged: its SHA-256 digest does not match its content; refusing to restore")
    return CheckedBackup(header, records, str(trailer.get("data_sha256", "")))


def _records_in(path: Path) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(_lines(path), start=1):
        value = json.loads(line)
        if number > 1 and value.get("end") != FORMAT:
            yield value


def _flush(tables: list[str]) -> None:
    """Empties the tables inside the restore's transaction (PostgreSQL: pending foreign-key checks first,
    which TRUNCATE requires, then deferred again so that records load in any order)."""
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in connection.ops.sql_flush(no_style(), tables, reset_sequences=False, allow_cascade=True):
            cursor.execute(sql)
        if postgresql:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def restore_backup(path: Path, *, replace: bool = False, progress: Progress | None = None) -> CheckedBackup:
    """Loads a checked backup into the (migrated) database in one transaction; nothing is kept if any check fails."""
    checked = check_backup(path)
    here = applied_migrations()
    wanted = checked.header.get("migrations", {})
    if wanted != here:
        differing = sorted(app for app in set(wanted) | set(here) if wanted.get(app) != here.get(app))
        detail = ", ".join(f"{app} {wanted.get(app, 'none')} in the backup, {here.get(app, 'none')} here" for app in differing[:4])
        raise BackupError(f"{path} was made by a different version of mesems (migrations differ: {detail}); restore it with that version")
    chosen = backup_models()
    known = {m._meta.label_lower for m in chosen}
    unknown = sorted(set(checked.header.get("counts", {})) - known)
    if unknown:
        raise BackupError(f"{path} holds records of models this mesems does not have: {', '.join(unknown)}")
    with transaction.atomic():
        existing = sum(m._base_manager.count() for m in chosen)
        if existing and not replace:
            raise BackupError(f"the database already holds {existing} records; restore into an empty database, or pass --replace to delete them first")
        tables = [m._meta.db_table for m in chosen] + [f.remote_field.through._meta.db_table for m in chosen for f in m._meta.local_many_to_many]
        tables.append(apps.get_model("sessions", "Session")._meta.db_table)
        _flush(tables)
        with connection.constraint_checks_disabled():
            for done, obj in enumerate(serializers.deserialize("python", _records_in(path), handle_forward_references=True), start=1):
                obj.save()
                if progress is not None and done % BATCH == 0:
                    progress(BATCH, checked.records)
        if progress is not None:
            progress(checked.records % BATCH, checked.records)
        connection.check_constraints(table_names=tables)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), chosen):
                cursor.execute(sql)
        audit = checked.header.get("audit", {})
        problems = verify_audit_trail(anchor=audit.get("head") if audit.get("records") else None)
        if problems or trail_head().digest != audit.get("head"):
            first = problems[0].message if problems else "its last record is not the one the backup recorded"
            raise BackupError(f"the restored audit trail does not verify ({first}); nothing was restored")
    return checked
