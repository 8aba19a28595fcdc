"""Import ODM 1.3.2 clinical data back into the flat tables.

Checks come in three layers, each reporting every problem it finds with the line it is on:
1. the ODM 1.3.2 schema (shipped XSD);
2. the file's own metadata: every StudyEvent, Form, ItemGroup and Item used is defined and
   referenced where it is used, values fit their DataType and CodeList, mandatory items are
   there, keys agree (SubjectKey with participant_id, ItemGroupRepeatKey with the row's key),
   audit records name known users and locations;
3. the table contract (`TrialTables.from_frames`): types, required values, keys, code lists.
Only a file that passes all three becomes tables. The tree parsed for the schema check is
the one walked for the other two, so a file is parsed once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from lxml import etree

from mesems.exports.odm.audit import source_fields
from mesems.exports.odm.layout import NS
from mesems.exports.schemas import ODM_XSD, parse_checked
from mesems.exports.tables import TABLES
from mesems.exports.tableset import InputProblems, TrialTables
from mesems.protocol import Protocol

MAX_PROBLEMS = 200
_VALUE = {
    "integer": re.compile(r"^[+-]?\d+$"),
    "float": re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$"),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "boolean": re.compile(r"^(true|false|1|0)$"),
}


def _tag(name: str) -> str:
    return f"{{{NS}}}{name}"


@dataclass
class _Metadata:
    study_oid: str = ""
    versions: set[str] = field(default_factory=set)
    event_forms: dict[str, set[str]] = field(default_factory=dict)
    form_groups: dict[str, set[str]] = field(default_factory=dict)
    groups: dict[str, tuple[str, dict[str, bool]]] = field(default_factory=dict)
    items: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)
    code_lists: dict[str, set[str]] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)
    locations: set[str] = field(default_factory=set)


@dataclass
class _Reading:
    meta: _Metadata = field(default_factory=_Metadata)
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    audit: list[dict[str, str | None]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def problem(self, where: etree._Element, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(f"line {where.sourceline}: {message}")


def read_odm(path: Path, protocol: Protocol) -> TrialTables:
    """The tables an ODM file holds; InputProblems lists every problem if it is not valid."""
    if not path.is_file():
        raise InputProblems(f"{path}", [f"{path} is not a file"])
    tree, problems = parse_checked(path, ODM_XSD)
    if problems or tree is None:
        raise InputProblems(f"{path} is not valid ODM 1.3.2", problems)
    reading = _read(tree.getroot())
    if reading.problems:
        raise InputProblems(f"{path} does not fit its own metadata or the mesems tables", reading.problems)
    frames = {name: _frame(name, rows) for name, rows in reading.rows.items()}
    if reading.audit:
        frames["audit_trail"] = _frame("audit_trail", reading.audit)
    tables = TrialTables.from_frames(frames, protocol, source=str(path))
    sorted_frames = {name: frame.sort(TABLES[name].key) for name, frame in tables.frames.items()}
    return TrialTables(sorted_frames, blinded=tables.blinded)


def _frame(table: str, rows: list[dict[str, str | None]]) -> pl.DataFrame:
    present = {column for row in rows for column in row}
    columns = [c.name for c in TABLES[table].columns if c.name in present or (c.required and not c.unblinded)]
    return pl.DataFrame(rows, schema={c: pl.String for c in columns}, orient="row") if rows else pl.DataFrame(schema={c: pl.String for c in columns})


_STUDY, _ADMIN, _CLINICAL, _REFERENCE = (_tag(t) for t in ("Study", "AdminData", "ClinicalData", "ReferenceData"))
_SUBJECT, _SITE, _EVENT, _FORM = (_tag(t) for t in ("SubjectData", "SiteRef", "StudyEventData", "FormData"))
_GROUP, _ITEM, _AUDIT, _AUDITS = (_tag(t) for t in ("ItemGroupData", "ItemData", "AuditRecord", "AuditRecords"))


def _read(root: etree._Element) -> _Reading:
    """Walk a schema-valid ODM document in file order, checking it against its own metadata."""
    reading = _Reading()
    for section in root:
        if section.tag == _STUDY:
            _study(reading, section)
        elif section.tag == _ADMIN:
            _admin(reading, section)
        elif section.tag in (_CLINICAL, _REFERENCE):
            _data(reading, section)
    return reading


def _data(reading: _Reading, section: etree._Element) -> None:
    meta, context = reading.meta, {"subject": None, "event": None, "form": None}
    if section.get("StudyOID") != meta.study_oid:
        reading.problem(section, f"StudyOID {section.get('StudyOID')!r} is not the Study's OID {meta.study_oid!r}")
    if section.get("MetaDataVersionOID") not in meta.versions:
        reading.problem(section, f"MetaDataVersionOID {section.get('MetaDataVersionOID')!r} is not defined")
    for child in section:
        if child.tag == _GROUP:
            _group_data(reading, child, context)
        elif child.tag == _AUDITS:
            for record in child.iterchildren(_AUDIT):
                _audit_record(reading, record, None)
        elif child.tag == _SUBJECT:
            context.update(subject=child.get("SubjectKey"), event=None, form=None)
            for site in child.iterchildren(_SITE):
                if site.get("LocationOID") not in meta.locations:
                    reading.problem(site, f"SiteRef names location {site.get('LocationOID')!r}, which AdminData does not define")
            for event in child.iterchildren(_EVENT):
                _event_data(reading, event, context)


def _event_data(reading: _Reading, event: etree._Element, context: dict[str, str | None]) -> None:
    meta = reading.meta
    oid = event.get("StudyEventOID")
    context.update(event=oid, form=None)
    if oid not in meta.event_forms:
        reading.problem(event, f"StudyEventOID {oid!r} is not defined")
    for form in event.iterchildren(_FORM):
        form_oid = form.get("FormOID")
        context["form"] = form_oid
        if form_oid not in meta.form_groups:
            reading.problem(form, f"FormOID {form_oid!r} is not defined")
        elif form_oid not in meta.event_forms.get(oid or "", set()):
            reading.problem(form, f"form {form_oid!r} is not referenced by study event {oid!r}")
        for group in form.iterchildren(_GROUP):
            _group_data(reading, group, context)


def _translated(element: etree._Element) -> str:
    return "".join(element.itertext()).strip()


def _study(reading: _Reading, study: etree._Element) -> None:
    meta = reading.meta
    meta.study_oid = study.get("OID", "")
    for version in study.iter(_tag("MetaDataVersion")):
        meta.versions.add(version.get("OID", ""))
        for definition in version.iter(_tag("StudyEventDef")):
            meta.event_forms[definition.get("OID", "")] = {r.get("FormOID", "") for r in definition.iter(_tag("FormRef"))}
        for definition in version.iter(_tag("FormDef")):
            meta.form_groups[definition.get("OID", "")] = {r.get("ItemGroupOID", "") for r in definition.iter(_tag("ItemGroupRef"))}
        for definition in version.iter(_tag("ItemGroupDef")):
            name = definition.get("Name", "")
            if name not in TABLES or name == "audit_trail":
                reading.problem(definition, f"ItemGroupDef {definition.get('OID')!r} is named {name!r}, not a mesems table")
            refs = {r.get("ItemOID", ""): r.get("Mandatory") == "Yes" for r in definition.iter(_tag("ItemRef"))}
            meta.groups[definition.get("OID", "")] = (name, refs)
        for definition in version.iter(_tag("ItemDef")):
            code_list = definition.find(_tag("CodeListRef"))
            meta.items[definition.get("OID", "")] = (
                definition.get("Name", ""),
                definition.get("DataType", ""),
                code_list.get("CodeListOID") if code_list is not None else None,
            )
        for definition in version.iter(_tag("CodeList")):
            coded = [c.get("CodedValue", "") for c in definition if c.tag in {_tag("CodeListItem"), _tag("EnumeratedItem")}]
            meta.code_lists[definition.get("OID", "")] = set(coded)
    for oid, (table, refs) in meta.groups.items():
        known = {c.name for c in TABLES[table].columns} if table in TABLES else set()
        for item in refs:
            if item not in meta.items:
                reading.problem(study, f"ItemGroupDef {oid!r} refers to undefined item {item!r}")
            elif known and meta.items[item][0] not in known:
                reading.problem(study, f"item {item!r} ({meta.items[item][0]!r}) is not a column of table {table!r}")


def _admin(reading: _Reading, admin: etree._Element) -> None:
    for user in admin.iter(_tag("User")):
        login = user.find(_tag("LoginName"))
        oid = user.get("OID", "")
        reading.meta.users[oid] = login.text if login is not None and login.text else oid.removeprefix("USR.")
    reading.meta.locations |= {location.get("OID", "") for location in admin.iter(_tag("Location"))}


def _value_problem(data_type: str, value: str) -> str | None:
    """The lexical check of a value against its ODM DataType; the table contract then checks
    what the lexical form allows but the calendar does not (2014-02-30)."""
    pattern = _VALUE.get(data_type)
    if pattern is not None and not pattern.match(value):
        return f"{value!r} is not a valid {data_type}"
    return None


def _group_data(reading: _Reading, group: etree._Element, context: dict[str, str | None]) -> None:
    meta = reading.meta
    oid = group.get("ItemGroupOID", "")
    if oid not in meta.groups:
        reading.problem(group, f"ItemGroupOID {oid!r} is not defined")
        return
    in_reference = group.getparent().tag == _REFERENCE
    if not in_reference and oid not in meta.form_groups.get(context["form"] or "", set()):
        reading.problem(group, f"item group {oid!r} is not referenced by form {context['form']!r}")
    table, refs = meta.groups[oid]
    row: dict[str, str] = {}
    for item in group.iterchildren(_ITEM):
        item_oid, value = item.get("ItemOID", ""), item.get("Value")
        if item_oid not in refs:
            reading.problem(item, f"item {item_oid!r} is not part of item group {oid!r}")
            continue
        if item.get("IsNull") == "Yes" or value is None:
            continue
        name, data_type, code_list = meta.items[item_oid]
        bad = _value_problem(data_type, value)
        if bad:
            reading.problem(item, f"{item_oid}: {bad}")
        elif code_list is not None and value not in meta.code_lists.get(code_list, set()):
            reading.problem(item, f"{item_oid}: {value!r} is not in code list {code_list}")
        row[name] = {"1": "true", "0": "false"}.get(value, value) if data_type == "boolean" else value
    for item_oid, mandatory in refs.items():
        if mandatory and meta.items.get(item_oid, ("",))[0] not in row:
            reading.problem(group, f"mandatory item {item_oid!r} is missing")
    if table not in TABLES:
        return
    key = "|".join(row.get(k, "") for k in TABLES[table].key)
    if group.get("ItemGroupRepeatKey") != key:
        reading.problem(group, f"ItemGroupRepeatKey {group.get('ItemGroupRepeatKey')!r} is not the row's key {key!r}")
    if not in_reference and row.get("participant_id") != context["subject"]:
        reading.problem(group, f"participant_id {row.get('participant_id')!r} is not the SubjectKey {context['subject']!r}")
    audit = group.find(_AUDIT)
    if audit is not None:
        _audit_record(reading, audit, (table, key, context["subject"] if not in_reference else row.get("participant_id")))
    reading.rows.setdefault(table, []).append(row)


def _audit_record(reading: _Reading, record: etree._Element, owner: tuple[str, str, str | None] | None) -> None:
    meta = reading.meta
    user = record.find(_tag("UserRef")).get("UserOID", "")
    location = record.find(_tag("LocationRef")).get("LocationOID", "")
    if user not in meta.users:
        reading.problem(record, f"audit record names user {user!r}, which AdminData does not define")
    if location not in meta.locations:
        reading.problem(record, f"audit record names location {location!r}, which AdminData does not define")
    source = record.find(_tag("SourceID"))
    try:
        fields = source_fields(source.text or "") if source is not None else None
    except ValueError as exc:
        reading.problem(record, f"audit record SourceID: {exc}")
        return
    if fields is None:
        reading.problem(record, "audit record has no SourceID naming the row it is about")
        return
    if owner is not None and (fields["table_name"], fields["record_key"], fields["participant_id"]) != owner:
        reading.problem(record, f"audit record is about {fields['table_name']}:{fields['record_key']} but sits in {owner[0]}:{owner[1]}")
    reason = record.find(_tag("ReasonForChange"))
    reading.audit.append({
        "audit_id": (record.get("ID") or "").removeprefix("AR."),
        **fields,
        "user_id": meta.users.get(user, user),
        "site_id": location.removeprefix("LOC."),
        "changed_at": _translated(record.find(_tag("DateTimeStamp"))),
        "reason": reason.text if reason is not None else None,
    })
