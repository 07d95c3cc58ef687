"""The validated-library cache: same library, invalidated by any pack change, never an error."""

from __future__ import annotations

import json

import pytest

from agreement_kit import ProblemsError, check_coverage, load_draft, load_library
from agreement_kit.packs import cache
from tests.conftest import EXAMPLES
from tests.helpers import MINI_DRAFT, copy_pack, edit


@pytest.fixture
def cached(tmp_path, monkeypatch):
    """The cache turned on, in a folder of this test's own, with an empty memory."""
    folder = tmp_path / "cache"
    monkeypatch.delenv("AGREEMENT_KIT_NO_CACHE")
    monkeypatch.setenv("AGREEMENT_KIT_CACHE_DIR", str(folder))
    monkeypatch.setattr(cache, "_MEMORY", type(cache._MEMORY)())
    return folder


def forget_memory(monkeypatch) -> None:
    monkeypatch.setattr(cache, "_MEMORY", type(cache._MEMORY)())


def files(folder):
    return sorted(folder.glob("*.json")) if folder.exists() else []


def test_a_cached_library_is_the_same_library(cached, monkeypatch):
    fresh = load_library()
    assert len(files(cached)) == 1
    forget_memory(monkeypatch)
    calls = []
    monkeypatch.setattr("agreement_kit.packs.loading.load_stack", lambda *a, **k: calls.append(a))
    again = load_library()  # from the file: nothing is read or validated again
    assert calls == []
    assert cache.same(fresh, again)
    assert again.library_hash == fresh.library_hash
    assert [again.clause_hash(c) for c in again.clauses] == [
        fresh.clause_hash(c) for c in fresh.clauses
    ]
    draft = load_draft(EXAMPLES / "riverton.yaml")
    assert check_coverage(again, draft).to_json() == check_coverage(fresh, draft).to_json()
    where = again.located[next(iter(again.clauses))]
    assert where.where(("text",)) == fresh.located[next(iter(fresh.clauses))].where(("text",))


def test_changing_any_pack_file_loads_afresh(cached, tmp_path, monkeypatch):
    pack = copy_pack(tmp_path)
    first = load_library(base=pack)
    assert "Officers are placed" not in " ".join(first.clauses["placement"].text)
    edit(
        pack / "clauses" / "main.yaml",
        "assign{{ agency.s }} officers",
        "assign{{ agency.s }} Officers are placed",
    )
    forget_memory(monkeypatch)
    second = load_library(base=pack)
    assert "Officers are placed" in " ".join(second.clauses["placement"].text)
    assert len(files(cached)) == 2


def test_a_new_file_in_a_pack_changes_the_key(cached, tmp_path):
    pack = copy_pack(tmp_path)
    from agreement_kit.packs.resolve import resolve_packs

    before = cache.stack_key(resolve_packs([], base=pack), False)
    (pack / "clauses" / "notes.txt").write_text("a note", encoding="utf-8")
    assert cache.stack_key(resolve_packs([], base=pack), False) != before
    assert cache.stack_key(resolve_packs([], base=pack), True) != cache.stack_key(
        resolve_packs([], base=pack), False
    )


@pytest.mark.parametrize(
    "damage",
    ["garbage", "empty", "truncated", "wrong key", "foreign class", "a folder"],
)
def test_a_damaged_cache_file_is_ignored_and_written_again(cached, monkeypatch, damage):
    good = load_library()
    (path,) = files(cached)
    text = path.read_text(encoding="utf-8")
    if damage == "garbage":
        path.write_bytes(b"\x00\xffnot json")
    elif damage == "empty":
        path.write_text("", encoding="utf-8")
    elif damage == "truncated":
        path.write_text(text[: len(text) // 2], encoding="utf-8")
    elif damage == "wrong key":
        data = json.loads(text)
        data["key"] = "0" * 64
        path.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "foreign class":
        path.write_text(
            text.replace('"agreement_kit.packs.models:Clause"', '"os:system"'), encoding="utf-8"
        )
    else:
        path.unlink()
        path.mkdir()
    forget_memory(monkeypatch)
    again = load_library()  # never an error
    assert cache.same(good, again)
    if damage != "a folder":
        forget_memory(monkeypatch)
        calls = []
        original = cache._read
        monkeypatch.setattr(cache, "_read", lambda key: calls.append(key) or original(key))
        assert cache.same(good, load_library())
        assert calls and original(calls[0]) is not None  # the rebuilt file reads back


def test_a_failing_load_is_not_cached(cached, tmp_path):
    pack = copy_pack(tmp_path)
    edit(pack / "clauses" / "main.yaml", "section: main", "section: nowhere")
    for _ in range(2):
        with pytest.raises(ProblemsError) as raised:
            load_library(base=pack)
        assert any("unknown section 'nowhere'" in p.message for p in raised.value.problems)
    assert files(cached) == []


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("AGREEMENT_KIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("AGREEMENT_KIT_NO_CACHE", "1")
    load_library()
    load_library()
    assert files(tmp_path / "cache") == []


def test_copies_do_not_share_their_containers(cached):
    first = load_library()
    some = next(iter(first.clauses))
    del first.clauses[some]
    first.requirements.clear()
    second = load_library()  # from memory
    assert some in second.clauses and second.requirements
    draft = load_draft(EXAMPLES / "riverton.yaml")
    assert check_coverage(second, draft).complete


def test_a_changed_copy_gets_its_own_engine(cached):
    from agreement_kit.engine.session import engine_for

    first, second = load_library(), load_library()
    assert engine_for(first) is engine_for(second)  # unchanged copies share probes
    some = next(c for c in second.clauses.values() if c.status == "optional")
    second.clauses[some.id] = some.model_copy(update={"text": ["Changed wording."]})
    assert engine_for(second) is not engine_for(first)
    draft = load_draft(EXAMPLES / "riverton.yaml").model_copy()
    agreement = engine_for(second).assemble(draft, allow_incomplete=True)
    texts = [
        p for s in agreement.sections for c in s.clauses if c.id == some.id for p in c.paragraphs
    ]
    assert texts in ([], ["Changed wording."])


def test_the_mini_pack_round_trips(cached, monkeypatch):
    library = load_library(base=MINI_DRAFT.parent / "mini-pack")
    forget_memory(monkeypatch)
    assert cache.same(library, load_library(base=MINI_DRAFT.parent / "mini-pack"))
