"""The C YAML parser gives exactly what the Python parser gives: data, marks and problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from agreement_kit import yamlio
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(yamlio._CLoader is None, reason="PyYAML built without libyaml")

FILES = sorted(
    p
    for folder in ("clause_library", "examples", "tests/fixtures")
    for p in (ROOT / folder).rglob("*.yaml")
)

TRICKY = {
    "times and no": "start: 7:30\nanswer: no\nyes: on\nn: 010\nf: 1.50\nd: 2027-07-01\nb: True\n",
    "unicode columns": "name: Zoë Ångström 😀\nlist:\n  - {a: é, b: [1, 2]}\n",
    "duplicate key": "a: 1\nb: 2\na: 3\n",
    "tab": "a:\n\t- b\n",
    "syntax": "a: [1, 2\nb: 3\n",
    "alias": "a: &x [1]\nb: *x\n",
    "tag": "a: !!binary aGVsbG8=\n",
    "merge": "a: {x: 1}\nb:\n  <<: {x: 2}\n",
    "control": 'a: "bell\\a"\n',
    "surrogate escape": 'a: "\\ud800"\n',
    "empty": "",
    "comment only": "# nothing\n",
    "crlf": "a: 1\r\nb:\r\n  - c\r\n",
    "bom": "\ufeffa: 1\n",
    "big number": "a: 1234567890123456789012\n",
}


def both(text: str, monkeypatch: pytest.MonkeyPatch):
    fast = yamlio.parse_yaml(text, "f.yaml")
    with monkeypatch.context() as m:
        m.setattr(yamlio, "_CLoader", None)
        slow = yamlio.parse_yaml(text, "f.yaml")
    return fast, slow


def same(a, b) -> None:
    (la, pa), (lb, pb) = a, b
    assert pa == pb
    assert (la is None) == (lb is None)
    if la is not None and lb is not None:
        assert la.data == lb.data
        assert la.marks == lb.marks
        assert la.file == lb.file


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_yaml_file_reads_the_same(path: Path, monkeypatch):
    same(*both(path.read_text(encoding="utf-8"), monkeypatch))


@pytest.mark.parametrize("name", list(TRICKY))
def test_tricky_inputs_read_the_same(name: str, monkeypatch):
    same(*both(TRICKY[name], monkeypatch))


def test_plain_values_keep_our_resolvers():
    located, problems = yamlio.parse_yaml(TRICKY["times and no"], "f.yaml")
    assert not problems and located is not None
    assert located.data == {
        "start": "7:30",
        "answer": "no",
        "yes": "on",
        "n": "010",
        "f": 1.5,
        "d": "2027-07-01",
        "b": True,
    }


def test_the_c_parser_is_what_runs(monkeypatch):
    calls = []
    original = yamlio._parse_clean
    monkeypatch.setattr(yamlio, "_parse_clean", lambda *a: calls.append(a) or original(*a))
    located, _ = yamlio.parse_yaml("a: 1\n", "f.yaml")
    assert calls and located is not None and located.data == {"a": 1}
    assert original("a: 1\n", "f.yaml") is not None  # clean text never needs the Python parser
