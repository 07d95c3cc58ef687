"""A Word template prepared once per process, for documents built one after another.

docxtpl supports rendering a template again (its "multiple rendering"), but each render re-reads the
.docx, re-patches the template's XML with a dozen regular expressions and compiles that XML as a new
Jinja template — more than half of a render, and the same work every time. This module keeps what
does not depend on the answers:

* the template's bytes (:func:`template_bytes`, read again only when the file's size or time changes);
* :meth:`PreparedTemplate.patch_xml` results per template XML (the template's own XML is the same
  every time; only what the answers fill in differs);
* compiled Jinja templates per source, in one shared template sandbox per process
  (:func:`shared_template_environment`; the sandbox keeps its per-render budget);
* :meth:`PreparedTemplate.resolve_listing` is skipped when the filled XML holds none of the characters
  it rewrites (tab, bell, newline, form feed): its output would be the XML unchanged.

The result is byte-for-byte what a fresh ``DocxTemplate`` gives (a test compares them).
"""

from __future__ import annotations

import functools
import io
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Template
from jinja2.sandbox import SandboxedEnvironment

from ..engine.sandbox import make_template_environment

KEEP = 64  # patched XML parts and compiled part templates kept (a few per template)

_LOCK = threading.Lock()
_PATCHED: OrderedDict[str, str] = OrderedDict()
_BYTES: dict[str, tuple[tuple[int, int], bytes]] = {}


def template_bytes(path: str | Path) -> bytes:
    """The template file's bytes, read once while its size and modification time stay the same."""
    path = Path(path)
    info = path.stat()
    stamp = (info.st_size, info.st_mtime_ns)
    key = str(path.resolve())
    kept = _BYTES.get(key)
    if kept is None or kept[0] != stamp:
        kept = (stamp, path.read_bytes())
        _BYTES[key] = kept
    return kept[1]


class _SharedTemplateSandbox:
    """Wraps the template sandbox's ``from_string`` with a memo keyed by source."""

    def __init__(self, env: SandboxedEnvironment) -> None:
        self.env = env
        original = env.from_string

        @functools.lru_cache(maxsize=KEEP)
        def compiled(source: str) -> Template:
            return original(source)

        def from_string(source: Any, *args: Any, **kwargs: Any) -> Template:
            if args or kwargs or not isinstance(source, str):
                return original(source, *args, **kwargs)
            return compiled(source)

        env.from_string = from_string  # type: ignore[method-assign]


@functools.lru_cache(maxsize=1)
def shared_template_environment() -> SandboxedEnvironment:
    """One Word-template sandbox for the process whose compiled templates are kept by source."""
    return _SharedTemplateSandbox(make_template_environment()).env


class PreparedTemplate(DocxTemplate):
    """A ``DocxTemplate`` that reuses what an earlier render of the same template prepared."""

    def patch_xml(self, src_xml: str) -> str:
        with _LOCK:
            done = _PATCHED.get(src_xml)
            if done is not None:
                _PATCHED.move_to_end(src_xml)
                return done
        done = super().patch_xml(src_xml)
        with _LOCK:
            _PATCHED[src_xml] = done
            while len(_PATCHED) > KEEP:
                _PATCHED.popitem(last=False)
        return done

    def resolve_listing(self, xml: str) -> str:
        if not any(c in xml for c in "\t\a\n\f"):
            return xml  # nothing for it to rewrite
        return str(super().resolve_listing(xml))


def prepared_source(path: str | Path) -> io.BytesIO:
    """What to give ``PreparedTemplate(...)``: the template's bytes, read once."""
    return io.BytesIO(template_bytes(path))
