"""The XML schemas mesems validates against, shipped in the package (see NOTICE.md)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from lxml import etree

ODM_XSD = "odm-1.3.2/ODM1-3-2.xsd"
DEFINE_XSD = "define-2.0/cdisc-define-2.0/define2-0-0.xsd"


def schema_path(relative: str) -> Path:
    return Path(str(resources.files("mesems.exports.schemas").joinpath(relative)))


@cache
def schema(relative: str) -> etree.XMLSchema:
    """The compiled schema; imports resolve to the shipped files, never the network."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(schema_path(relative)), parser))


def parse_checked(document: Path, relative: str, *, limit: int = 200) -> tuple[etree._ElementTree | None, list[str]]:
    """The parsed document and every schema error of it as 'line N: message' (the first `limit`)."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False, huge_tree=True)
    try:
        tree = etree.parse(str(document), parser)
    except etree.XMLSyntaxError as exc:
        return None, [f"line {exc.lineno}: not well-formed XML: {exc.msg}"]
    except OSError as exc:
        return None, [f"cannot read {document}: {exc}"]
    checker = schema(relative)
    if checker.validate(tree):
        return tree, []
    return tree, [f"line {e.line}: {e.message}" for e in list(checker.error_log)[:limit]]


def schema_problems(document: Path, relative: str, *, limit: int = 200) -> list[str]:
    """Every schema error of a file as 'line N: message' (the first `limit` of them)."""
    return parse_checked(document, relative, limit=limit)[1]
