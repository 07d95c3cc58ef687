"""The pack loader: every kind of problem is reported with its file, line and field — all at once."""

from __future__ import annotations

import pytest

from agreement_kit import ProblemsError, load_library
from tests.helpers import MINI_PACK, copy_pack, edit, line_of


def problems_of(pack, overlays=()):
    with pytest.raises(ProblemsError) as info:
        load_library(overlays, base=pack)
    return info.value.problems


def only(problems, needle):
    found = [p for p in problems if needle in p.message]
    assert found, f"no problem mentioning {needle!r} in {[str(p) for p in problems]}"
    return found[0]


def test_fixture_pack_is_valid():
    library = load_library(base=MINI_PACK)
    assert list(library.clauses) == ["parties", "placement", "extra", "report-board", "report-da"]
    assert library.groups == {"report": ["report-board", "report-da"]}


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    pack = copy_pack(tmp_path)
    path = pack / "clauses" / "report.yaml"
    edit(path, "  guidance: DA.", "  guidance: [DA.")
    problem = only(problems_of(pack), "YAML syntax error")
    assert problem.file == str(path)
    assert problem.line is not None and problem.line >= line_of(path, "guidance: [DA.")


def test_python_tag_is_refused(tmp_path):
    pack = copy_pack(tmp_path)
    path = pack / "clauses" / "report.yaml"
    edit(path, "guidance: Board.", "guidance: !!python/object/apply:os.system ['echo hacked']")
    problem = only(problems_of(pack), "not allowed here")
    assert problem.file == str(path)
    assert problem.line == line_of(path, "!!python")
    assert "plain data" in (problem.hint or "")


def test_unknown_key_names_clause_and_line(tmp_path):
    pack = copy_pack(tmp_path)
    path = pack / "clauses" / "main.yaml"
    edit(path, "  guidance: Optional.", "  guidence: Optional.")
    problem = only(problems_of(pack), "unknown key 'guidence'")
    assert (problem.file, problem.line, problem.clause) == (
        str(path),
        line_of(path, "guidence"),
        "extra",
    )


def test_wrong_type_names_field(tmp_path):
    pack = copy_pack(tmp_path)
    path = pack / "clauses" / "main.yaml"
    edit(path, "  order: 200", "  order: soon")
    problem = only(problems_of(pack), "integer")
    assert problem.field == "[2].order"
    assert problem.line == line_of(path, "order: soon")
    assert problem.clause == "extra"


def test_duplicate_clause_id(tmp_path):
    pack = copy_pack(tmp_path)
    path = pack / "clauses" / "report.yaml"
    edit(path, "- id: report-da", "- id: report-board")
    problem = only(problems_of(pack), "used twice")
    assert problem.clause == "report-board"
    assert problem.file == str(path)
    assert problem.line == line_of(path, "- id: report-board") or problem.line > 10


def test_unknown_requirement_in_covers(tmp_path):
    pack = copy_pack(tmp_path)
    path = pack / "clauses" / "main.yaml"
    edit(path, "  covers: [A]", "  covers: [A, Z]")
    problem = only(problems_of(pack), "unknown requirement 'Z'")
    assert (problem.file, problem.line, problem.clause) == (
        str(path),
        line_of(path, "covers: [A, Z]"),
        "placement",
    )
    assert "A, I" in (problem.hint or "")


def test_broken_alternative_group(tmp_path):
    pack = copy_pack(tmp_path)
    path = pack / "clauses" / "report.yaml"
    edit(path, "  default: false\n  covers: [I]", "  default: true\n  covers: [I]")
    problem = only(problems_of(pack), "more than one default")
    assert problem.clause == "report-da"
    assert problem.file == str(path)
    pack2 = copy_pack(tmp_path, "pack2")
    edit(pack2 / "clauses" / "report.yaml", "  group: report\n  default: false", "  default: false")
    problem = only(problems_of(pack2), "has only one clause")
    assert problem.clause == "report-board"


def test_jinja_syntax_error(tmp_path):
    pack = copy_pack(tmp_path)
    path = pack / "clauses" / "report.yaml"
    edit(path, 'each year."\n- id: report-da', 'each year {% if x %}."\n- id: report-da')
    problem = only(problems_of(pack), "template syntax error")
    assert problem.clause == "report-board"
    assert problem.line == line_of(path, "{% if x %}")


def test_variable_typo_is_caught_at_load_time(tmp_path):
    pack = copy_pack(tmp_path)
    path = pack / "clauses" / "report.yaml"
    edit(path, "{{ district.board }}", "{{ distict.board }}")
    edit(path, "{{ district.administrator.name }}", "{{ district.administrator.nmae }}")
    problems = problems_of(pack)
    typo = only(problems, "'distict'")
    assert "did you mean 'district'" in typo.message
    assert typo.line == line_of(path, "distict")
    assert typo.clause == "report-board"
    nested = only(problems, "'district.administrator.nmae'")
    assert "did you mean 'name'" in nested.message
    assert nested.clause == "report-da"


