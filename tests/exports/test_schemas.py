"""The shipped schemas are the published files, byte for byte, and load without a network."""

from __future__ import annotations

import hashlib

from mesems.exports.schemas import DEFINE_XSD, ODM_XSD, schema, schema_path

SHA256 = {
    "odm-1.3.2/ODM1-3-2-foundation.xsd": "3f94ee334d63757430054d160990e3ad4588400a35c5b06f8dba6302b317764c",
    "odm-1.3.2/ODM1-3-2.xsd": "ebc22b9eceb41db5e2af500182e3a5dfa20c8ec4aea711ddf22c978a62643fc5",
    "odm-1.3.2/xlink.xsd": "e4b134b25c547bc74808bbcc0818febd2f4a58b759556443999365ec4d53d594",
    "odm-1.3.2/xml.xsd": "258ac9c0f078fc9692735140f2d21541e8bf16941bed42833c1a5f965b52c6dc",
    "odm-1.3.2/xmldsig-core-schema.xsd": "111a972ccb9916cb95df9af4b6c1775307292463639de69d6fe63516bb2d850e",
    "define-2.0/cdisc-define-2.0/define-extension.xsd": "8077b446583fb86b68cd414346184f116b7a89de4d5fe7676e57901233e5f1f0",
    "define-2.0/cdisc-define-2.0/define-ns.xsd": "60467fe6d4b3fe0eb7b92a54be49b48fc5faa73d94248b6452d932315fd1124d",
    "define-2.0/cdisc-define-2.0/define2-0-0.xsd": "555139b7f5920971cdb55734f0bf89fa9ebe0d82679b5e7a94cb8e541825116a",
    "define-2.0/cdisc-odm-1.3.2/ODM1-3-2-foundation.xsd": "22d990225a866f070dbea5e05d61405a53445f281ef44e5526e8cd6aca89c2c8",
    "define-2.0/cdisc-odm-1.3.2/ODM1-3-2.xsd": "ebc22b9eceb41db5e2af500182e3a5dfa20c8ec4aea711ddf22c978a62643fc5",
}


def test_schemas_are_unchanged_copies() -> None:
    for relative, digest in SHA256.items():
        assert hashlib.sha256(schema_path(relative).read_bytes()).hexdigest() == digest, relative


def test_licence_and_notice_travel_with_the_schemas() -> None:
    assert "MIT License" in schema_path("odm-1.3.2/LICENSE").read_text()
    notice = schema_path("NOTICE.md").read_text()
    assert "cdisc-org/DataExchange-ODM" in notice and "Define-XML 2.0" in notice


def test_schemas_compile_offline() -> None:
    assert schema(ODM_XSD) is not None and schema(DEFINE_XSD) is not None
