"""Outputs appear whole or not at all: each export is written into a hidden staging path beside
its target and moved into place in one rename once every file, and the manifest listing them
with their checksums, is complete. A failure removes the staging path; nothing half-written is
ever left under the name the user asked for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mesems import __version__
from mesems.errors import ExportError

MANIFEST = "MANIFEST.json"


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote, for the CLI to print and the web app to record."""

    kind: str
    path: Path
    files: tuple[str, ...]
    blinded: bool
    participants: int
    role: str | None = None


def _refuse_existing(target: Path) -> None:
    if target.exists() and not (target.is_dir() and not any(target.iterdir())):
        raise ExportError(f"{target} already exists; choose a new path or remove it first", field="out")


@contextmanager
def staged_directory(target: Path) -> Iterator[Path]:
    """A fresh directory to fill; renamed to `target` when the block ends without an error."""
    _refuse_existing(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    try:
        yield staging
        if target.is_dir():
            target.rmdir()
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


@contextmanager
def staged_file(target: Path) -> Iterator[Path]:
    """A temporary file beside `target`, moved over it when the block ends without an error."""
    _refuse_existing(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(handle)
    staging = Path(name)
    try:
        yield staging
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(
    directory: Path, *, kind: str, blinded: bool, participants: int, role: str | None, standard: str, created: dt.datetime | None = None
) -> tuple[str, ...]:
    """List every file with its checksum; written last, so its presence means the export is complete.
    `created` (now when omitted) lets the caller stamp every file of one export with one time."""
    files = sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())
    manifest = {
        "kind": kind,
        "standard": standard,
        "blinded": blinded,
        "role": role,
        "participants": participants,
        "created": (created or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds"),
        "mesems_version": __version__,
        "files": {name: sha256(directory / name) for name in files},
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return (*files, MANIFEST)
