"""Issue 15, sandboxes bounded for real: clause text from an untrusted pack cannot reach Python
internals, cannot run an unbounded filter, loop or format while `library validate` compiles it, and
cannot make a render slow or huge; every refusal names the clause, the file and the line.

(The threat model for overlays and pack-level tests are the packs room's; these are the
sandbox-escape and resource tests.)"""

from __future__ import annotations

import pytest
from jinja2.sandbox import SecurityError

from agreement_kit import check_coverage, load_draft, load_library
from agreement_kit.engine import sandbox
from agreement_kit.engine.sandbox import ENV, BudgetExceeded, make_template_environment
from agreement_kit.engine.templating import analyse
from agreement_kit.problems import ProblemsError
from tests.helpers import MINI_DRAFT, copy_pack, edit, line_of

ESCAPES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ref.__globals__['os'] }}",
    "{{ ref.__code__ }}",
    "{{ district['__class__'] }}",
    "{{ district.name.__class__ }}",
    "{{ (district|attr('__class__')) }}",
    "{{ ''['__class__'] }}",
    "{{ 'x'.format.__globals__ }}",
    "{{ loop.__class__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ joiner }}",
    "{{ namespace() }}",
    "{{ lipsum(3) }}",
    "{{ range(3)|list }}",
    "{{ self.__init__ }}",
    "{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{% include 'x' %}",
    "{% extends 'x' %}",
    "{% import 'x' as y %}",
]
PAYLOADS = [
    "{{ 'x'|center(1000000000) }}",
    "{{ 'x'|indent(1000000000) }}",
    "{{ 'x'|wordwrap(1, wrapstring='y' * 90000) }}",
    "{{ '%0999999999d'|format(1) }}",
    "{{ '%0999999999d' % 1 }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ 'x'.center(999999999) }}",
    "{{ 'x'.ljust(999999999) }}",
    "{{ 'x' * 999999999 }}",
    "{{ ((9 ** 64) ** 64) ** 64 }}",
    "{% set x = 'a' * 90000 %}{{ x ~ x ~ x }}",
    "{% set x = 'a' * 90000 %}{{ x + x }}",
    "{{ ('a' * 90000)|replace('', 'bbbbbbbb') }}",
    "{{ ('a' * 90000)|list|join('x' * 90000) }}",
    "{{ [1]|batch(999999999, 'x')|list }}",
    "{% for i in 'x' * 90000 %}{% for j in 'x' * 90000 %}{% endfor %}{% endfor %}",
    "{% for i in 'x' * 90000 %}{{ 'y' * 90000 }}{% endfor %}",
]


def _render(source: str) -> str:
    return ENV.from_string(source).render({"district": {"name": "D"}, "ref": lambda c: c})


@pytest.mark.parametrize("source", ESCAPES)
def test_escapes_are_refused(source):
    from agreement_kit.engine.context import context_schema
    from agreement_kit.engine.templating import check_path

    try:
        analysis = analyse(source)
        found = analysis.problems + [
            m for path in analysis.paths if (m := check_path(path, context_schema()))
        ]
    except Exception:  # a syntax/assertion error at validation is a refusal too
        found = ["refused while compiling"]
    assert found, f"validation accepted {source!r}"
    with pytest.raises(Exception) as info:
        _render(source)
    assert not isinstance(info.value, (MemoryError, RecursionError))


@pytest.mark.parametrize("source", PAYLOADS)
def test_payloads_are_refused_by_size_not_run(source):
    with pytest.raises((BudgetExceeded, SecurityError)):
        _render(source)


def test_validation_compiles_without_running_filters(monkeypatch):
    calls = []
    original = ENV.filters["center"]

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setitem(ENV.filters, "center", counting)
    analyse("{{ 'x'|center(50) }}{{ ('x'|center(9)) ~ 'y' }}")
    assert calls == []  # Jinja would constant-fold both while compiling
    _render("{{ 'x'|center(50) }}")
    assert len(calls) == 1


def test_library_validate_refuses_payloads_with_clause_file_and_line(tmp_path):
    pack = copy_pack(tmp_path)
    path = pack / "clauses" / "main.yaml"
    edit(
        path,
        "{{ values.extra_hours }} extra hours",
        "{{ 'x'|center(1000000000) }} {{ 'y'.center(9) }}",
    )
    with pytest.raises(ProblemsError) as info:
        load_library(base=pack)
    found = [p for p in info.value.problems if p.clause == "extra"]
    assert {p.line for p in found} == {line_of(path, "center(")}
    assert any("too large" in p.message for p in found)
    assert any("'.center()' is not allowed" in p.message for p in found)


def test_nested_loops_over_many_agencies_are_a_located_problem(tmp_path):
    pack = copy_pack(tmp_path)
    edit(
        pack / "clauses" / "main.yaml",
        "{{ values.extra_hours }} extra hours",
        "{% for a in agencies %}{% for b in agencies %}{% for c in agencies %}{{ a.number }}"
        "{% endfor %}{% endfor %}{% endfor %}",
    )
    library = load_library(base=pack)
    draft = load_draft(MINI_DRAFT)
    agency = draft.agencies[0]
    draft = draft.model_copy(
        update={
            "agencies": [agency] * 60,
            "clauses": draft.clauses.model_copy(update={"optional": {"extra": True}}),
        }
    )
    coverage = check_coverage(library, draft)
    (problem,) = [p for p in coverage.problems if "extra" in p]
    assert "more than" in problem and "main.yaml" in problem
    assert "problem in the clause pack" in problem  # the pack's doing, not the draft's


def test_template_sandbox_is_bounded_too():
    env = make_template_environment()
    for source in (
        "{{ range(10**9)|list }}",
        "{{ lipsum(10**6) }}",
        "{{ 'x' * 10**9 }}",
        "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
        "{{ 'a'|safe }}",
        "{% set l = [1] %}{% for i in range(40) %}{{ l.extend(l) }}{% endfor %}",
    ):
        with pytest.raises(Exception) as info:
            env.from_string(source).render({})
        assert not isinstance(info.value, MemoryError), source


def test_budget_names_the_limit():
    with pytest.raises(BudgetExceeded, match="more than 100,000 characters"):
        _render("{% for i in 'x' * 90000 %}{{ 'yy' }}{% endfor %}")
    assert sandbox.MAX_OUTPUT == 100_000
