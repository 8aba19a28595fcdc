from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from mesems.exports.odm.audit import audit_problems, source_fields
from mesems.exports.odm.writer import write_odm
from mesems.exports.tableset import InputProblems, TrialTables
from mesems.protocol import Protocol


def test_ids_and_times_odm_cannot_carry_are_refused(tables: TrialTables, protocol: Protocol, tmp_path: Path) -> None:
    audit = tables.frame("audit_trail").head(2).with_columns(
        pl.Series("audit_id", ["A 1", "A-2"]), pl.Series("changed_at", ["2014-03-02T10:15:00+01:00", "yesterday"])
    )
    assert audit_problems(audit) == [
        "audit_trail: audit_id 'A 1' cannot be an XML ID (letters, digits, '_', '.', '-')",
        "audit_trail: changed_at 'yesterday' is not an ISO 8601 date-time such as 2014-03-02T10:15:00+01:00",
    ]
    frames = {**tables.frames, "audit_trail": audit}
    with pytest.raises(InputProblems, match="ODM export"):
        write_odm(TrialTables(frames, blinded=False), tmp_path / "odm.xml", protocol)
    assert list(tmp_path.iterdir()) == []


def test_source_id_names_its_row() -> None:
    fields = source_fields('{"table_name":"edss","record_key":"P-1|2014-01-02","action":"updated","participant_id":"P-1","user_role":null}')
    assert fields == {"table_name": "edss", "record_key": "P-1|2014-01-02", "action": "updated", "participant_id": "P-1", "user_role": None}
    with pytest.raises(ValueError, match="SourceID must be a JSON object"):
        source_fields('{"table_name": "edss"}')
