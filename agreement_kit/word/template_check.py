"""``agreement-kit template check``: what in a Word template would break a render, before it happens.

Word stores what looks like one tag as several XML runs when formatting, proofing marks or editing
sessions touch it; AutoFormat turns straight quotes into curly ones; tracked changes and footnotes put
text where the renderer does not look. This module reads every part of a .docx that holds text and
reports, for each problem, the part (``word/document.xml``, ``word/header1.xml``...), the paragraph
number and its text:

* tags split across Word runs, and tags not closed in the paragraph where they open;
* curly quotes inside tags;
* paragraph/row/cell/run control tags (``{%p %}``, ``{%tr %}``, ``{%tc %}``, ``{%r %}``) that share
  their paragraph, row, cell or run with another tag (or with text, which the render removes);
* tags inside tracked changes (``w:ins``/``w:del``), footnotes, endnotes or comments;
* malformed Jinja (unclosed blocks, bad syntax, unknown filters);
* variables that the template context (:func:`agreement_kit.render.context_schema`) does not provide.
"""

from __future__ import annotations

import difflib
import functools
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from ..engine.sandbox import make_template_environment
from ..engine.templating import bound_names, name_chain
from ..problems import Problem
from .template_safety import package_problems, sanitise_warnings, tag_problems

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
OPEN = re.compile(r"\{\{|\{%|\{#")
CONTROL = re.compile(r"^\{(?:%|\{)-?(p|tr|tc|r)\s")
CURLY = "\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f"
TRACKED = {f"{{{W}}}{name}": name for name in ("ins", "del", "moveFrom", "moveTo")}
UNFILLED = {"footnotes": "footnotes", "endnotes": "endnotes", "comments": "comments"}
CONTAINER = {"p": "paragraph", "tr": "table row", "tc": "table cell", "r": "run"}
OPENERS = {"for", "if", "macro", "call", "filter", "with", "block", "raw", "autoescape"}
LOCAL = "<local>"
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@dataclass
class Tag:
    text: str
    part: str
    paragraph: int  # 1-based, in document order within the part
    paragraph_text: str
    runs: int  # how many Word runs the tag's characters come from
    tracked: str | None  # "ins"/"del"/... when inside a tracked change
    control: str | None  # "p", "tr", "tc", "r" for docxtpl's special tags
    row: Any = None
    cell: Any = None
    run: Any = None


@dataclass
class PartScan:
    name: str
    tags: list[Tag] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


class _Checker:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(self, part: str, paragraph: int | None, message: str, hint: str | None = None) -> None:
        where = part if paragraph is None else f"{part}, paragraph {paragraph}"
        self.problems.append(Problem(message, file=str(self.path), field=where, hint=hint))

    def tag_problem(self, tag: Tag, message: str, hint: str | None = None) -> None:
        self.add(
            tag.part,
            tag.paragraph,
            f"{message} (paragraph: \u201c{_short(tag.paragraph_text)}\u201d)",
            hint,
        )


# ----------------------------------------------------------------------------- reading the parts


def _ancestor(element: Any, local: str) -> Any:
    parent = element.getparent()
    while parent is not None:
        if parent.tag == f"{{{W}}}{local}":
            return parent
        parent = parent.getparent()
    return None


def _tracked(element: Any) -> str | None:
    parent = element.getparent()
    while parent is not None:
        if parent.tag in TRACKED:
            return TRACKED[parent.tag]
        parent = parent.getparent()
    return None


