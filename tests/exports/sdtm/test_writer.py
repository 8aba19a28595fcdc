from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pyreadstat
import pytest
from lxml import etree

from mesems.exports.schemas import DEFINE_XSD, schema_problems
from mesems.exports.sdtm.specs import DOMAINS
from mesems.exports.sdtm.writer import write_sdtm
from mesems.exports.tableset import InputProblems, TrialTables
from mesems.protocol import Protocol

DEF = {"o": "http://www.cdisc.org/ns/odm/v1.3", "def": "http://www.cdisc.org/ns/def/v2.0"}


@pytest.fixture(scope="module")
def sdtm_dir(tables: TrialTables, protocol: Protocol, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sdtm") / "sdtm"
    write_sdtm(tables, out, protocol, role="unblinded_statistician")
    return out


def test_transport_files_carry_names_labels_and_lengths(sdtm_dir: Path) -> None:
    for code, domain in DOMAINS.items():
        frame, meta = pyreadstat.read_xport(str(sdtm_dir / f"{code.lower()}.xpt"))
        assert meta.table_name == code and meta.file_label == domain.label
        assert meta.column_names == domain.names
        assert meta.column_labels == [v.label for v in domain.variables]
        for variable in domain.variables:
            kind = meta.readstat_variable_types[variable.name]
            assert kind == ("double" if variable.type == "Num" else "string"), variable.name
            assert meta.variable_storage_width[variable.name] <= 200
        assert len(frame) > 0


def test_define_xml_is_valid_and_describes_every_dataset_and_variable(sdtm_dir: Path) -> None:
    define = sdtm_dir / "define.xml"
    assert schema_problems(define, DEFINE_XSD) == []
    tree = etree.parse(str(define))
    version = tree.find(".//o:MetaDataVersion", DEF)
    assert version.get("{http://www.cdisc.org/ns/def/v2.0}DefineVersion") == "2.0.0"
    assert tree.xpath("//o:ItemGroupDef/@Name", namespaces=DEF) == list(DOMAINS)
    assert tree.xpath("//o:ItemGroupDef[@Name='DM']/def:leaf/@xlink:href", namespaces={**DEF, "xlink": "http://www.w3.org/1999/xlink"}) == ["dm.xpt"]
    items = tree.xpath("//o:ItemDef/@OID", namespaces=DEF)
    assert len(items) == sum(len(d.variables) for d in DOMAINS.values())
    _, meta = pyreadstat.read_xport(str(sdtm_dir / "ae.xpt"))
    length = tree.xpath("//o:ItemDef[@OID='IT.AE.AETERM']/@Length", namespaces=DEF)[0]
    assert int(length) == meta.variable_storage_width["AETERM"]
    sex = tree.xpath("//o:CodeList[@OID='CL.DM.SEX']/o:EnumeratedItem/@CodedValue", namespaces=DEF)
    assert sex == ["F", "M"]
    kfss = tree.xpath("//o:CodeList[@OID='CL.QS.QSTESTCD']/o:CodeListItem[@CodedValue='KFSS101']//o:TranslatedText/text()", namespaces=DEF)
    assert kfss == ["KFSS1-Pyramidal Functions"]
    extended = tree.xpath("//o:CodeList[@OID='CL.MO.MOTESTCD']/*/@def:ExtendedValue", namespaces=DEF)
    assert extended and set(extended) == {"Yes"}


def test_data_that_break_a_required_variable_are_refused_and_nothing_written(tables: TrialTables, protocol: Protocol, tmp_path: Path) -> None:
    sites = [site.model_copy(update={"country": None}) if site.id == "SE-KAR" else site for site in protocol.sites]
    without_country = protocol.model_copy(update={"sites": sites})
    used = set(tables.frame("participants")["site_id"])
    assert "SE-KAR" in used
    with pytest.raises(InputProblems, match="SDTM export refused") as caught:
        write_sdtm(tables, tmp_path / "sdtm", without_country)
    assert any(p.startswith("DM.COUNTRY: required variable is empty") for p in caught.value.problems)
    assert list(tmp_path.iterdir()) == []


def test_the_same_tables_at_the_same_time_give_the_same_bytes(tables: TrialTables, protocol: Protocol, tmp_path: Path) -> None:
    created = dt.datetime(2024, 3, 4, 9, 5, 7, tzinfo=dt.timezone.utc)
    first = write_sdtm(tables, tmp_path / "one", protocol, created=created).path
    time.sleep(1.1)
    second = write_sdtm(tables, tmp_path / "two", protocol, created=created).path
    assert {p.name: p.read_bytes() for p in first.iterdir()} == {p.name: p.read_bytes() for p in second.iterdir()}
    _, meta = pyreadstat.read_xport(str(first / "dm.xpt"))
    assert meta.creation_time == meta.modification_time == created.replace(tzinfo=None)
