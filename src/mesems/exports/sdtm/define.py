"""define.xml (Define-XML 2.0.0) describing the SDTM datasets mesems wrote, valid against the
shipped Define-XML 2.0 schema.

Per dataset an ItemGroupDef (domain, class, structure, purpose Tabulation, keys, the XPT file as
def:leaf); per variable an ItemDef (type, length from the data, label, origin, code list); per
code list the values the data use, sponsor extensions of extensible lists marked ExtendedValue.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from lxml import etree

from mesems import __version__
from mesems.exports.sdtm.model import Domain, Variable
from mesems.exports.sdtm.specs import DOMAINS
from mesems.exports.sdtm.terms import TERMS
from mesems.protocol import Protocol

ODM = "http://www.cdisc.org/ns/odm/v1.3"
DEF = "http://www.cdisc.org/ns/def/v2.0"
XLINK = "http://www.w3.org/1999/xlink"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CLASSES = {"Special-Purpose": "SPECIAL PURPOSE", "Events": "EVENTS", "Interventions": "INTERVENTIONS", "Findings": "FINDINGS"}
INTEGER_SUFFIXES = ("SEQ", "DY")


def _e(parent: etree._Element, tag: str, text: str | None = None, **attributes: str | None) -> etree._Element:
    namespace, _, local = tag.rpartition(":")
    qualified = f"{{{DEF}}}{local}" if namespace == "def" else f"{{{ODM}}}{tag}"
    element = etree.SubElement(parent, qualified, {k: v for k, v in attributes.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _description(parent: etree._Element, text: str) -> None:
    _e(_e(parent, "Description"), "TranslatedText", text, **{XML_LANG: "en"})


def _data_type(variable: Variable, column: pl.Series) -> tuple[str, int, int | None]:
    """ODM DataType, Length and SignificantDigits of a variable, from its values."""
    values = column.drop_nulls()
    if variable.type == "Char":
        if variable.name.endswith("DTC"):
            partial = bool(values.len()) and bool((values.str.len_chars() < 10).any())
            return ("partialDate" if partial else "date"), 10, None
        return "text", max(1, int(values.str.len_bytes().max() or 1)), None
    whole = values.len() == 0 or bool((values == values.round(0)).all())
    if whole and (variable.name.endswith(INTEGER_SUFFIXES) or variable.name == "AGE"):
        return "integer", max(1, len(str(int(values.abs().max() or 0)))), None
    fractions = values.round(10).cast(pl.String).str.split(".").list.get(1, null_on_oob=True).str.strip_chars_end("0")
    decimals = int(fractions.str.len_chars().max() or 0)
    return "float", max(1, len(f"{float(values.abs().max() or 0):.{decimals}f}")), decimals


def _item_group(version: etree._Element, domain: Domain, frame: pl.DataFrame) -> None:
    group = _e(
        version,
        "ItemGroupDef",
        OID=f"IG.{domain.code}",
        Domain=domain.code,
        Name=domain.code,
        Repeating="No" if domain.code == "DM" else "Yes",
        IsReferenceData="No",
        SASDatasetName=domain.code,
        Purpose="Tabulation",
        **{
            f"{{{DEF}}}Structure": domain.structure,
            f"{{{DEF}}}Class": CLASSES[domain.klass],
            f"{{{DEF}}}ArchiveLocationID": f"LF.{domain.code}",
        },
    )
    _description(group, domain.label)
    for number, variable in enumerate(domain.variables, start=1):
        key = domain.keys.index(variable.name) + 1 if variable.name in domain.keys else None
        _e(
            group,
            "ItemRef",
            ItemOID=f"IT.{domain.code}.{variable.name}",
            OrderNumber=str(number),
            Mandatory="Yes" if variable.core == "Req" else "No",
            KeySequence=str(key) if key else None,
            Role=variable.role,
        )
    leaf = _e(group, "def:leaf", ID=f"LF.{domain.code}", **{f"{{{XLINK}}}href": f"{domain.code.lower()}.xpt"})
    _e(leaf, "def:title", f"{domain.code.lower()}.xpt")


def _item(version: etree._Element, domain: Domain, variable: Variable, frame: pl.DataFrame) -> None:
    data_type, length, digits = _data_type(variable, frame[variable.name])
    item = _e(
        version,
        "ItemDef",
        OID=f"IT.{domain.code}.{variable.name}",
        Name=variable.name,
        SASFieldName=variable.name,
        DataType=data_type,
        Length=str(length) if data_type in ("text", "integer", "float") else None,
        SignificantDigits=str(digits) if digits is not None else None,
    )
    _description(item, variable.label)
    if variable.terms:
        _e(item, "CodeListRef", CodeListOID=f"CL.{domain.code}.{variable.name}")
    _e(item, "def:Origin", Type=variable.origin)


def _code_list(version: etree._Element, domain: Domain, variable: Variable, frame: pl.DataFrame) -> None:
    terms = TERMS[variable.terms or ""]
    used = sorted(set(frame[variable.name].drop_nulls().cast(pl.String).to_list()))
    values = used or list(terms.values)
    if not values:
        return
    code_list = _e(version, "CodeList", OID=f"CL.{domain.code}.{variable.name}", Name=f"{terms.name} ({domain.code}.{variable.name})", DataType="text")
    extended = set(terms.sponsor_extensions) | ({v for v in values if v not in terms.values} if terms.extensible else set())
    for number, value in enumerate(values, start=1):
        if terms.decodes and value in terms.values:
            element = _e(code_list, "CodeListItem", CodedValue=value, OrderNumber=str(number), **{f"{{{DEF}}}ExtendedValue": "Yes" if value in extended else None})
            _e(_e(element, "Decode"), "TranslatedText", terms.decodes[terms.values.index(value)], **{XML_LANG: "en"})
        else:
            _e(code_list, "EnumeratedItem", CodedValue=value, OrderNumber=str(number), **{f"{{{DEF}}}ExtendedValue": "Yes" if value in extended else None})


def define_document(datasets: dict[str, pl.DataFrame], protocol: Protocol, *, blinded: bool, created: dt.datetime) -> bytes:
    identity = protocol.identity
    root = etree.Element(
        f"{{{ODM}}}ODM",
        nsmap={None: ODM, "def": DEF, "xlink": XLINK},
        FileType="Snapshot",
        FileOID=f"DEFINE.{identity.id}.SDTM.{'BLINDED' if blinded else 'UNBLINDED'}",
        CreationDateTime=created.isoformat(timespec="seconds"),
        ODMVersion="1.3.2",
        Originator="mesems",
        SourceSystem="mesems",
        SourceSystemVersion=__version__,
    )
    study = _e(root, "Study", OID=f"ST.{identity.id}")
    variables = _e(study, "GlobalVariables")
    _e(variables, "StudyName", identity.id)
    _e(variables, "StudyDescription", identity.title)
    _e(variables, "ProtocolName", identity.official_title or identity.title)
    version = _e(
        study,
        "MetaDataVersion",
        OID=f"MDV.{identity.id}.SDTM",
        Name=f"{identity.id} SDTM datasets ({'blinded' if blinded else 'unblinded'})",
        Description="SDTMIG 3.2 datasets laid out as the CDISC Multiple Sclerosis user guide v1.0 where it applies",
        **{f"{{{DEF}}}DefineVersion": "2.0.0", f"{{{DEF}}}StandardName": "SDTM-IG", f"{{{DEF}}}StandardVersion": "3.2"},
    )
    present = [DOMAINS[code] for code in datasets]
    for domain in present:
        _item_group(version, domain, datasets[domain.code])
    for domain in present:
        for variable in domain.variables:
            _item(version, domain, variable, datasets[domain.code])
    for domain in present:
        for variable in domain.variables:
            if variable.terms:
                _code_list(version, domain, variable, datasets[domain.code])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
