"""Templates are data, not programs: what a Word template may not carry into an agreement.

A district's own template (``--template``) is a file from outside, like a pack. Before anything
opens it as a Word document, :func:`package_problems` reads the zip's directory and refuses, naming
the part:

* **zip bombs and malformed packages**: more than :data:`MAX_MEMBERS` entries, an entry or a total
  larger than :data:`MAX_PART_BYTES` / :data:`MAX_TOTAL_BYTES` once uncompressed (decided from the
  declared sizes, before decompressing anything, then confirmed by streaming every entry through a
  small buffer, so memory stays bounded), duplicate or escaping entry names, a DTD or entity
  declarations in an XML part (XML entity bombs);
* **active content** that Word or LibreOffice would run or fetch when the agreement is opened:
  macros (``vbaProject.bin``, macro-enabled content types), ActiveX controls, OLE objects and
  embedded packages, ``altChunk`` imports, sub-documents, an attached template or any other
  relationship to an external target except a hyperlink, linked (not embedded) images, and fields
  that pull in other files or programs (``INCLUDETEXT``, ``INCLUDEPICTURE``, ``DDE``,
  ``DDEAUTO``, ``LINK``, ``IMPORT``, ``DATABASE``);
* **text the policy refuses** (:mod:`agreement_kit.textpolicy`) in the template's own words.

:func:`sanitise` then removes what a template may not decide for us: its own custom document
properties (the provenance properties are written by agreement-kit only; a template cannot pre-fill
"Reviewed by counsel") and core properties that would claim a status (content status, identifier,
version). :func:`tag_problems` refuses template tags that would bypass escaping or the sandbox
(``|safe``, ``{% autoescape false %}``, include/extends/import, recursive loops).

``template check`` and ``build`` both call these through
:func:`agreement_kit.word.template_check.check_template`, so they always agree.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import nodes
from lxml import etree

from ..engine.sandbox import (
    TEMPLATE_MAX_ITERATIONS,
    TEMPLATE_MAX_RANGE,
    constant_loop_passes,
    huge_constants,
)
from ..problems import Problem
from ..textpolicy import text_problem

MAX_TEMPLATE_BYTES = 50_000_000  # the .docx file itself
MAX_MEMBERS = 2_000
MAX_PART_BYTES = 30_000_000  # one entry, uncompressed
MAX_TOTAL_BYTES = 120_000_000  # all entries, uncompressed
_CHUNK = 1 << 20

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"

# Relationship types (last path segment) that are active content wherever they appear.
ACTIVE_RELATIONSHIPS = {
    "vbaProject": "macros (a VBA project)",
    "wordVbaData": "macros (VBA data)",
    "keyMapCustomizations": "macro key bindings",
    "attachedTemplate": "an attached template (Word fetches it when the agreement opens)",
    "aFChunk": "an imported document chunk (altChunk)",
    "oleObject": "an embedded or linked OLE object",
    "package": "an embedded package (another Office file)",
    "control": "an ActiveX control",
    "activeXControlBinary": "an ActiveX control",
    "subDocument": "a sub-document",
    "frame": "a frame that loads another document",
    "ui/extensibility": "a custom ribbon (it calls macros)",
    "extensibility": "a custom ribbon (it calls macros)",
}
ACTIVE_PARTS = (
    (re.compile(r"(^|/)vbaProject\.bin$", re.I), "macros (vbaProject.bin)"),
    (re.compile(r"(^|/)vbaData\.xml$", re.I), "macros (vbaData.xml)"),
    (re.compile(r"^word/activeX/", re.I), "an ActiveX control"),
    (re.compile(r"^word/embeddings/", re.I), "an embedded object"),
    (re.compile(r"^customUI/", re.I), "a custom ribbon (it calls macros)"),
)
ACTIVE_CONTENT_TYPES = ("macroEnabled", "vbaProject", "vbaData", "activeX", "oleObject")
ACTIVE_ELEMENTS = {
    f"{{{W}}}altChunk": "an imported document chunk (altChunk)",
    f"{{{W}}}object": "an embedded or linked OLE object",
    f"{{{W}}}control": "an ActiveX control",
    f"{{{W}}}subDoc": "a sub-document",
    "{urn:schemas-microsoft-com:office:office}OLEObject": "an OLE object",
}
FIELD_CODES = (
    "INCLUDETEXT",
    "INCLUDEPICTURE",
    "INCLUDE",
    "DDEAUTO",
    "DDE",
    "LINK",
    "IMPORT",
    "DATABASE",
)
_FIELD = re.compile(r"^\s*(" + "|".join(FIELD_CODES) + r")\b", re.I)
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.I)
PROVENANCE_CORE = ("content_status", "identifier", "version")
_HINT_ACTIVE = (
    "remove it in Word and save as a plain .docx (File > Save As > Word Document), or start from "
    "the bundled template; agreements must not carry content that runs or fetches anything"
)


def _problem(
    path: Path, part: str | None, message: str, hint: str | None = None, **kw: Any
) -> Problem:
    return Problem(
        message, file=str(path), field=part, hint=hint, code=kw.pop("code", "template-unsafe"), **kw
    )


# ----------------------------------------------------------------------------- the package


def package_problems(path: str | Path) -> list[Problem]:
    """What makes ``path`` unsafe to open or to copy into an agreement (empty: nothing).

    Reads the zip directory first and decompresses nothing that its declared sizes rule out;
    memory stays bounded by :data:`_CHUNK` plus the largest XML part allowed."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        return [
            _problem(
                path, None, f"cannot read the template: {exc.strerror}", code="template-unreadable"
            )
        ]
    if size > MAX_TEMPLATE_BYTES:
        return [
            _problem(
                path,
                None,
                f"the template is {size:,} bytes; the most allowed is {MAX_TEMPLATE_BYTES:,}",
            )
        ]
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        return [
            Problem(
                f"not a Word (.docx) file: {exc}",
                file=str(path),
                hint="save it as .docx",
                code="template-unreadable",
            )
        ]
    with zf:
        problems = _directory_problems(path, zf)
        if problems:
            return problems
        problems = _content_problems(path, zf)
    return problems


