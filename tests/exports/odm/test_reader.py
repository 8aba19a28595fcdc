from __future__ import annotations

from pathlib import Path

import pytest

from mesems.exports.odm.reader import read_odm
from mesems.exports.odm.writer import write_odm
from mesems.exports.tables import TABLES
from mesems.exports.tableset import InputProblems, TrialTables
from mesems.protocol import Protocol
from tests.exports.odm.conftest import CREATED


def test_export_import_export_gives_the_same_data_and_bytes(odm_file: Path, tables: TrialTables, protocol: Protocol, tmp_path: Path) -> None:
    back = read_odm(odm_file, protocol)
    assert back.blinded is False
    for name in TABLES:
        assert back.frame(name).equals(tables.frame(name).sort(TABLES[name].key)), name
    again = tmp_path / "again.xml"
    write_odm(back, again, protocol, created=CREATED)
    assert again.read_bytes() == odm_file.read_bytes()


def _broken(odm_file: Path, tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    text = odm_file.read_text()
    assert old in text
    path = tmp_path / "broken.xml"
    path.write_text(text.replace(old, new, count))
    return path


def test_not_well_formed_xml_is_one_located_problem(tmp_path: Path, protocol: Protocol) -> None:
    path = tmp_path / "bad.xml"
    path.write_text("<ODM><Study>\n</ODM>")
    with pytest.raises(InputProblems) as caught:
        read_odm(path, protocol)
    assert len(caught.value.problems) == 1 and caught.value.problems[0].startswith("line 2: not well-formed XML")


def test_schema_errors_are_each_reported_with_their_line(odm_file: Path, tmp_path: Path, protocol: Protocol) -> None:
    path = _broken(odm_file, tmp_path, 'Repeating="No" Type="Scheduled"', 'Repeating="Maybe" Type="Scheduled"', count=2)
    with pytest.raises(InputProblems, match="is not valid ODM 1.3.2") as caught:
        read_odm(path, protocol)
    assert len(caught.value.problems) == 2
    assert all(p.startswith("line ") and "Maybe" in p for p in caught.value.problems)


def test_values_that_break_their_metadata_are_each_reported(odm_file: Path, tmp_path: Path, protocol: Protocol) -> None:
    text = odm_file.read_text()
    text = text.replace('ItemOID="IT.PARTICIPANTS.AGE" Value="', 'ItemOID="IT.PARTICIPANTS.AGE" Value="x', 1)
    text = text.replace('ItemOID="IT.PARTICIPANTS.SEX" Value="F"', 'ItemOID="IT.PARTICIPANTS.SEX" Value="female"', 1)
    text = text.replace('<ItemData ItemOID="IT.VISITS.STATUS"', '<ItemData ItemOID="IT.VISITS.MOOD" Value="good"/><ItemData ItemOID="IT.VISITS.STATUS"', 1)
    text = text.replace('<FormData FormOID="F.VISITS">', '<FormData FormOID="F.NOWHERE">', 1)
    path = tmp_path / "semantic.xml"
    path.write_text(text)
    with pytest.raises(InputProblems, match="does not fit its own metadata") as caught:
        read_odm(path, protocol)
    problems = "\n".join(caught.value.problems)
    assert "is not a valid integer" in problems
    assert "'female' is not in code list CL.PARTICIPANTS.SEX" in problems
    assert "item 'IT.VISITS.MOOD' is not part of item group 'IG.VISITS'" in problems
    assert "FormOID 'F.NOWHERE' is not defined" in problems
    assert all(p.startswith("line ") for p in caught.value.problems)


def test_a_changed_key_value_is_caught(odm_file: Path, tmp_path: Path, protocol: Protocol) -> None:
    text = odm_file.read_text()
    start = text.index('ItemOID="IT.VISITS.VISIT_ID" Value="W00"')
    path = tmp_path / "key.xml"
    path.write_text(text[:start] + text[start:].replace('Value="W00"', 'Value="W99"', 1))
    with pytest.raises(InputProblems) as caught:
        read_odm(path, protocol)
    assert any("is not the row's key" in p for p in caught.value.problems)


def test_contract_rules_apply_after_the_odm_checks(odm_file: Path, tmp_path: Path, protocol: Protocol) -> None:
    path = _broken(odm_file, tmp_path, '<ItemData ItemOID="IT.RELAPSES.CONFIRMED" Value="true"/>', "")
    with pytest.raises(InputProblems) as caught:
        read_odm(path, protocol)
    assert any("mandatory item 'IT.RELAPSES.CONFIRMED' is missing" in p for p in caught.value.problems)


def test_a_missing_file_is_reported(tmp_path: Path, protocol: Protocol) -> None:
    with pytest.raises(InputProblems, match="is not a file"):
        read_odm(tmp_path / "none.xml", protocol)


def test_a_blinded_file_imports_as_blinded_tables(tables: TrialTables, protocol: Protocol, tmp_path: Path) -> None:
    from mesems.exports.tableset import blind

    out = tmp_path / "blinded.xml"
    write_odm(blind(tables), out, protocol, created=CREATED)
    back = read_odm(out, protocol)
    assert back.blinded and "sequence" not in back.frame("participants").columns
    for name in TABLES:
        assert back.frame(name).equals(blind(tables).frame(name).sort(TABLES[name].key)), name