def _scan_part(name: str, root: Any, checker: _Checker) -> list[Tag]:
    tags: list[Tag] = []
    text_tags = {f"{{{W}}}t", f"{{{W}}}delText"}
    for number, paragraph in enumerate(root.iter(f"{{{W}}}p"), start=1):
        pieces = [e for e in paragraph.iter() if e.tag in text_tags and e.text]
        # nested paragraphs (text boxes) are scanned on their own
        pieces = [e for e in pieces if _ancestor(e, "p") is paragraph]
        if not pieces:
            continue
        owners: list[Any] = []
        text = ""
        for element in pieces:
            text += element.text
            owners += [element] * len(element.text)
        if "{" not in text:
            continue
        for match in TAG.finditer(text):
            elements = list(dict.fromkeys(owners[match.start() : match.end()]))
            runs = list(dict.fromkeys(_ancestor(e, "r") for e in elements))
            tracked = next((t for t in (_tracked(e) for e in elements) if t), None)
            control = CONTROL.match(match.group(0))
            tags.append(
                Tag(
                    text=match.group(0),
                    part=name,
                    paragraph=number,
                    paragraph_text=text,
                    runs=len(runs),
                    tracked=tracked,
                    control=control.group(1) if control else None,
                    row=_ancestor(paragraph, "tr"),
                    cell=_ancestor(paragraph, "tc"),
                    run=runs[0] if len(runs) == 1 else None,
                )
            )
        rest = TAG.sub("", text)
        for match in OPEN.finditer(rest):
            checker.add(
                name,
                number,
                f"a tag opens with '{match.group(0)}' but does not close in the same paragraph "
                f"(paragraph: \u201c{_short(text)}\u201d)",
                "a tag must start and end in one paragraph; to print braces, write {_{ or {_%",
            )
            break
    return tags


def _parts(path: Path, checker: _Checker) -> list[tuple[str, Any]]:
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        checker.problems.append(
            Problem(f"not a Word (.docx) file: {exc}", file=str(path), hint="save it as .docx")
        )
        return []
    out = []
    with zf:
        names = zf.namelist()
        if "word/document.xml" not in names:
            checker.problems.append(
                Problem("not a Word document (no word/document.xml)", file=str(path))
            )
            return []
        for name in names:
            base = name.rsplit("/", 1)[-1]
            if not (name.startswith("word/") and name.endswith(".xml")):
                continue
            if not re.match(
                r"(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$", base
            ):
                continue
            try:
                root = etree.fromstring(zf.read(name), _SAFE_PARSER)
            except etree.XMLSyntaxError as exc:
                checker.add(name, None, f"the XML does not parse: {exc}")
                continue
            out.append((name, root))
    order = {"document": 0, "header": 1, "footer": 2}
    return sorted(
        out, key=lambda item: (order.get(re.sub(r"\d|\.xml|word/", "", item[0]), 3), item[0])
    )


# ----------------------------------------------------------------------------- per-tag rules


def _check_tags(tags: list[Tag], checker: _Checker) -> None:
    for tag in tags:
        if tag.runs > 1:
            checker.tag_problem(
                tag,
                f"the tag {tag.text} is split across {tag.runs} Word runs",
                "Word split it (formatting, spelling marks or edits inside the tag): select the "
                "whole tag, delete it and type it again in one go, with one formatting",
            )
        curly = sorted({c for c in tag.text if c in CURLY})
        if curly:
            checker.tag_problem(
                tag,
                f"the tag {tag.text} contains curly quotes ({' '.join(curly)})",
                "Word's AutoFormat typed them: use straight quotes (' or \") inside tags, or "
                "avoid quoted text in tags",
            )
        if tag.tracked:
            kind = "deletion" if tag.tracked in ("del", "moveFrom") else "insertion"
            checker.tag_problem(
                tag,
                f"the tag {tag.text} is inside a tracked {kind}",
                "accept or reject all tracked changes (Review > Accept All Changes) and save",
            )
        kind = tag.part.rsplit("/", 1)[-1].removesuffix(".xml")
        if kind in UNFILLED:
            checker.tag_problem(
                tag,
                f"the tag {tag.text} is in the {UNFILLED[kind]}, which agreement-kit does not fill",
                "move the tag into the body, a header or a footer",
            )
        inner = re.sub(r"^\{(%|\{)-?(p|tr|tc|r)\s", "", tag.text)[:-2].rstrip("-")
        if tag.control and re.search(r"[%}]", inner):
            checker.tag_problem(
                tag,
                f"the {{%{tag.control} %}} tag {tag.text} contains '%' or '}}', which docxtpl cannot read",
                "compute the value in Python (the template context) instead",
            )


