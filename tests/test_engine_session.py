"""The incremental engine: work done per toggle or answer change is proportional to the clauses
that read what changed, not to the library; results equal a fresh computation."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools

import pytest
from jinja2 import TemplateSyntaxError

from agreement_kit import Engine, check_coverage, load_draft, load_library
from agreement_kit.drafts.model import Draft
from agreement_kit.engine.templating import analyse
from agreement_kit.packs.models import Clause
from tests.conftest import EXAMPLES
from tests.helpers import MINI_DRAFT, MINI_PACK

TODAY = dt.date(2027, 1, 15)


def bigger(library, extra: int = 5000):
    """The library plus ``extra`` optional clauses that read the agency and the program but
    neither the district nor any ref() target (the engine memoises per clause, not per text)."""
    section = next(s.id for s in library.sections if s.kind != "recitals")
    clauses = dict(library.clauses)
    for n in range(extra):
        clauses[f"synthetic-{n:05d}"] = Clause(
            id=f"synthetic-{n:05d}",
            title=f"Synthetic provision {n}",
            version="1.0",
            section=section,
            status="optional",
            order=1000 + n,
            text=[  # the same text in every clause: compiled once, probed once per clause
                "{{ agency.The }} keeps a record for each {{ program.officer }}.",
                "This paragraph reads no answers.",
            ],
        )
    return dataclasses.replace(library, clauses=clauses)


def edited(draft: Draft, path: str, value) -> Draft:
    data = draft.model_dump()
    node = data
    *head, last = path.split(".")
    for key in head:
        node = node[int(key)] if key.isdigit() else node[key]
    node[last] = value
    return Draft.model_validate(data)


def riverton() -> Draft:
    return load_draft(EXAMPLES / "riverton.yaml")


@functools.cache
def analysed(paragraph: str):
    return analyse(paragraph)


def refs_of(clause: Clause) -> set[str]:
    return {t for p in clause.text for t in analysed(p).refs}


def paths_of(clause: Clause) -> set[tuple[str, ...]]:
    return {path for p in clause.text for path in analysed(p).paths}


@pytest.fixture(scope="module")
def libraries():
    bundled = load_library()
    return {"bundled": bundled, "bigger": bigger(bundled)}


def work(engine: Engine, draft: Draft) -> tuple[int, int]:
    """(probes, renders) done for one coverage and one assembly of ``draft``."""
    probes, renders = engine.stats.probes, engine.stats.renders
    engine.coverage(draft)
    engine.assemble(draft, today=TODAY)
    return engine.stats.probes - probes, engine.stats.renders - renders


def test_a_toggle_probes_the_toggled_clause_and_what_refers_to_it(libraries):
    draft = riverton()
    counts = {}
    for name, library in libraries.items():
        toggled_id = next(
            c.id
            for c in library.clauses.values()
            if c.status == "optional" and not c.group and draft.clauses.optional.get(c.id) is False
        )
        toggled = edited(draft, f"clauses.optional.{toggled_id}", True)
        engine = Engine(library)
        first = check_coverage(library, draft).included
        assert work(engine, draft)[0] == sum(len(library.clauses[c].text) for c in first)
        probes, renders = work(engine, toggled)
        included = check_coverage(library, toggled).included
        clause = library.clauses[toggled_id]
        referrers = [c for c in included if toggled_id in refs_of(library.clauses[c])]
        expected = len(clause.text) + sum(len(library.clauses[c].text) for c in referrers)
        assert probes == expected
        assert renders == expected  # renumbering alone renders nothing again
        # and back: everything is still known, nothing is probed again
        assert work(engine, draft)[0] == sum(len(library.clauses[c].text) for c in referrers)
        counts[name] = (probes, renders)
    assert counts["bundled"] == counts["bigger"]


def test_an_answer_change_probes_only_the_clauses_that_read_it(libraries):
    draft = riverton()
    path = ("district", "administrator", "name")
    counts = {}
    for name, library in libraries.items():
        engine = Engine(library)
        work(engine, draft)
        changed = edited(draft, ".".join(path), "Dr. Someone Else")
        probes, renders = work(engine, changed)
        included = engine.coverage(changed).included
        readers = [c for c in included if path in paths_of(library.clauses[c])]
        assert 0 < probes <= sum(len(library.clauses[c].text) for c in readers)
        assert renders == probes  # the same clauses render again; numbering did not change
        assert "Dr. Someone Else" in engine.assemble(changed, today=TODAY).text()
        counts[name] = (probes, renders)
    assert counts["bundled"] == counts["bigger"]


def test_an_answer_read_by_the_synthetic_clauses_reprobes_them(libraries):
    """The counterpart: when the answer they read changes, the 5,000 clauses are probed again."""
    library = libraries["bigger"]
    engine = Engine(library)
    draft = riverton()
    work(engine, draft)
    probes, _ = work(engine, edited(draft, "program.name", "SRO"))
    assert probes >= 5000


def test_same_draft_again_does_no_work(libraries):
    engine = Engine(libraries["bundled"])
    draft = riverton()
    work(engine, draft)
    assert work(engine, draft) == (0, 0)
    assert work(engine, riverton()) == (0, 0)  # an equal draft, another object


def steps(draft: Draft, optional: str):
    """A walk through typical edits; each step is one change from the one before."""
    yield draft
    yield (d := edited(draft, f"clauses.optional.{optional}", True))
    yield (d := edited(d, "district.name", "Fox Point & Bayside School District"))
    yield (d := edited(d, "term.end", "2031-06-30"))
    yield (d := edited(d, "policy_options.report_recipient", "district_administrator"))
    yield (d := edited(d, "program.placements.0.start", None))  # a missing answer
    yield (d := edited(d, "program.placements.0.start", "07:45"))
    agencies = d.model_dump()["agencies"]
    second = {**agencies[0], "name": "Dane County Sheriff's Office"}
    second["municipality"] = {"name": "Dane County", "kind": "county"}
    yield (d := edited(d, "agencies", [*agencies, second]))
    yield (d := edited(d, "program.placements.1.agency", 1))
    yield (d := edited(d, "agencies.1.name", "Dane County Sheriff"))
    yield (d := edited(d, "program.placements.1.agency", 0))
    yield (d := edited(d, "agencies", agencies[:1]))
    yield (d := edited(d, "program.name", "SRO"))
    yield (d := edited(d, f"clauses.optional.{optional}", False))
    yield (d := edited(d, "values.cost_share_percent", 60))
    yield edited(d, "district.name", None)


def test_successive_drafts_give_what_a_fresh_engine_gives(libraries):
    library = libraries["bundled"]
    draft = riverton()
    optional = next(
        c.id
        for c in library.clauses.values()
        if c.status == "optional" and not c.group and draft.clauses.optional.get(c.id) is False
    )
    engine = Engine(library)
    for step, current in enumerate(steps(draft, optional)):
        fresh = Engine(library)
        got, want = engine.coverage(current), fresh.coverage(current)
        assert got.to_json() == want.to_json(), step
        a = engine.assemble(current, allow_incomplete=True, today=TODAY)
        b = fresh.assemble(current, allow_incomplete=True, today=TODAY)
        assert a == b, step
        for clause_id in (optional, *got.included[:3]):
            assert engine.preview(current, clause_id) == fresh.preview(current, clause_id), step


def test_mini_pack_alternatives_and_refs_stay_right():
    library = load_library(base=MINI_PACK)
    draft = load_draft(MINI_DRAFT)
    engine = Engine(library)
    for d in (
        draft,
        edited(draft, "clauses.alternatives.report", "report-da"),  # placement refs the other
        edited(draft, "policy_options.report_recipient", "district_administrator"),
        edited(draft, "clauses.optional.extra", True),
        edited(draft, "clauses.alternatives", {}),
        draft,
    ):
        assert engine.coverage(d).to_json() == Engine(library).coverage(d).to_json()
        assert engine.assemble(d, allow_incomplete=True, today=TODAY) == Engine(library).assemble(
            d, allow_incomplete=True, today=TODAY
        )


def test_preview_of_a_left_out_clause_shows_it_as_chosen():
    library = load_library(base=MINI_PACK)
    draft = load_draft(MINI_DRAFT)
    engine = Engine(library)
    preview = engine.preview(draft, "extra")
    assert not preview.included
    assert preview.number == "1.2"
    assert preview.paragraphs == ("[missing answer: values.extra_hours]",)
    assert preview.missing == ("values.extra_hours",)
    chosen = engine.preview(edited(draft, "values.extra_hours", 6), "extra")
    assert chosen.paragraphs == ("The officer works 6 extra hours; see Section 1.1.",)


def test_each_paragraph_is_compiled_at_most_once_per_process(monkeypatch):
    """Loading parses clause text (no code generation); the first probe or render compiles a
    paragraph, and nothing after that compiles it again — not a second engine, not a reload."""
    from agreement_kit.engine import probing, sandbox

    calls: list[object] = []
    for env in (sandbox.ENV, probing.PROBE_ENV):
        original = env.compile
        monkeypatch.setattr(
            env, "compile", lambda *a, _o=original, **k: calls.append(a[0]) or _o(*a, **k)
        )

    def work() -> None:
        library = load_library(base=MINI_PACK)
        draft = load_draft(MINI_DRAFT)
        engine = Engine(library)
        engine.coverage(draft)
        engine.assemble(draft, today=TODAY)
        Engine(library).assemble(edited(draft, "district.name", "Another District"), today=TODAY)

    work()
    compiled = [str(c) for c in calls]
    assert len(compiled) == len(set(compiled))  # no paragraph twice
    work()
    assert len(calls) == len(compiled)  # and nothing again the second time


def test_loading_generates_no_code_but_still_refuses_unknown_filters(tmp_path, monkeypatch):
    from agreement_kit.engine import sandbox

    calls: list[object] = []
    original = sandbox.ENV.compile
    monkeypatch.setattr(
        sandbox.ENV, "compile", lambda *a, _o=original, **k: calls.append(a) or _o(*a, **k)
    )
    found = analyse("{{ district.name | upper }} and {% if x is defined %}y{% endif %}")
    assert found.paths == {("district", "name"), ("x",)} and calls == []
    with pytest.raises(TemplateSyntaxError, match="No filter named 'uper'"):
        analyse("{{ district.name | uper }}")
    with pytest.raises(TemplateSyntaxError, match="No filter named 'uper'"):
        analyse("{% if final %}{{ district.name | uper }}{% endif %}")  # also in a branch
    with pytest.raises(TemplateSyntaxError, match="No test named 'defind'"):
        analyse("{% if x is defind %}y{% endif %}")


def test_text_cannot_change_the_answers():
    """The sandbox refuses method calls; the context is read-only besides (a second guard)."""
    from agreement_kit.engine.tracking import tracked

    library = load_library(base=MINI_PACK)
    draft = load_draft(MINI_DRAFT)
    clause = library.clauses["placement"]
    hostile = clause.model_copy(
        update={"text": ["{{ district.update({'name': 'Nobody'}) }}{{ district.name }}"]}
    )
    library2 = dataclasses.replace(library, clauses={**library.clauses, "placement": hostile})
    coverage = Engine(library2).coverage(draft)
    assert any("placement" in p and "cannot be rendered" in p for p in coverage.problems)
    agreement = Engine(library2).assemble(draft, allow_incomplete=True, today=TODAY)
    assert "Nobody" not in agreement.text()
    context = tracked({"district": {"name": "Lakeside"}, "agencies": [{"name": "PD"}]})
    for change in (
        lambda: context["district"].update({"name": "Nobody"}),
        lambda: context["district"].__setitem__("name", "Nobody"),
        lambda: context["agencies"].append({}),
        lambda: context["agencies"][0].pop("name"),
    ):
        with pytest.raises(TypeError, match="cannot change the draft's answers"):
            change()
    assert context == {"district": {"name": "Lakeside"}, "agencies": [{"name": "PD"}]}
