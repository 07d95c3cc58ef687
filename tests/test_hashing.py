"""Clause content hashes: what counts as a change, and what does not."""

from agreement_kit import load_library
from agreement_kit.packs.hashing import clause_hash, short, text_hash


def _clause():
    return load_library().clauses["term-renewal"]


def test_hash_is_stable_and_prefixed():
    clause = _clause()
    digest = clause_hash(clause)
    assert digest == clause_hash(clause.model_copy())
    assert digest.startswith("sha256:") and len(digest) == 71
    assert short(digest) == digest[:19]


def test_text_change_changes_hash_even_with_the_same_version():
    clause = _clause()
    edited = clause.model_copy(update={"text": [clause.text[0] + " Amended.", *clause.text[1:]]})
    assert edited.version == clause.version
    assert clause_hash(edited) != clause_hash(clause)


def test_whitespace_and_guidance_do_not_change_hash():
    clause = _clause()
    refolded = clause.model_copy(
        update={
            "text": ["  " + "\n".join(p.split(" ")) + "\n" for p in clause.text],
            "guidance": "A different note for counsel.",
            "citations": [],
            "version": "9.9",
        }
    )
    assert clause_hash(refolded) == clause_hash(clause)


def test_tier_covers_and_inputs_are_part_of_hash():
    clause = load_library().clauses["cost-share-percentage"]
    base = clause_hash(clause)
    assert clause_hash(clause.model_copy(update={"status": "optional"})) != base
    assert clause_hash(clause.model_copy(update={"covers": ["A"]})) != base
    changed = clause.inputs[0].model_copy(update={"default": 60})
    assert clause_hash(clause.model_copy(update={"inputs": [changed, *clause.inputs[1:]]})) != base


def test_library_caches_hash_and_records_origin():
    library = load_library()
    assert library.clause_hash("term-renewal") == clause_hash(library.clauses["term-renewal"])
    assert library.origins["term-renewal"] == "wi-psl-sro"
    assert text_hash(["a  b"]) == text_hash(["a b"]) != text_hash(["a b c"])
