from __future__ import annotations

from pathlib import Path

import polars as pl
import xmlschema
from lxml import etree

from mesems.exports.odm.layout import NS, events
from mesems.exports.odm.writer import write_odm
from mesems.exports.schemas import ODM_XSD, schema_path, schema_problems
from mesems.exports.tableset import TrialTables, blind
from mesems.protocol import Protocol
from tests.exports.odm.conftest import CREATED

O = {"o": NS}


def test_file_is_valid_odm_132_for_lxml_and_xmlschema(odm_file: Path) -> None:
    assert schema_problems(odm_file, ODM_XSD) == []
    assert xmlschema.XMLSchema(str(schema_path(ODM_XSD))).is_valid(str(odm_file))


def test_metadata_comes_from_the_protocol_visits(odm_file: Path, protocol: Protocol) -> None:
    tree = etree.parse(str(odm_file))
    root = tree.getroot()
    assert root.get("ODMVersion") == "1.3.2" and root.get("FileType") == "Snapshot"
    definitions = tree.xpath("//o:StudyEventDef", namespaces=O)
    scheduled = [d for d in definitions if d.get("Type") == "Scheduled"]
    assert [d.get("Name") for d in scheduled] == [v.name for v in protocol.schedule.visits]
    week4 = tree.xpath("//o:StudyEventDef[@OID='SE.W04']/o:FormRef/@FormOID", namespaces=O)
    assert week4 == ["F.VISITS", "F.GEL", "F.MRI", "F.VITAL_SIGNS"]
    sex = tree.xpath("//o:CodeList[@OID='CL.PARTICIPANTS.SEX']/o:EnumeratedItem/@CodedValue", namespaces=O)
    assert sex == ["F", "M"]
    assert tree.xpath("//o:ItemDef[@OID='IT.EDSS.EDSS']/@DataType", namespaces=O) == ["float"]
    assert tree.xpath("//o:ItemGroupDef[@OID='IG.SCREENING']/@IsReferenceData", namespaces=O) == ["Yes"]
    assert len(tree.xpath("//o:AdminData/o:Location", namespaces=O)) >= len(protocol.sites)


def test_clinical_data_places_forms_in_their_visits_with_audit_records(odm_file: Path, tables: TrialTables) -> None:
    tree = etree.parse(str(odm_file))
    subjects = tree.xpath("//o:ClinicalData/o:SubjectData/@SubjectKey", namespaces=O)
    assert subjects == sorted(tables.frame("participants")["participant_id"].to_list())
    gel_events = set(tree.xpath("//o:StudyEventData[o:FormData/@FormOID='F.GEL']/@StudyEventOID", namespaces=O))
    assert gel_events <= {"SE.W00", "SE.W04", "SE.W12", "SE.W24", "SE.W28", "SE.W36", "SE.W48"}
    unscheduled = tree.xpath("//o:StudyEventData[@StudyEventOID='SE.UNSCHEDULED']/@StudyEventRepeatKey", namespaces=O)
    assert len(unscheduled) == tables.frame("visits").filter(pl.col("visit_id").str.starts_with("U")).height
    embedded = tree.xpath("//o:ItemGroupData/o:AuditRecord", namespaces=O)
    container = tree.xpath("//o:ClinicalData/o:AuditRecords/o:AuditRecord", namespaces=O)
    assert len(embedded) + len(container) == tables.frame("audit_trail").height
    updated = tables.frame("audit_trail").filter(pl.col("action") == "updated").height
    assert len(container) == updated and updated > 0
    reasons = tree.xpath("//o:AuditRecord/o:ReasonForChange/text()", namespaces=O)
    assert set(reasons) == {"transcription error corrected"}


def test_blinded_file_has_no_allocation(tables: TrialTables, protocol: Protocol, tmp_path: Path) -> None:
    out = tmp_path / "blinded.xml"
    result = write_odm(blind(tables), out, protocol, created=CREATED)
    text = out.read_text()
    assert result.blinded and "MSC-placebo" not in text and "placebo-MSC" not in text
    assert "IT.PARTICIPANTS.SEQUENCE" not in text and 'IT.INFUSIONS.PRODUCT"' not in text and "CELLS_PER_KG" not in text
    assert schema_problems(out, ODM_XSD) == []


def test_free_text_with_markup_and_line_breaks_survives(tables: TrialTables, protocol: Protocol, tmp_path: Path) -> None:
    from mesems.exports.odm.reader import read_odm

    frames = dict(tables.frames)
    tricky = 'wrote "5 < 7 & 8 > 6"\nsecond line\tand a tab'
    frames["adverse_events"] = frames["adverse_events"].with_columns(pl.lit(tricky).alias("term"))
    out = tmp_path / "tricky.xml"
    write_odm(TrialTables(frames, blinded=False), out, protocol, created=CREATED)
    assert set(read_odm(out, protocol).frame("adverse_events")["term"].to_list()) == {tricky}


def test_layout_has_one_event_per_visit_plus_unscheduled_and_trial(protocol: Protocol) -> None:
    layout = events(protocol)
    assert len(layout) == len(protocol.schedule.visits) + 2
    assert layout[-1].oid == "SE.TRIAL" and "adverse_events" in layout[-1].forms


def test_a_trial_before_its_first_randomisation_is_a_valid_file(tables: TrialTables, protocol: Protocol, tmp_path: Path) -> None:
    screened_only = TrialTables.from_frames(
        {"participants": tables.frame("participants").head(0), "screening": tables.frame("screening").with_columns(participant_id=pl.lit(None, pl.String))},
        protocol)
    nothing = TrialTables({"participants": screened_only.frame("participants")})
    for name, before in (("screened.xml", screened_only), ("empty.xml", nothing)):
        result = write_odm(before, tmp_path / name, protocol, created=CREATED)
        assert schema_problems(result.path, ODM_XSD) == [] and b"<SubjectData" not in result.path.read_bytes()