def test_undeclared_value_and_unknown_ref(tmp_path):
    pack = copy_pack(tmp_path)
    path = pack / "clauses" / "main.yaml"
    edit(path, "{{ values.extra_hours }}", "{{ values.extra_hour }}")
    edit(path, "ref('placement')", "ref('placemnt')")
    problems = problems_of(pack)
    assert only(problems, "values.extra_hour").clause == "extra"
    assert only(problems, "ref('placemnt')").line == line_of(path, "placemnt")


def test_all_problems_reported_at_once(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack / "clauses" / "main.yaml", "  guidance: Optional.", "  guidence: Optional.")
    edit(pack / "clauses" / "report.yaml", "{{ district.board }}", "{{ distict.board }}")
    edit(pack / "policy.yaml", "    source: item I", "    source: item I\n    colour: red")
    messages = [p.message for p in problems_of(pack)]
    assert any("guidence" in m for m in messages)
    assert any("distict" in m for m in messages)
    assert any("colour" in m for m in messages)


def test_aliases_refused(tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack / "policy.yaml", "requirements:", "x: &big [1, 2]\ny: *big\nrequirements:")
    assert only(problems_of(pack), "anchors and aliases").file == str(pack / "policy.yaml")


def test_sandbox_blocks_unsafe_attribute(tmp_path):
    pack = copy_pack(tmp_path)
    edit(
        pack / "clauses" / "report.yaml",
        "{{ district.board }}",
        "{{ district.board.__class__.__mro__ }}",
    )
    assert problems_of(pack)  # refused at load time, never rendered
    pack2 = copy_pack(tmp_path, "pack2")
    edit(
        pack2 / "clauses" / "report.yaml",
        "{{ district.board }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    )
    problem = only(problems_of(pack2), "'__subclasses__' is not allowed")
    assert problem.clause == "report-board"


def test_sandbox_stops_unsafe_access_at_render_time():
    from jinja2.exceptions import SecurityError, UndefinedError

    from agreement_kit.engine.templating import ENV

    with pytest.raises((SecurityError, UndefinedError)):
        ENV.from_string("{{ x.__class__.__mro__ }}").render(x="")
    with pytest.raises(SecurityError):
        ENV.from_string("{{ f.__globals__ }}").render(f=lambda: 1)


def test_overlay_replaces_adds_and_drops(tmp_path):
    overlay = tmp_path / "overlay"
    (overlay / "clauses").mkdir(parents=True)
    (overlay / "pack.yaml").write_text(
        "id: district-overlay\ntitle: Our wording\nversion: '2.0'\nextends: mini\ndrop: [extra]\n",
        encoding="utf-8",
    )
    (overlay / "clauses" / "ours.yaml").write_text(
        "- id: placement\n  title: Placement (our wording)\n  version: '2.0'\n  section: main\n"
        "  status: required\n  covers: [A]\n  citations: [x]\n  guidance: ours\n  text:\n"
        '    - "{{ agency.The }} place{{ agency.s }} an officer at {{ program.buildings }}."\n'
        "- id: hotline\n  title: Tip line\n  version: '1.0'\n  section: main\n  status: optional\n"
        '  citations: [x]\n  guidance: new\n  text: ["A tip line is kept."]\n',
        encoding="utf-8",
    )
    library = load_library([overlay], base=MINI_PACK)
    assert library.clauses["placement"].version == "2.0"
    assert "hotline" in library.clauses and "extra" not in library.clauses
    assert [p.id for p in library.packs] == ["mini", "district-overlay"]


def test_overlay_cannot_drop_required_clause(tmp_path):
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "pack.yaml").write_text(
        "id: bad\ntitle: Bad\nversion: '1'\ndrop: [placement]\n", encoding="utf-8"
    )
    problem = only(problems_of(MINI_PACK, [overlay]), "cannot be dropped")
    assert problem.file == str(overlay / "pack.yaml")


def test_missing_pack_folder(tmp_path):
    problem = only(problems_of(tmp_path / "nope"), "pack folder not found")
    assert problem.file == str(tmp_path / "nope")


def test_bundled_library_loads():
    library = load_library()
    assert library.pack.id == "wi-psl-sro"
    assert {"A", "B", "C", "D", "E", "F", "G", "H", "I"} <= set(library.requirements)
    assert {"principals-liaison", "no-substitution", "records", "recording-devices"} <= set(
        library.requirements
    )
