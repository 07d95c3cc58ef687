"""Document properties: the core properties and the custom properties that record provenance
(clause pack, every clause id and version, the draft's SHA-256, the agreement-kit version, the date).

Word refuses a property value longer than 255 characters (a six-agency short title easily is), so a
longer value is shortened with a marker (:data:`SHORTENED`) and the full value kept in our own
provenance part (:mod:`.record`). Characters XML cannot hold never reach a property.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from docxtpl import DocxTemplate
from lxml import etree

from ..engine.assembly import Agreement, ClauseProvenance
from .views import DRAFT_MARK

CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
CLAUSE_PREFIX = "Clause: "
MAX_PROPERTY = 255  # characters Word accepts in a document property
SHORTENED = " [\u2026]"  # ends a shortened value: the full one is in the provenance part
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def fit_property(value: str) -> tuple[str, bool]:
    """``value`` as a property can hold it: characters XML 1.0 cannot hold replaced by U+FFFD, at
    most 255 characters (a longer value ends in :data:`SHORTENED`). Returns (text, shortened)."""
    text = _NOT_XML.sub("\ufffd", value)
    if len(text) <= MAX_PROPERTY:
        return text, False
    return text[: MAX_PROPERTY - len(SHORTENED)].rstrip() + SHORTENED, True


def clause_property(clause: ClauseProvenance) -> str:
    """``"1.0; sha256:…; wi-psl-sro"``: version, content hash and source pack of one clause."""
    return f"{clause.version}; {clause.hash}; {clause.pack}"


def provenance_properties(agreement: Agreement) -> dict[str, str | int | bool]:
    """The custom document properties written into every generated .docx."""
    prov = agreement.provenance
    props: dict[str, str | int | bool] = {
        "agreement-kit version": prov.tool_version,
        "Build date": prov.built,
        "Clause pack": prov.pack_id,
        "Clause pack version": prov.pack_version,
        "Overlay packs": ", ".join(prov.overlays),
        "Draft SHA-256": prov.draft_sha256,
        "Library hash": prov.library_hash,
        "Final": agreement.final,
        "Clause count": len(prov.clauses),
    }
    for clause in prov.clauses:
        props[f"{CLAUSE_PREFIX}{clause.id}"] = clause_property(clause)
    return props


def _custom_xml(
    props: dict[str, str | int | bool], existing: bytes | None, shortened: dict[str, str]
) -> bytes:
    root = etree.Element(f"{{{CUSTOM_NS}}}Properties", nsmap={None: CUSTOM_NS, "vt": VT_NS})
    kept = []
    if existing:
        try:
            old = etree.fromstring(existing)
            kept = [p for p in old if p.get("name") not in props]
        except etree.XMLSyntaxError:
            kept = []
    for element in kept:
        root.append(element)
    for name, value in props.items():
        prop = etree.SubElement(root, f"{{{CUSTOM_NS}}}property", fmtid=FMTID, name=name)
        if isinstance(value, bool):
            etree.SubElement(prop, f"{{{VT_NS}}}bool").text = "true" if value else "false"
        elif isinstance(value, int):
            etree.SubElement(prop, f"{{{VT_NS}}}i4").text = str(value)
        else:
            text, cut = fit_property(value)
            if cut:
                shortened[name] = value
            etree.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = text
    for pid, prop in enumerate(root, start=2):
        prop.set("pid", str(pid))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _set_properties(doc: DocxTemplate, agreement: Agreement) -> dict[str, str]:
    """Write the core and custom properties; returns the full values of those it had to shorten
    (property name -> value), for the provenance part."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    district = next((p.name for p in agreement.parties if p.role == "District"), "")
    built = dt.datetime.combine(dt.date.fromisoformat(agreement.provenance.built), dt.time())
    core = doc.docx.core_properties
    shortened: dict[str, str] = {}
    texts = {
        "title": agreement.title,
        "subject": agreement.short_title,
        "author": district,
        "last_modified_by": district,
        "keywords": "Wis. Stat. 66.0301; Policy 8407; " + agreement.program_title,
        "category": "Intergovernmental agreement",
        "comments": "Final" if agreement.final else DRAFT_MARK,
    }
    for name, value in texts.items():
        text, cut = fit_property(value)
        if cut:
            shortened[f"core:{name}"] = value
        setattr(core, name, text)
    core.created = built
    core.modified = built
    core.revision = 1

    package = doc.docx.part.package
    existing = next(
        (rel for rel in package.rels.values() if rel.reltype == CUSTOM_RT and not rel.is_external),
        None,
    )
    old_blob = existing.target_part.blob if existing else None
    blob = _custom_xml(provenance_properties(agreement), old_blob, shortened)
    if existing:
        existing.target_part._blob = blob
    else:
        part = Part(PackURI("/docProps/custom.xml"), CUSTOM_CT, blob, package)
        package.relate_to(part, CUSTOM_RT)
    return shortened


def read_custom_properties(docx: str | Path | bytes) -> dict[str, str]:
    """The custom properties of a .docx (e.g. to see which clause versions it was built from)."""
    import zipfile

    source = io.BytesIO(docx) if isinstance(docx, bytes) else docx
    with zipfile.ZipFile(source) as zf:
        try:
            data = zf.read("docProps/custom.xml")
        except KeyError:
            return {}
    root = etree.fromstring(data)
    return {p.get("name"): (p[0].text or "") if len(p) else "" for p in root}
