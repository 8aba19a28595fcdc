"""ODM study metadata and admin data, built from the protocol file and the table contract.

Study: GlobalVariables from the protocol identity; MetaDataVersion with the Protocol's
StudyEventRefs, a StudyEventDef per visit (plus the unscheduled and trial-level events), a FormDef
and ItemGroupDef per table, an ItemDef per column (type, description, code list) and a CodeList
per closed list of values (`mesems.exports.codelists`). AdminData: a Location per site (and the
sponsor) and a User per person named in the audit trail.

A blinded file has no ItemDef, ItemRef or CodeList for a column that reveals allocation.
"""

from __future__ import annotations

from lxml import etree

from mesems.exports.codelists import CodeList, code_list_index
from mesems.exports.odm.layout import (
    NS,
    REFERENCE_TABLES,
    EventLayout,
    clinical_tables,
    form_oid,
    group_oid,
    item_oid,
    location_oid,
    spec,
    user_oid,
)
from mesems.exports.tables import Column
from mesems.exports.tableset import TrialTables
from mesems.protocol import Protocol

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DATA_TYPES = {"str": "text", "int": "integer", "float": "float", "bool": "boolean", "date": "date"}
SPONSOR_SITE = "SPONSOR"


def _e(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS}}}{tag}", {k: v for k, v in attributes.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _translated(parent: etree._Element, tag: str, text: str) -> None:
    _e(_e(parent, tag), "TranslatedText", text, **{XML_LANG: "en"})


def study_oid(protocol: Protocol) -> str:
    return f"ST.{protocol.identity.id}"


def metadata_version_oid(protocol: Protocol, *, blinded: bool) -> str:
    return f"MDV.{protocol.identity.id}.{'BLINDED' if blinded else 'UNBLINDED'}"


def exported_columns(tables: TrialTables, table: str) -> list[Column]:
    present = set(tables.frame(table).columns)
    return [c for c in spec(table).columns if c.name in present]


def study_element(protocol: Protocol, tables: TrialTables, layout: list[EventLayout]) -> etree._Element:
    identity = protocol.identity
    study = etree.Element(f"{{{NS}}}Study", OID=study_oid(protocol))
    variables = _e(study, "GlobalVariables")
    _e(variables, "StudyName", identity.id)
    _e(variables, "StudyDescription", identity.brief_summary or identity.title)
    _e(variables, "ProtocolName", identity.official_title or identity.title)
    version = _e(
        study,
        "MetaDataVersion",
        OID=metadata_version_oid(protocol, blinded=tables.blinded),
        Name=f"{identity.id} {'blinded' if tables.blinded else 'unblinded'} export",
        Description="Metadata of the mesems flat tables; columns that reveal allocation are "
        + ("left out." if tables.blinded else "included."),
    )
    plan = _e(version, "Protocol")
    _translated(plan, "Description", identity.title)
    for number, event in enumerate(layout, start=1):
        _e(plan, "StudyEventRef", StudyEventOID=event.oid, OrderNumber=str(number), Mandatory="Yes" if event.kind == "Scheduled" else "No")
    for event in layout:
        definition = _e(version, "StudyEventDef", OID=event.oid, Name=event.name, Repeating="Yes" if event.repeating else "No", Type=event.kind)
        for number, table in enumerate(event.forms, start=1):
            _e(definition, "FormRef", FormOID=form_oid(table), OrderNumber=str(number), Mandatory="No")
    tables_in_order = [*clinical_tables(), *REFERENCE_TABLES]
    for table in tables_in_order:
        form = _e(version, "FormDef", OID=form_oid(table), Name=table, Repeating="No")
        _translated(form, "Description", spec(table).description)
        _e(form, "ItemGroupRef", ItemGroupOID=group_oid(table), Mandatory="No", OrderNumber="1")
    for table in tables_in_order:
        table_spec = spec(table)
        group = _e(
            version,
            "ItemGroupDef",
            OID=group_oid(table),
            Name=table,
            Repeating="Yes",
            IsReferenceData="Yes" if table in REFERENCE_TABLES else None,
        )
        _translated(group, "Description", table_spec.description)
        for number, column in enumerate(exported_columns(tables, table), start=1):
            key = table_spec.key.index(column.name) + 1 if column.name in table_spec.key else None
            _e(
                group,
                "ItemRef",
                ItemOID=item_oid(table, column.name),
                OrderNumber=str(number),
                Mandatory="Yes" if column.required else "No",
                KeySequence=str(key) if key else None,
            )
    lists = code_list_index(protocol)
    for table in tables_in_order:
        for column in exported_columns(tables, table):
            item = _e(version, "ItemDef", OID=item_oid(table, column.name), Name=column.name, DataType=DATA_TYPES[column.dtype])
            _translated(item, "Description", column.description)
            if (table, column.name) in lists:
                _e(item, "CodeListRef", CodeListOID=lists[(table, column.name)].oid)
    for table in tables_in_order:
        for column in exported_columns(tables, table):
            if (table, column.name) in lists:
                _code_list(version, lists[(table, column.name)], DATA_TYPES[column.dtype])
    return study


def _code_list(parent: etree._Element, code_list: CodeList, data_type: str) -> None:
    element = _e(parent, "CodeList", OID=code_list.oid, Name=f"{code_list.table}.{code_list.column}", DataType=data_type)
    _translated(element, "Description", f"Allowed values of {code_list.table}.{code_list.column} ({code_list.source})")
    for number, value in enumerate(code_list.values, start=1):
        _e(element, "EnumeratedItem", CodedValue=value, OrderNumber=str(number))


def admin_element(protocol: Protocol, tables: TrialTables) -> etree._Element:
    admin = etree.Element(f"{{{NS}}}AdminData", StudyOID=study_oid(protocol))
    audit = tables.frame("audit_trail")
    for user in audit["user_id"].unique().sort().to_list():
        _e(_e(admin, "User", OID=user_oid(user)), "LoginName", user)
    names = {site.id: site.name for site in protocol.sites}
    used = set(tables.frame("participants")["site_id"].to_list()) | set(audit["site_id"].to_list())
    used |= set(tables.frame("screening")["site_id"].to_list())
    for site in [*names, *sorted(used - set(names))]:
        kind = "Sponsor" if site == SPONSOR_SITE else "Site"
        location = _e(admin, "Location", OID=location_oid(site), Name=names.get(site, site), LocationType=kind)
        _e(
            location,
            "MetaDataVersionRef",
            StudyOID=study_oid(protocol),
            MetaDataVersionOID=metadata_version_oid(protocol, blinded=tables.blinded),
            EffectiveDate=str(min(v.effective_from for v in protocol.eligibility)),
        )
    return admin
