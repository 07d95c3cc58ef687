"""JSON Schemas for pack, policy, clause and draft files: committed, shipped, up to date, described,
and they accept what the loader accepts (and refuse an unknown key, as the loader does)."""

from __future__ import annotations

import json

import jsonschema
import pytest

from agreement_kit.cli import main
from agreement_kit.packs.schema import SCHEMA_FILES, schema_comment, schemas, undescribed
from agreement_kit.resources import bundled_pack_dir
from agreement_kit.yamlio import read_yaml
from tests.conftest import EXAMPLES, ROOT

COMMITTED = ROOT / "schemas"


def test_committed_schemas_match_the_models():
    """Fails when a model changes without `agreement-kit library schema -o schemas` being run."""
    for name, text in schemas().items():
        committed = COMMITTED / name
        assert committed.is_file(), f"{committed} is missing"
        assert committed.read_text("utf-8") == text, (
            f"{committed} is out of date with the models: run "
            "'uv run agreement-kit library schema -o schemas' and commit the result"
        )


def test_schema_check_command_reports_drift(tmp_path, capsys):
    assert main(["library", "schema", "-o", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(SCHEMA_FILES)
    assert main(["library", "schema", "--check", "-o", str(tmp_path)]) == 0
    stale = tmp_path / "clause.schema.json"
    stale.write_text(stale.read_text("utf-8").replace('"guidance"', '"guidence"'), "utf-8")
    assert main(["library", "schema", "--check", "-o", str(tmp_path)]) == 1
    assert "clause.schema.json" in capsys.readouterr().out


@pytest.mark.parametrize("kind", ["pack", "policy", "clause"])
def test_every_pack_field_is_described(kind):
    name = next(n for n, (_, k) in SCHEMA_FILES.items() if k == kind)
    assert undescribed(json.loads(schemas()[name])) == []


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((COMMITTED / name).read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_bundled_pack_files_validate_against_the_schemas():
    pack = bundled_pack_dir()
    checks = [(pack / "pack.yaml", "pack"), (pack / "policy.yaml", "policy")]
    checks += [(path, "clause") for path in sorted((pack / "clauses").glob("*.yaml"))]
    for path, kind in checks:
        located, problems = read_yaml(path)
        assert not problems and located is not None
        errors = list(_validator(f"{kind}.schema.json").iter_errors(located.data))
        assert not errors, f"{path}: {errors[0].message}"


def test_example_drafts_validate_and_unknown_keys_are_refused():
    validator = _validator("draft.schema.json")
    for path in sorted(EXAMPLES.glob("*.yaml")):
        located, _ = read_yaml(path)
        assert located is not None
        assert not list(validator.iter_errors(located.data)), path
    located, _ = read_yaml(bundled_pack_dir() / "clauses" / "12-term.yaml")
    assert located is not None
    bad = [dict(located.data[0], guidence="typo")]
    error = jsonschema.exceptions.best_match(_validator("clause.schema.json").iter_errors(bad))
    assert error is not None and "'guidence' was unexpected" in error.message


def test_bundled_pack_files_point_editors_at_the_schemas():
    pack = bundled_pack_dir()
    files = [pack / "pack.yaml", pack / "policy.yaml", *(pack / "clauses").glob("*.yaml")]
    for path in files:
        first = path.read_text("utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target.is_file(), f"{path}: {target} does not exist"
        kind = (
            "pack"
            if path.name == "pack.yaml"
            else "policy"
            if path.name == "policy.yaml"
            else "clause"
        )
        assert target.name == f"{kind}.schema.json"


def test_new_draft_carries_a_schema_line_that_resolves(tmp_path):
    draft = tmp_path / "d.yaml"
    assert main(["new", str(draft)]) == 0
    first = draft.read_text("utf-8").splitlines()[0]
    assert first == schema_comment("draft", draft)
    target = (tmp_path / first.split("$schema=", 1)[1]).resolve()
    assert target.name == "draft.schema.json" and target.is_file()