def _directory_problems(path: Path, zf: zipfile.ZipFile) -> list[Problem]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        return [
            _problem(
                path,
                None,
                f"the template has {len(infos):,} parts; a Word document has a few dozen",
            )
        ]
    out: list[Problem] = []
    names: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        pure = PurePosixPath(name)
        if name in names:
            out.append(
                _problem(
                    path,
                    name,
                    "this part appears twice in the zip; Word and agreement-kit could read different copies",
                )
            )
        names.add(name)
        if pure.is_absolute() or ".." in pure.parts or "\\" in name:
            out.append(_problem(path, name, "this part's name points outside the package"))
        if info.flag_bits & 0x1:
            out.append(_problem(path, name, "this part is encrypted"))
        if info.file_size > MAX_PART_BYTES:
            out.append(
                _problem(
                    path,
                    name,
                    f"this part is {info.file_size:,} bytes uncompressed (from {info.compress_size:,} "
                    f"in the file); the most allowed is {MAX_PART_BYTES:,}",
                    "this looks like a zip bomb, not a Word template",
                    code="template-zip-bomb",
                )
            )
        total += info.file_size
    if total > MAX_TOTAL_BYTES and not out:
        out.append(
            _problem(
                path,
                None,
                f"the template's parts add up to {total:,} bytes uncompressed; the most allowed is "
                f"{MAX_TOTAL_BYTES:,}",
                "this looks like a zip bomb, not a Word template",
                code="template-zip-bomb",
            )
        )
    if "word/document.xml" not in names and not out:
        out.append(
            Problem(
                "not a Word document (no word/document.xml)",
                file=str(path),
                code="template-unreadable",
            )
        )
    return out


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, keep: bool) -> bytes | None:
    """Read one entry in chunks, never more than it declares (zipfile stops there and checks the
    CRC), keeping the bytes only when ``keep``."""
    kept: list[bytes] = []
    read = 0
    with zf.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            read += len(chunk)
            if read > info.file_size:  # pragma: no cover - zipfile enforces this itself
                raise zipfile.BadZipFile("an entry holds more than it declares")
            if keep:
                kept.append(chunk)
    return b"".join(kept) if keep else None


