"""A template prepared once per process fills exactly as a fresh docxtpl template does."""

from __future__ import annotations

import io
import zipfile

import pytest
from docxtpl import DocxTemplate

from agreement_kit import assemble, load_draft
from agreement_kit.engine.sandbox import make_template_environment
from agreement_kit.resources import bundled_template
from agreement_kit.word.prepared import (
    PreparedTemplate,
    prepared_source,
    shared_template_environment,
)
from agreement_kit.word.views import template_context
from tests.conftest import EXAMPLES


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def fill(doc: DocxTemplate, context, env) -> dict[str, bytes]:
    doc.render(context, jinja_env=env, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return parts(out.getvalue())


@pytest.mark.parametrize("title", ["plain", "with\ttab and\nnew line"])
def test_prepared_renders_equal_fresh_ones(library, title):
    agreement = assemble(library, load_draft(EXAMPLES / "riverton.yaml"))
    agreement = agreement.model_copy(update={"title": f"{agreement.title} {title}"})
    context = template_context(agreement)
    path = bundled_template()
    fresh = fill(DocxTemplate(str(path)), context, make_template_environment())
    for _ in range(3):  # the first fills the caches, the others use them
        again = fill(
            PreparedTemplate(prepared_source(path)), context, shared_template_environment()
        )
        assert again.keys() == fresh.keys()
        for name in fresh:
            assert again[name] == fresh[name], name
    assert ("<w:tab/>" in fresh["word/document.xml"].decode()) == ("\t" in title)


def test_the_shared_environment_compiles_each_part_once(library, monkeypatch):
    agreement = assemble(library, load_draft(EXAMPLES / "riverton.yaml"))
    env = shared_template_environment()
    fill(PreparedTemplate(prepared_source(bundled_template())), template_context(agreement), env)
    calls = []
    original = type(env).compile
    monkeypatch.setattr(
        type(env), "compile", lambda self, *a, **k: calls.append(a) or original(self, *a, **k)
    )
    fill(PreparedTemplate(prepared_source(bundled_template())), template_context(agreement), env)
    assert calls == []
