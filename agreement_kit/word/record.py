"""Our own provenance part: a custom XML part (``customXml/itemN.xml``, root
``<agreementKit xmlns="urn:agreement-kit:record:1">``) holding, as JSON, what the build produced —
each clause's id, number, version, content hash, rendered-text hash and text, the anchor names, the
full values of properties Word made us shorten, and any text the template added of its own.

Word keeps custom XML parts through editing. The record lets ``audit`` tell standard text from
edited without the library at hand; with ``--draft`` the audit rebuilds the expected text instead
and trusts nothing in the returned file.
"""

from __future__ import annotations

import json
import re
from typing import Any

from lxml import etree

from .ooxml import parse_strict

RECORD_NS = "urn:agreement-kit:record:1"
RECORD_FORMAT = 1
CUSTOM_XML_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
PROPS_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"
PROPS_CT = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
DS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
ITEM_ID = "{6E1C9A52-4B0F-4C77-9A43-5A4B2D0E8B11}"


def record_xml(record: dict[str, Any]) -> bytes:
    root = etree.Element(f"{{{RECORD_NS}}}agreementKit", nsmap={None: RECORD_NS})
    root.set("format", str(RECORD_FORMAT))
    root.text = json.dumps(record, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _props_xml() -> bytes:
    root = etree.Element(f"{{{DS_NS}}}datastoreItem", nsmap={"ds": DS_NS})
    root.set(f"{{{DS_NS}}}itemID", ITEM_ID)
    refs = etree.SubElement(root, f"{{{DS_NS}}}schemaRefs")
    etree.SubElement(refs, f"{{{DS_NS}}}schemaRef").set(f"{{{DS_NS}}}uri", RECORD_NS)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=False)


def attach_record(document: Any, record: dict[str, Any]) -> None:
    """Add (or replace) the record part in a python-docx ``Document``."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    main = document.part
    for rel in list(main.rels.values()):
        is_ours = rel.reltype == CUSTOM_XML_RT and not rel.is_external
        if is_ours and _is_record(rel.target_part.blob):
            rel.target_part._blob = record_xml(record)
            return
    package = main.package
    taken = {str(p.partname) for p in package.iter_parts()}
    n = 1
    while f"/customXml/item{n}.xml" in taken:
        n += 1
    item = Part(PackURI(f"/customXml/item{n}.xml"), "application/xml", record_xml(record), package)
    props = Part(PackURI(f"/customXml/itemProps{n}.xml"), PROPS_CT, _props_xml(), package)
    item.relate_to(props, PROPS_RT)
    main.relate_to(item, CUSTOM_XML_RT)


def _is_record(blob: bytes) -> bool:
    try:
        return parse_strict(blob).tag == f"{{{RECORD_NS}}}agreementKit"
    except etree.XMLSyntaxError:
        return False


_ITEM = re.compile(r"^customXml/item\d+\.xml$")


def read_record(parts: dict[str, bytes]) -> dict[str, Any] | None:
    """The record of a built document, or None when it has none (or one we cannot read)."""
    for name, blob in parts.items():
        if _ITEM.match(name) and _is_record(blob):
            root = parse_strict(blob)
            try:
                data = json.loads(root.text or "")
            except ValueError:
                return None
            return data if isinstance(data, dict) else None
    return None