def _content_problems(path: Path, zf: zipfile.ZipFile) -> list[Problem]:
    out: list[Problem] = []
    for info in zf.infolist():
        name = info.filename
        for pattern, what in ACTIVE_PARTS:
            if pattern.search(name):
                out.append(
                    _problem(
                        path,
                        name,
                        f"the template contains {what}",
                        _HINT_ACTIVE,
                        code="template-active",
                    )
                )
        is_xml = name.endswith((".xml", ".rels"))
        try:
            data = _stream(zf, info, keep=is_xml)
        except (zipfile.BadZipFile, OSError, EOFError, zlib_error()) as exc:
            out.append(
                _problem(
                    path,
                    name,
                    f"this part is damaged or holds more than it declares ({exc})",
                    code="template-zip-bomb",
                )
            )
            continue
        if not is_xml or data is None:
            continue
        if _DTD.search(data):
            out.append(
                _problem(
                    path,
                    name,
                    "this part declares a DTD or entities, which Word documents never do",
                )
            )
            continue
        try:
            root = etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as exc:
            out.append(_problem(path, name, f"the XML does not parse: {exc}"))
            continue
        if name == "[Content_Types].xml":
            out += _content_type_problems(path, name, root)
        elif name.endswith(".rels"):
            out += _relationship_problems(path, name, root)
        elif name.startswith("word/"):
            out += _part_problems(path, name, root)
    return out


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def _content_type_problems(path: Path, name: str, root: Any) -> list[Problem]:
    out = []
    for element in root:
        kind = element.get("ContentType") or ""
        if any(marker.lower() in kind.lower() for marker in ACTIVE_CONTENT_TYPES):
            part = element.get("PartName") or element.get("Extension") or name
            out.append(
                _problem(
                    path,
                    part.lstrip("/"),
                    f"the template declares active content ({kind})",
                    _HINT_ACTIVE,
                    code="template-active",
                )
            )
    return out


def _relationship_problems(path: Path, name: str, root: Any) -> list[Problem]:
    out = []
    owner = _owner(name)
    for rel in root:
        kind = (rel.get("Type") or "").rsplit("/relationships/", 1)[-1]
        external = (rel.get("TargetMode") or "").lower() == "external"
        target = rel.get("Target") or ""
        what = ACTIVE_RELATIONSHIPS.get(kind)
        if what:
            out.append(
                _problem(
                    path,
                    owner,
                    f"the template contains {what}" + (f" ({_short(target)})" if target else ""),
                    _HINT_ACTIVE,
                    code="template-active",
                )
            )
        elif external and kind != "hyperlink":
            label = "a linked image" if kind == "image" else f"a link of type '{kind}'"
            out.append(
                _problem(
                    path,
                    owner,
                    f"the template contains {label} to an outside file ({_short(target)}), which Word "
                    "fetches when the agreement is opened",
                    "insert the picture or content into the document itself (not as a link)",
                    code="template-active",
                )
            )
    return out


def _owner(rels_name: str) -> str:
    """'word/_rels/settings.xml.rels' -> 'word/settings.xml' (the part whose links these are)."""
    folder, _, file = rels_name.rpartition("_rels/")
    return (folder + file.removesuffix(".rels")) or rels_name


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _part_problems(path: Path, name: str, root: Any) -> list[Problem]:
    out: list[Problem] = []
    seen: set[str] = set()
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        what = ACTIVE_ELEMENTS.get(tag)
        if what and what not in seen:
            seen.add(what)
            out.append(
                _problem(
                    path,
                    name,
                    f"the template contains {what}",
                    _HINT_ACTIVE,
                    code="template-active",
                )
            )
        for attribute, value in element.attrib.items():
            if (
                attribute in (f"{{{R_NS}}}link", "{urn:schemas-microsoft-com:office:office}href")
                and value
            ) and "linked image" not in seen:
                seen.add("linked image")
                out.append(
                    _problem(
                        path,
                        name,
                        "the template contains a linked image (fetched from outside when the "
                        "agreement is opened)",
                        "insert the picture itself instead of a link to it",
                        code="template-active",
                    )
                )
    # Field codes: instructions may be split across runs, so read them per paragraph and whole.
    instructions: list[str] = []
    for paragraph in root.iter(f"{{{W}}}p"):
        code = "".join(t.text or "" for t in paragraph.iter(f"{{{W}}}instrText"))
        instructions += [
            c for c in re.split(r"(?=\b(?:" + "|".join(FIELD_CODES) + r")\b)", code) if c
        ]
        instructions += [s.get(f"{{{W}}}instr") or "" for s in paragraph.iter(f"{{{W}}}fldSimple")]
        if "{" in code and re.search(r"\{[{%]", code):
            out.append(
                _problem(
                    path,
                    name,
                    "a template tag is inside a Word field code, where an answer would become a "
                    "field instruction",
                    "move the tag out of the field",
                )
            )
    for instruction in instructions:
        match = _FIELD.match(instruction)
        if match:
            out.append(
                _problem(
                    path,
                    name,
                    f"the template contains a {match.group(1).upper()} field "
                    f"(\u201c{_short(' '.join(instruction.split()), 60)}\u201d), which pulls in "
                    "another file or program when the agreement is opened",
                    "delete the field (select it, Shift+F9 shows its code) and type the text in",
                    code="template-active",
                )
            )
    out += _unseen_text_problems(path, name, root)
    # The template's own words pass the same text policy as packs and drafts.
    if name.rsplit("/", 1)[-1].startswith(
        ("document", "header", "footer", "footnotes", "endnotes")
    ):
        for number, paragraph in enumerate(root.iter(f"{{{W}}}p"), start=1):
            text = "".join(t.text or "" for t in paragraph.iter(f"{{{W}}}t"))
            message = text_problem(text) if text else None
            if message:
                out.append(
                    _problem(
                        path,
                        f"{name}, paragraph {number}",
                        f"the text {message}",
                        code="template-text",
                    )
                )
    return list(dict.fromkeys(out))