def _check_sharing(tags: list[Tag], checker: _Checker) -> None:
    for kind in ("p", "tr", "tc", "r"):
        groups: dict[Any, list[Tag]] = {}
        for tag in tags:
            if kind == "p":
                key = (tag.part, tag.paragraph)
            else:
                key = {"tr": tag.row, "tc": tag.cell, "r": tag.run}[kind]
            if key is None:
                if tag.control == kind and kind in ("tr", "tc"):
                    checker.tag_problem(
                        tag,
                        f"the tag {tag.text} is not inside a table {CONTAINER[kind].split()[-1]}",
                        f"{{%{kind} %}} tags go in a table; outside tables use {{%p %}} or {{% %}}",
                    )
                continue
            groups.setdefault(key, []).append(tag)
        for group in groups.values():
            controls = [t for t in group if t.control == kind]
            if not controls:
                continue
            others = [t for t in group if t is not controls[0]]
            if others:
                checker.tag_problem(
                    controls[0],
                    f"the {{%{kind} %}} tag {controls[0].text} shares its {CONTAINER[kind]} with "
                    + ", ".join(t.text for t in others[:3]),
                    f"put each {{%{kind} %}} tag in a {CONTAINER[kind]} of its own",
                )
            elif kind == "p":
                leftover = TAG.sub("", controls[0].paragraph_text).strip()
                if leftover:
                    checker.tag_problem(
                        controls[0],
                        f"the paragraph of {controls[0].text} also holds text "
                        f"(\u201c{_short(leftover, 40)}\u201d), which the render removes",
                        "keep {%p %} tags alone in their paragraph",
                    )


# ----------------------------------------------------------------------------- Jinja structure


def _environment() -> SandboxedEnvironment:
    """The render's own sandbox, so that a filter or global the build refuses is refused here."""
    return make_template_environment()


def _jinja_source(tag: str) -> str:
    """The tag as docxtpl gives it to Jinja: '{%p if x %}' -> '{% if x %}', quotes straightened."""
    tag = re.sub(r"^\{(%|\{)(-?)(?:p|tr|tc|r)\s", r"{\1\2 ", tag)
    for curly, straight in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"')):
        tag = tag.replace(curly, straight)
    return tag.replace("\n", " ")


def _block_word(tag: str) -> str | None:
    if not tag.startswith("{%"):
        return None
    inner = tag[2:-2].strip("-+ \t")
    inner = re.sub(r"^(p|tr|tc|r)\s+", "", inner)
    word = inner.split(None, 1)[0] if inner.split() else ""
    return word


def _check_blocks(tags: list[Tag], checker: _Checker) -> bool:
    """Match for/endfor, if/endif... and report what is unclosed or unexpected. True when balanced."""
    stack: list[tuple[str, Tag]] = []
    ok = True
    for tag in tags:
        word = _block_word(tag.text)
        if not word:
            continue
        if word in OPENERS or (word == "set" and "=" not in tag.text):
            stack.append((word if word != "set" else "set", tag))
        elif word.startswith("end"):
            opener = word[3:]
            if stack and stack[-1][0] == opener:
                stack.pop()
                continue
            ok = False
            expected = f"{{% end{stack[-1][0]} %}} for {stack[-1][1].text}" if stack else "nothing"
            checker.tag_problem(tag, f"unexpected {tag.text}: the open block expects {expected}")
            if any(o == opener for o, _ in stack):
                while stack and stack[-1][0] != opener:
                    stack.pop()
                stack.pop()
        elif word in ("else", "elif") and (not stack or stack[-1][0] not in ("if", "for")):
            ok = False
            checker.tag_problem(tag, f"{tag.text} is not inside an {{% if %}} or {{% for %}} block")
    for word, tag in stack:
        ok = False
        checker.tag_problem(
            tag,
            f"{tag.text} is never closed: add {{%{tag.control or ''} end{word} %}}"
            + (" in the same part" if tag.part != "word/document.xml" else ""),
        )
    return ok


