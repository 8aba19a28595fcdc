"""Backup and restore in process, on SQLite and PostgreSQL: exact round trips, and every kind of
damaged or unsuitable file refused before the database is touched, or rolled back."""

from __future__ import annotations

import gzip
import re
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from mesems.access import Role
from mesems.errors import BackupError
from tests.web.figures import record_figure
from tests.web.principals import fast_hashing  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]


@pytest.fixture
def trial_data(make_user: Callable[..., Any], make_participant: Callable[..., Any], fast_hashing: None) -> None:
    from mesems.web.apps.trials.services import correct_participant

    manager = make_user(Role.DATA_MANAGER)
    make_user(Role.NURSE, "IT-01")
    for code, site in (("SE-KAR-0001", "SE-KAR"), ("IT-01-0001", "IT-01")):
        make_participant(code, site)
        correct_participant(manager, code, version=1, reason="course was misread", values={"ms_course": "SP"})


def _rewrite(path: Path, edit: Callable[[list[dict[str, Any]]], None], out: Path) -> Path:
    """A backup whose lines were edited and whose digests were recomputed: only the content can betray it."""
    lines = [json.loads(line) for line in gzip.open(path, "rb")]
    body = lines[:-1]
    edit(body)
    encoded = [(json.dumps(v, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n").encode() for v in body]
    trailer = {"end": "mesems-backup", "records": len(body) - 1, "sha256": hashlib.sha256(b"".join(encoded)).hexdigest(),
               "data_sha256": hashlib.sha256(b"".join(encoded[1:])).hexdigest()}
    with gzip.open(out, "wb") as stream:
        stream.writelines([*encoded, (json.dumps(trailer) + "\n").encode()])
    return out


@pytest.mark.parametrize("backend", BACKENDS)
def test_restore_gives_back_exactly_what_was_saved(backend: str, trial_data: None, tmp_path: Path) -> None:
    from mesems.web.apps.audit.services import verify_audit_trail
    from mesems.web.apps.trials.models import Participant
    from mesems.web.backup import restore_backup, write_backup

    assert connection.vendor == backend
    first = write_backup(tmp_path / "first.mesems")
    Participant.objects.filter(code="SE-KAR-0001").update(ms_course="PP")
    restored = restore_backup(first.path, replace=True)
    assert restored.data_sha256 == first.data_sha256
    assert Participant.objects.get(code="SE-KAR-0001").ms_course == "SP"
    assert verify_audit_trail() == []
    again = write_backup(tmp_path / "again.mesems")
    assert again.data_sha256 == first.data_sha256 and again.records == first.records > 20
    record_figure(f"backup-roundtrip-inprocess-{backend}", records=first.records, same=True)


@pytest.mark.parametrize("backend", BACKENDS)
def test_restore_into_a_database_with_data_needs_replace(backend: str, trial_data: None, tmp_path: Path) -> None:
    from mesems.web.backup import restore_backup, write_backup

    summary = write_backup(tmp_path / "b.mesems")
    with pytest.raises(BackupError, match=r"already holds \d+ records; restore into an empty database, or pass --replace"):
        restore_backup(summary.path)


def _other_migrations(lines: list[dict[str, Any]]) -> None:
    lines[0]["migrations"]["trials"] = "0099_future"


def _audit_record_edited(lines: list[dict[str, Any]]) -> None:
    next(v for v in lines[1:] if v["model"] == "audit.auditevent" and v["fields"]["reason"])["fields"]["reason"] = "edited in the file"


def _unknown_model(lines: list[dict[str, Any]]) -> None:
    lines[0]["counts"]["ghosts.ghost"] = 1


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("edit", "refusal"),
    [
        (_other_migrations, r"was made by a different version of mesems \(migrations differ: trials 0099_future in the backup, 0001_initial here\)"),
        (_audit_record_edited, r"the restored audit trail does not verify \(record \d+ was changed after it was written\); nothing was restored"),
        (_unknown_model, "holds records of models this mesems does not have: ghosts.ghost"),
    ],
    ids=["other-migrations", "audit-record-edited", "unknown-model"],
)
def test_unsuitable_backup_is_refused_and_nothing_changes(backend: str, edit: Callable[..., None], refusal: str, trial_data: None, tmp_path: Path) -> None:
    from mesems.web.apps.trials.models import Participant
    from mesems.web.backup import restore_backup, write_backup

    summary = write_backup(tmp_path / "b.mesems")
    Participant.objects.filter(code="SE-KAR-0001").update(ms_course="PP")
    with pytest.raises(BackupError, match=refusal):
        restore_backup(_rewrite(summary.path, edit, tmp_path / "edited.mesems"), replace=True)
    assert Participant.objects.get(code="SE-KAR-0001").ms_course == "PP", "a refused restore changes nothing"


def _flip_a_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]


def _edited_record(data: bytes) -> bytes:
    return gzip.compress(gzip.decompress(data).replace(b'"ms_course":"SP"', b'"ms_course":"PP"', 1))


def _appended_line(data: bytes) -> bytes:
    return gzip.compress(gzip.decompress(data) + b'{"model":"trials.site","pk":99,"fields":{}}\n')


def _no_end_line(data: bytes) -> bytes:
    return gzip.compress(b"".join(gzip.decompress(data).splitlines(keepends=True)[:-1]))


CORRUPTIONS: list[tuple[str, Callable[[bytes], bytes], str]] = [
    ("byte-flipped", _flip_a_byte, r"is damaged: "),
    ("cut-short", lambda data: data[: len(data) // 2], r"is damaged: it ends early \(cut short\?\); refusing to restore"),
    ("record-edited", _edited_record, r"is damaged: its SHA-256 digest does not match its content; refusing to restore"),
    ("line-appended", _appended_line, r"has data after its end line; refusing to restore"),
    ("end-line-missing", _no_end_line, r"is damaged: it has no end line \(cut short\?\); refusing to restore"),
    ("not-gzip", lambda data: b"id,name\n1,x\n", r"is not a mesems backup \(not gzip-compressed\)"),
    ("other-gzip", lambda data: gzip.compress(b'{"hello": 1}\n'), r"is not a mesems backup \(its first line is not a mesems backup header\)"),
    ("empty", lambda data: gzip.compress(b""), r"is empty, not a mesems backup"),
    ("not-json", lambda data: gzip.compress(gzip.decompress(data).replace(b"{", b"<", 3)), r"is damaged: line 1 is not JSON"),
]


@pytest.mark.parametrize(("name", "corrupt", "refusal"), CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_damaged_file_is_refused_before_the_database_is_touched(name: str, corrupt: Callable[[bytes], bytes], refusal: str, trial_data: None, tmp_path: Path) -> None:
    from mesems.web.backup import check_backup, write_backup

    summary = write_backup(tmp_path / "b.mesems")
    damaged = tmp_path / "damaged.mesems"
    damaged.write_bytes(corrupt(summary.path.read_bytes()))
    with pytest.raises(BackupError, match=refusal):
        check_backup(damaged)
    record_figure(f"backup-refused-{name}", refused=True)


def test_a_flipped_byte_in_the_data_or_its_checksum_is_damage(trial_data: None, tmp_path: Path) -> None:
    """Wherever a byte goes bad (method, flags, compressed data, checksum, length), the file is
    called damaged, never "not a backup", or else its data are unchanged: a flip never changes what
    would be restored unnoticed. (The header's time stamp, OS and file name carry no data.)"""
    from mesems.web.backup import check_backup, write_backup

    data = write_backup(tmp_path / "b.mesems").path.read_bytes()
    damaged = tmp_path / "damaged.mesems"
    header_end = data.index(b"\0", 10) + 1 if data[3] & 0x08 else 10  # after the file name, when stored
    for position in (2, 3, *range(header_end, len(data))):
        flipped = data[:position] + bytes([data[position] ^ 0xFF]) + data[position + 1:]
        damaged.write_bytes(flipped)
        try:
            check_backup(damaged)
        except BackupError as refusal:
            assert re.search(r"is damaged: |has data after its end line", refusal.message), (position, refusal.message)
        else:  # rarely, a flip only touches the code of a symbol the compressed data never uses
            assert gzip.decompress(flipped) == gzip.decompress(data), f"a byte flipped at {position} changed the data unnoticed"


def test_file_that_no_longer_matches_its_sidecar_digest_is_refused(trial_data: None, tmp_path: Path) -> None:
    from mesems.web.backup import check_backup, write_backup

    summary = write_backup(tmp_path / "b.mesems")
    summary.path.write_bytes(_edited_record(summary.path.read_bytes()))
    with pytest.raises(BackupError, match=r"does not match the digest in b.mesems.sha256"):
        check_backup(summary.path)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    from mesems.web.backup import check_backup

    with pytest.raises(BackupError, match="does not exist"):
        check_backup(tmp_path / "nope.mesems")