# Formatting that keeps text from the reader: the build's self-check finds the clause text in the
# XML, but Word would not show or print it (hidden), or it would read as deleted (struck through),
# invisible (white) or unreadable (under 6 points). A template may style an agreement; it may not
# make part of it disappear from the page.
_OFF = ("0", "false", "off", "none")
_TEXT_PARTS = ("document", "header", "footer", "footnotes", "endnotes", "styles", "numbering")
MIN_HALF_POINTS = 12  # 6 pt


def _shaded(*elements: Any) -> bool:
    """Whether any of the property elements gives the text a coloured background."""
    for element in elements:
        if element is None:
            continue
        for shd in element.iter(f"{{{W}}}shd", f"{{{W}}}highlight"):
            fill = (shd.get(f"{{{W}}}fill") or shd.get(f"{{{W}}}val") or "").lower()
            if fill not in ("", "auto", "ffffff", "none", "white", "clear"):
                return True
    return False


def _unseen(rpr: Any, shaded: bool = False) -> str | None:
    """Why text with the run properties ``rpr`` cannot be seen as it is (None: it can). White
    text on a coloured background (``shaded``: a table heading row) is readable."""
    for child in rpr:
        tag = child.tag if isinstance(child.tag, str) else ""
        local = tag.rsplit("}", 1)[-1]
        value = (child.get(f"{{{W}}}val") or "").lower()
        if local in ("vanish", "specVanish") and value not in _OFF:
            return "hidden text (Word neither shows nor prints it)"
        if local in ("strike", "dstrike") and value not in _OFF:
            return "struck-through text (it reads as deleted)"
        if (
            local == "color"
            and not shaded
            and (
                value == "ffffff"
                or (child.get(f"{{{W}}}themeColor") or "").lower() in ("background1", "light1")
            )
        ):
            return "white text (invisible on the page)"
        if local in ("sz", "szCs") and value.isdigit() and int(value) < MIN_HALF_POINTS:
            return f"text of {int(value) / 2:g} points (too small to read)"
    return None


def _unseen_text_problems(path: Path, name: str, root: Any) -> list[Problem]:
    stem = name.rsplit("/", 1)[-1]
    if not name.startswith("word/") or not stem.startswith(_TEXT_PARTS):
        return []
    hint = (
        "remove that formatting in Word (Home > Font: Hidden, Strikethrough, white colour, size), "
        "or in the style it comes from"
    )
    out: list[Problem] = []
    seen: set[tuple[str, str]] = set()

    def add(where: str, why: str) -> None:
        if (where, why) not in seen and len(out) < 20:
            seen.add((where, why))
            out.append(
                _problem(
                    path,
                    where,
                    f"the template formats text as {why}; every word of an agreement must be "
                    "readable on the page",
                    hint,
                    code="template-hidden-text",
                )
            )

    if stem.startswith(("styles", "numbering")):
        for rpr in root.iter(f"{{{W}}}rPr"):
            parent = rpr.getparent()
            if parent is None or parent.tag == f"{{{W}}}pPr":
                continue
            owner = next(
                (a for a in rpr.iterancestors() if a.tag in (f"{{{W}}}style", f"{{{W}}}lvl")),
                None,
            )
            # table styles put white text on the shaded rows and columns they define
            table = owner is not None and owner.get(f"{{{W}}}type") == "table"
            why = _unseen(rpr, shaded=table or _shaded(owner, parent))
            if why:
                label = owner.get(f"{{{W}}}styleId") if owner is not None else None
                add(f"{name}, style {label}" if label else name, why)
        return out
    for number, paragraph in enumerate(root.iter(f"{{{W}}}p"), start=1):
        for run in paragraph.iter(f"{{{W}}}r"):
            rpr = run.find(f"{{{W}}}rPr")
            if rpr is None or not "".join(t.text or "" for t in run.iter(f"{{{W}}}t")).strip():
                continue
            cell = next((a for a in paragraph.iterancestors() if a.tag == f"{{{W}}}tc"), None)
            shaded = _shaded(rpr, paragraph.find(f"{{{W}}}pPr"), cell)
            why = _unseen(rpr, shaded=shaded)
            if why:
                add(f"{name}, paragraph {number}", why)
    return out