def _parse(tags: list[Tag], checker: _Checker) -> Any:
    """The part's tags as one Jinja template (one tag a line, so a line number names the tag)."""
    env = _environment()
    source = "\n".join(_jinja_source(t.text) for t in tags)

    def report(exc: TemplateSyntaxError) -> None:
        tag = tags[min(max(exc.lineno or 1, 1), len(tags)) - 1]
        checker.tag_problem(tag, f"Jinja cannot read {tag.text}: {exc.message}")

    try:
        ast = env.parse(source)
    except TemplateSyntaxError as exc:
        report(exc)
        return None
    refused = tag_problems(ast)
    for line, message, hint in refused:
        tag = tags[min(max(line, 1), len(tags)) - 1]
        checker.tag_problem(tag, f"{tag.text}: {message}", hint)
    if refused:
        return None
    try:
        env.compile(ast)  # unknown filters and tests are found here
    except TemplateSyntaxError as exc:
        report(exc)
    return ast


def _too_deep(part: str, tags: list[Tag], checker: _Checker) -> None:
    """Name the tag (or, failing that, the part) whose expression nests too deeply to read."""
    message = "nests brackets or expressions too deeply to be read"
    hint = "write the expression without hundreds of nested brackets"
    env = _environment()
    found = False
    for tag in tags:
        if not tag.text.startswith("{{"):
            continue
        try:
            env.parse(_jinja_source(tag.text))
        except RecursionError:
            checker.tag_problem(tag, f"{_short(tag.text)} {message}", hint)
            found = True
        except TemplateSyntaxError:
            continue
    if not found:
        checker.add(part, None, f"a tag in this part {message}", hint)


# ----------------------------------------------------------------------------- variables


def _uses(ast: nodes.Template) -> list[tuple[tuple[str, ...], int]]:
    """Every variable path the template reads, with the line (= tag index + 1) that reads it."""
    found: list[tuple[tuple[str, ...], int]] = []

    def visit(node: nodes.Node, scope: dict[str, tuple[str, ...]]) -> None:
        if isinstance(node, nodes.For):
            visit(node.iter, scope)
            path, _ = name_chain(node.iter, scope)
            inner = dict(scope)
            inner["loop"] = (LOCAL,)
            for name in bound_names(node.target):
                inner[name] = (*path, "*") if path else (LOCAL,)
            for child in (*node.body, *node.else_):
                visit(child, inner)
            if node.test is not None:
                visit(node.test, inner)
            return
        if isinstance(node, (nodes.Assign, nodes.AssignBlock)):
            if isinstance(node, nodes.Assign):
                visit(node.node, scope)
            else:
                for child in node.body:
                    visit(child, scope)
            for name in bound_names(node.target):
                scope[name] = (LOCAL,)
            return
        if isinstance(node, (nodes.Macro, nodes.CallBlock, nodes.With)):
            inner = dict(scope)
            for name in ("caller", "varargs", "kwargs", "loop"):
                inner[name] = (LOCAL,)
            if isinstance(node, nodes.Macro):
                for arg in node.args:
                    inner[arg.name] = (LOCAL,)
            if isinstance(node, nodes.With):
                for target, value in zip(node.targets, node.values, strict=False):
                    visit(value, scope)
                    for name in bound_names(target):
                        inner[name] = (LOCAL,)
            if isinstance(node, nodes.CallBlock):
                visit(node.call, scope)
            for child in node.body:
                visit(child, inner)
            return
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            path, rest = name_chain(node, scope)
            if path is not None and path[0] != LOCAL:
                found.append((path, node.lineno))
            for child in rest:
                visit(child, scope)
            return
        for child in node.iter_child_nodes():
            visit(child, scope)

    visit(ast, {})
    return found


