from __future__ import annotations

import json
from pathlib import Path

import pytest

from mesems.errors import ExportError
from mesems.exports.staging import MANIFEST, sha256, staged_directory, staged_file, write_manifest


def test_a_failed_export_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with pytest.raises(RuntimeError), staged_directory(target) as staging:
        (staging / "half.csv").write_text("a,b\n1,")
        raise RuntimeError("disk full")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(RuntimeError), staged_file(tmp_path / "odm.xml") as staging:
        staging.write_text("<ODM")
        raise RuntimeError("schema check failed")
    assert list(tmp_path.iterdir()) == []


def test_a_finished_export_appears_whole_with_its_manifest(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with staged_directory(target) as staging:
        (staging / "a.csv").write_text("x\n1\n")
        files = write_manifest(staging, kind="csv", blinded=True, participants=1, role=None, standard="test")
    manifest = json.loads((target / MANIFEST).read_text())
    assert files == ("a.csv", MANIFEST)
    assert manifest["files"] == {"a.csv": sha256(target / "a.csv")} and manifest["blinded"] is True
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_an_existing_output_is_refused_but_an_empty_directory_is_used(tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("keep me")
    with pytest.raises(ExportError, match="already exists"), staged_directory(tmp_path / "full"):
        pass
    (tmp_path / "empty").mkdir()
    with staged_directory(tmp_path / "empty") as staging:
        (staging / "y").write_text("new")
    assert (tmp_path / "empty" / "y").read_text() == "new"
    assert (tmp_path / "full" / "x").read_text() == "keep me"