# ----------------------------------------------------------------------------- tags


def tag_problems(ast: nodes.Template) -> list[tuple[int, str, str]]:
    """(line, message, hint) for template tags the sandbox refuses: ``safe`` and other ways around
    escaping, include/extends/import, recursive loops."""
    out: list[tuple[int, str, str]] = []
    for node in ast.find_all(nodes.Filter):
        if node.name in ("safe", "forceescape"):
            out.append(
                (
                    node.lineno,
                    f"the |{node.name} filter is not allowed in templates",
                    "answers are always escaped so that they come out exactly as typed; remove |safe",
                )
            )
    for modifier in ast.find_all((nodes.ScopedEvalContextModifier, nodes.EvalContextModifier)):
        for keyword in modifier.options:
            if keyword.key == "autoescape":
                out.append(
                    (
                        modifier.lineno,
                        "autoescape blocks are not allowed in templates",
                        "answers are always escaped; remove the {% autoescape %} block",
                    )
                )
    for loader in ast.find_all((nodes.Include, nodes.Extends, nodes.Import, nodes.FromImport)):
        word = type(loader).__name__.lower().replace("fromimport", "from ... import")
        out.append(
            (
                loader.lineno,
                f"'{word}' is not allowed in templates (a template cannot load other files)",
                "put everything in the one template",
            )
        )
    for loop in ast.find_all(nodes.For):
        if loop.recursive:
            out.append(
                (loop.lineno, "recursive loops are not allowed in templates", "use nested loops")
            )
    for call in ast.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == "lipsum":
            out.append((call.lineno, "lipsum() is not available in templates", "type the text"))
    for line, message in huge_constants(ast, TEMPLATE_MAX_RANGE, "a template"):
        out.append((line, message, "templates print the agreement; they do not need large numbers"))
    for line, message in constant_loop_passes(ast, TEMPLATE_MAX_ITERATIONS, "a template"):
        out.append((line, message, "loop over the agreement's parts, not over large ranges"))
    return out


# ----------------------------------------------------------------------------- sanitising


def custom_property_names(docx: Any) -> list[str]:
    """Names of the custom document properties a loaded python-docx Document carries."""
    part = _custom_part(docx)
    if part is None:
        return []
    try:
        root = etree.fromstring(part.blob, _PARSER)
    except etree.XMLSyntaxError:
        return ["(unreadable custom properties)"]
    return [p.get("name") or "" for p in root]


def _custom_part(docx: Any) -> Any:
    package = docx.part.package
    for rel in package.rels.values():
        if rel.reltype.endswith("/custom-properties") and not rel.is_external:
            return rel.target_part
    return None


def sanitise(docx: Any) -> list[str]:
    """Remove from a loaded template (python-docx Document) what only agreement-kit may write:
    its custom properties (provenance) and core properties that would claim a status. Returns
    what was removed, for the report."""
    removed: list[str] = []
    package = docx.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/custom-properties") and not rel.is_external:
            removed += [f"custom property '{n}'" for n in custom_property_names(docx)]
            package.rels.pop(rel_id)
    core = docx.core_properties
    for name in PROVENANCE_CORE:
        if getattr(core, name, ""):
            removed.append(f"core property '{name}'")
            setattr(core, name, "")
    return removed


def sanitise_warnings(path: Path) -> list[Problem]:
    """What :func:`sanitise` will remove from the template at ``path``, as warnings."""
    from docx import Document

    try:
        docx = Document(str(path))
    except Exception:  # reported elsewhere as not a Word document
        return []
    return [
        Problem(
            f"the template's {what} will be removed: agreement-kit writes the document's "
            "provenance properties itself",
            file=str(path),
            field="docProps",
            hint="delete it from the template (File > Info > Properties) to silence this",
            severity="warning",
            code="template-property",
        )
        for what in sanitise(docx)
    ]
