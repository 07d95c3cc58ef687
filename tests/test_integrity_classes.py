"""Issue 15, the classes that had no test of their own with a minimal input (found while mapping
every class to the test that shows it, and by the attacker run from a clean clone):

* the built document's clause text is *exactly* the assembled text for a tricky-but-valid draft
  (the silent classes: nothing cut, added, folded or re-escaped on the way to the page);
* a template cannot hide clause text from the reader (hidden, white, struck-through or tiny text:
  the self-check would find the words in the XML, but nobody would see them on the page);
* expressions nested too deeply to parse are a located problem, not a RecursionError traceback;
* template faults that depend on the answers (an overflow, memory) are located problems;
* ``check`` (text and JSON) names the overlays in effect and where each came from;
* payloads whose size the text alone fixes (a format width of 10⁹, nested constant loops) are
  refused by ``library validate`` and ``template check`` themselves, so both agree with the render.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import docx
import pytest

from agreement_kit import assemble, load_draft, load_library
from agreement_kit.cli import main
from agreement_kit.problems import ProblemsError
from agreement_kit.word.render import render_bytes
from agreement_kit.word.template_check import check_template
from agreement_kit.word.views import tie
from tests import hostile
from tests.conftest import EXAMPLES
from tests.helpers import copy_pack, edit, line_of

RIVERTON = EXAMPLES / "riverton.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# A district a superintendent could really have: every character here is ordinary text.
TRICKY = {
    "district": 'Lakeside & <Pine> "Unified" O\u2019Brien\u2013Nguy\u1ec5n School District',
    "principal": "Ren\u0065\u0301e D\u2019Amato \U0001f469\u200d\U0001f3eb",  # e + combining acute
    "agency": "\u05de\u05e9\u05d8\u05e8\u05ea \u05e8\u05d9\u05d1\u05e8\u05d8\u05d5\u05df Police",
    "municipality": "City of \u0627\u0644\u0646\u0647\u0631 {_{ x }_} & {_% y %_}",
    "building": "Pine <Middle> & \u00c9cole \u201cNord\u201d",
}


def _tricky_draft():
    draft = load_draft(RIVERTON)
    district = draft.district.model_copy(update={"name": TRICKY["district"]})
    agency = draft.agencies[0]
    agency = agency.model_copy(
        update={
            "name": TRICKY["agency"],
            "municipality": agency.municipality.model_copy(update={"name": TRICKY["municipality"]}),
        }
    )
    placements = [
        p.model_copy(update={"principal": TRICKY["principal"], "building": TRICKY["building"]})
        if i == 0
        else p
        for i, p in enumerate(draft.program.placements)
    ]
    program = draft.program.model_copy(update={"placements": placements})
    return draft.model_copy(
        update={"district": district, "agencies": [agency, *draft.agencies[1:]], "program": program}
    )


def _anchored(document) -> dict[str, str]:
    """Bookmark name -> the raw text of the paragraph it marks (nothing normalised)."""
    out = {}
    for p in document.paragraphs:
        for mark in p._p.iter(f"{W}bookmarkStart"):
            out[mark.get(f"{W}name")] = p.text
    return out


def test_the_documents_clause_text_is_exactly_the_assembled_text(library):
    agreement = assemble(library, _tricky_draft())
    document = docx.Document(io.BytesIO(render_bytes(agreement)))
    marks = _anchored(document)
    compared = 0
    for section in agreement.sections:
        if section.kind == "recitals":
            continue
        for clause in section.clauses:
            slug = clause.id.replace("-", "_")
            for n, para in enumerate(clause.paragraphs):
                name = f"_akp{n}_{slug}"
                if len(name) > 40:
                    continue
                assert marks[name] == tie(para), (clause.id, n)  # exact: not NFC, not folded
                compared += 1
    assert compared > 100
    everything = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )
    for value in TRICKY.values():
        assert value in everything, value  # as typed, combining marks and {_{ included


# ----------------------------------------------------------------------------- unseen text


def _run_with(rpr: str):
    old = '<w:r><w:t xml:space="preserve">{{ para }}</w:t></w:r>'
    new = f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{{{{ para }}}}</w:t></w:r>'
    return lambda parts: hostile._replace(parts, "word/document.xml", old, new)


def _style_with(rpr: str):
    def edit_styles(parts: dict[str, bytes]) -> None:
        styles = parts["word/styles.xml"].decode()
        body = re.search(r'<w:style [^>]*w:styleId="BodyText".*?</w:style>', styles, re.S)
        assert body
        old = body.group(0)
        new = (
            old.replace("</w:pPr>", f"</w:pPr><w:rPr>{rpr}</w:rPr>", 1)
            if "<w:rPr>" not in old
            else old.replace("<w:rPr>", f"<w:rPr>{rpr}", 1)
        )
        parts["word/styles.xml"] = styles.replace(old, new, 1).encode()

    return edit_styles


UNSEEN = {
    "hidden": (_run_with("<w:vanish/>"), "hidden text"),
    "hidden (specVanish)": (_run_with("<w:specVanish/>"), "hidden text"),
    "white": (_run_with('<w:color w:val="FFFFFF"/>'), "white text"),
    "white (theme)": (_run_with('<w:color w:val="FFFFFF" w:themeColor="background1"/>'), "white"),
    "tiny": (_run_with('<w:sz w:val="2"/>'), "too small to read"),
    "struck through": (_run_with("<w:strike/>"), "struck-through"),
    "hidden by the body style": (_style_with("<w:vanish/>"), "hidden text"),
}


@pytest.fixture(scope="module")
def riverton(library):
    return assemble(library, load_draft(RIVERTON))


@pytest.mark.parametrize("kind", sorted(UNSEEN))
def test_a_template_cannot_hide_clause_text_from_the_reader(tmp_path, riverton, kind, capsys):
    edit_parts, needle = UNSEEN[kind]
    template = hostile.rewrite(tmp_path / "t.docx", edit_parts)
    checked = [p for p in check_template(template) if p.severity == "error"]
    assert checked and all(p.code == "template-hidden-text" for p in checked), checked
    assert any(needle in p.message for p in checked)
    assert all(p.file == str(template) and p.field for p in checked)  # names the part
    with pytest.raises(ProblemsError) as info:
        render_bytes(riverton, template)
    assert {p.message for p in info.value.problems} == {p.message for p in checked}
    out = tmp_path / "out.docx"
    code = main(["build", str(RIVERTON), "--template", str(template), "-o", str(out)])
    assert code == 2 and not out.exists()
    assert "readable on the page" in capsys.readouterr().err


def test_white_text_on_a_shaded_background_is_readable(tmp_path, riverton):
    def shaded(parts: dict[str, bytes]) -> None:
        old = '<w:r><w:t xml:space="preserve">{{ para }}</w:t></w:r>'
        new = (
            '<w:r><w:rPr><w:color w:val="FFFFFF"/><w:shd w:val="clear" w:color="auto" '
            'w:fill="1F3864"/></w:rPr><w:t xml:space="preserve">{{ para }}</w:t></w:r>'
        )
        hostile._replace(parts, "word/document.xml", old, new)

    template = hostile.rewrite(tmp_path / "t.docx", shaded)
    assert [p for p in check_template(template) if p.severity == "error"] == []
    render_bytes(riverton, template)
    plain = tmp_path / "plain.docx"  # python-docx's own styles (white table headings) are fine
    document = docx.Document()
    document.add_paragraph("{{ title }}")
    document.save(str(plain))
    assert check_template(plain) == []


# ----------------------------------------------------------------------------- nesting, faults

DEEP = "{{ " + "(" * 400 + "1" + ")" * 400 + " }}"


def test_a_template_nested_too_deeply_is_located_not_a_traceback(tmp_path, riverton, capsys):
    template = hostile.rewrite(
        tmp_path / "t.docx",
        lambda parts: hostile._replace(parts, "word/document.xml", "{{ title }}", DEEP),
    )
    (problem,) = check_template(template)
    assert "too deeply" in problem.message and (problem.field or "").startswith(
        "word/document.xml, paragraph"
    )
    with pytest.raises(ProblemsError):
        render_bytes(riverton, template)
    assert main(["template", "check", str(template)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_clause_text_nested_too_deeply_is_located(tmp_path, capsys):
    pack = copy_pack(tmp_path)
    path = pack / "clauses" / "main.yaml"
    edit(path, "{{ values.extra_hours }} extra hours", DEEP.replace('"', "") + " extra hours")
    with pytest.raises(ProblemsError) as info:
        load_library(base=pack)
    (problem,) = [p for p in info.value.problems if p.clause == "extra"]
    assert "too deeply" in problem.message and problem.file == str(path)
    assert problem.line == line_of(path, "((((")


@pytest.mark.parametrize(
    ("tag", "needle"),
    [
        ("{{ (title|length * 1.5) ** 1000 }}", "too large"),  # OverflowError in float power
        ("{{ 1 / (title|length - title|length) }}", "could not be filled"),  # ZeroDivisionError
        ("{{ (title|length) ** (title|length) ** 3 }}", "too large"),
    ],
)
def test_template_faults_that_depend_on_the_answers_are_located(tmp_path, riverton, tag, needle):
    template = hostile.rewrite(
        tmp_path / "t.docx",
        lambda parts: hostile._replace(parts, "word/document.xml", "{{ title }}", tag),
    )
    assert [p for p in check_template(template) if p.severity == "error"] == []  # needs answers
    with pytest.raises(ProblemsError) as info:
        render_bytes(riverton, template)
    (problem,) = info.value.problems
    assert problem.file == str(template) and needle in problem.message


def test_a_template_render_out_of_memory_is_a_message(tmp_path, riverton, monkeypatch):
    from agreement_kit.word.prepared import shared_template_environment

    template = hostile.rewrite(
        tmp_path / "t.docx",
        lambda parts: hostile._replace(
            parts, "word/document.xml", "{{ title }}", "{{ title|upper }}"
        ),
    )

    def exhausted(*args, **kwargs):
        raise MemoryError

    env = shared_template_environment()
    monkeypatch.setitem(env.filters, "upper", exhausted)
    with pytest.raises(ProblemsError) as info:
        render_bytes(riverton, template)
    (problem,) = info.value.problems
    assert "memory" in problem.message and problem.file == str(template)


# ----------------------------------------------------------------------------- overlays named


def _overlay(folder: Path) -> Path:
    (folder / "clauses").mkdir(parents=True)
    (folder / "pack.yaml").write_text(
        'id: ours\ntitle: Ours\nversion: "1.0.0"\nextends: wi-psl-sro\n', encoding="utf-8"
    )
    (folder / "clauses" / "x.yaml").write_text(
        'id: our-extra-clause\ntitle: Our extra clause\nversion: "1"\nsection: general\n'
        "status: optional\ncitations: [local]\nguidance: ours\n"
        'text: ["The parties meet monthly."]\n',
        encoding="utf-8",
    )
    return folder


@pytest.mark.parametrize("how", ["--library", "draft packs"])
def test_check_names_the_overlays_in_effect_and_where_each_came_from(tmp_path, capsys, how):
    overlay = _overlay(tmp_path / "ours")
    draft = tmp_path / "d.yaml"
    text = RIVERTON.read_text(encoding="utf-8")
    extra: list[str] = []
    if how == "draft packs":
        assert "packs: []" in text
        text = text.replace("packs: []", "packs: [ours]", 1)
    else:
        extra = ["--library", str(overlay)]
    draft.write_text(text, encoding="utf-8")
    main(["check", str(draft), *extra])
    out = capsys.readouterr().out
    origin = "--library" if how == "--library" else "draft packs[0]"
    (line,) = [ln for ln in out.splitlines() if "ours 1.0.0" in ln]
    assert origin in line and str(overlay) in line
    assert any("wi-psl-sro" in ln and "bundled" in ln for ln in out.splitlines())
    main(["check", str(draft), "--json", *extra])
    packs = json.loads(capsys.readouterr().out)["library"]["packs"]
    assert [(p["id"], p["origin"]) for p in packs] == [("wi-psl-sro", "bundled"), ("ours", origin)]
    assert packs[1]["path"] == str(overlay)


def test_check_names_the_bundled_pack_even_without_overlays(tmp_path, capsys):
    draft = tmp_path / "d.yaml"
    shutil.copyfile(RIVERTON, draft)
    main(["check", str(draft)])
    out = capsys.readouterr().out
    assert re.search(r"Packs: wi-psl-sro \S+ \(bundled: ", out)


# ----------------------------------------------------------------------------- sizes fixed by the text


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        ("{{ '%0999999999d'|format(1) }}", "format width 999,999,999"),
        ("{{ '%.999999999f' % 1 }}", "format width 999,999,999"),
        ("{{ '{:>999999999}'|format(1) }}", "format width 999,999,999"),
        (
            "{% for i in 'x' * 90000 %}{% for j in 'x' * 90000 %}{% endfor %}{% endfor %}",
            "nested loops run 8,100,000,000 times",
        ),
    ],
)
def test_library_validate_refuses_sizes_the_text_fixes(tmp_path, capsys, payload, needle):
    pack = copy_pack(tmp_path)
    path = pack / "clauses" / "main.yaml"
    edit(path, "{{ values.extra_hours }} extra hours", payload.replace('"', "") + " extra hours")
    code = main(["library", "validate", str(pack)])
    err = capsys.readouterr().err
    assert code == 2 and needle in err and f"{path}:{line_of(path, payload[:8])}" in err


def test_ordinary_formats_and_loops_are_fine():
    from agreement_kit.engine.templating import analyse

    for source in (
        "{{ '%5d'|format(3) }}",
        "{{ '%d%%'|format(5) }}",
        "{{ '{:,.2f}'|format(3) }}",
        "{% for a in agencies %}{% for p in program.placements %}{{ a.name }}{% endfor %}{% endfor %}",
    ):
        assert analyse(source).problems == [], source


def test_nested_constant_loops_in_a_template_are_refused_by_check_and_build(tmp_path, riverton):
    loops = "{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}"
    template = hostile.rewrite(
        tmp_path / "t.docx",
        lambda parts: hostile._replace(parts, "word/document.xml", "{{ title }}", loops),
    )
    (problem,) = [p for p in check_template(template) if p.severity == "error"]
    assert "99,980,001 times" in problem.message
    with pytest.raises(ProblemsError) as info:
        render_bytes(riverton, template)
    assert [p.message for p in info.value.problems] == [problem.message]