def check_path(path: tuple[str, ...], schema: Any, any_marker: str) -> str | None:
    """None when the context provides ``path``; otherwise what is wrong, with a suggestion."""
    node = schema
    for depth, part in enumerate(path):
        shown = ".".join(path[:depth]).replace(".*", "[]")
        if node is None or node == any_marker:
            return None  # a value's own methods (e.g. .upper()) or an open mapping
        if isinstance(node, list):
            if part == "*":
                node = node[0]
                continue
            return f"'{shown}' is a list: loop over it with {{% for item in {shown} %}}"
        if part not in node:
            name = ".".join([*path[:depth], part]).replace(".*", "[]")
            close = difflib.get_close_matches(part, list(node), n=1)
            suggestion = f"; did you mean '{close[0]}'?" if close else ""
            where = f"'{shown}' has" if shown else "the context has"
            listing = ", ".join(sorted(node)) if not close else ""
            return f"'{name}' is not in the template context{suggestion}" + (
                f" ({where}: {listing})" if listing else ""
            )
        node = node[part]
    return None


def _check_variables(ast: Any, tags: list[Tag], checker: _Checker) -> None:
    from .views import ANY, context_schema

    schema = context_schema()
    known = set(_environment().globals)
    seen: set[tuple[tuple[str, ...], int]] = set()
    for path, line in _uses(ast):
        if (path, line) in seen:
            continue
        seen.add((path, line))
        if path[0] in known and path[0] not in schema:
            continue
        message = check_path(path, schema, ANY)
        if message:
            tag = tags[min(max(line, 1), len(tags)) - 1]
            checker.tag_problem(
                tag, f"{tag.text}: {message}", "see docs/templates.md for the context"
            )


# ----------------------------------------------------------------------------- the entry points


def check_template(path: str | Path) -> list[Problem]:
    """Everything in the template at ``path`` that would break a render or that a template may not
    do (empty list: none). Errors first, in document order; warnings (properties the build will
    remove) after. ``build`` refuses a template exactly when this has an error."""
    path = Path(path)
    if not path.is_file():
        return [Problem("template not found", file=str(path))]
    try:
        stat = path.stat()
    except OSError as exc:
        return [Problem(f"cannot read the template: {exc.strerror}", file=str(path))]
    return list(_check_cached(str(path.resolve()), str(path), stat.st_mtime_ns, stat.st_size))


def template_errors(path: str | Path) -> list[Problem]:
    """The errors :func:`check_template` finds: what makes ``build`` refuse the template."""
    return [p for p in check_template(path) if p.severity == "error"]


@functools.lru_cache(maxsize=32)
def _check_cached(_resolved: str, shown: str, _mtime: int, _size: int) -> tuple[Problem, ...]:
    path = Path(shown)
    unsafe = package_problems(path)
    if unsafe:  # not safe to open any further (a zip bomb, active content, a DTD...)
        return tuple(unsafe)
    checker = _Checker(path)
    for name, root in _parts(path, checker):
        tags = _scan_part(name, root, checker)
        if not tags:
            continue
        _check_tags(tags, checker)
        _check_sharing(tags, checker)
        if name.rsplit("/", 1)[-1].removesuffix(".xml") in UNFILLED:
            continue
        if not _check_blocks(tags, checker):
            continue
        try:
            ast = _parse(tags, checker)
            if ast is not None:
                _check_variables(ast, tags, checker)
        except RecursionError:  # '((((…))))' nested thousands deep: Jinja's parser gives up
            _too_deep(name, tags, checker)
    errors = sorted(checker.problems, key=lambda p: _order(p.field))
    return (*errors, *sanitise_warnings(path))


def _order(where: str | None) -> tuple[int, str, int]:
    match = re.match(r"(.*?)(?:, paragraph (\d+))?$", where or "")
    part = match.group(1) if match else ""
    kind = re.sub(r"\d|\.xml|word/", "", part)
    rank = {"document": 0, "header": 1, "footer": 2}.get(kind, 3)
    return rank, part, int(match.group(2)) if match and match.group(2) else 0


def count_tags(path: str | Path) -> int:
    checker = _Checker(Path(path))
    return sum(len(_scan_part(name, root, checker)) for name, root in _parts(Path(path), checker))
