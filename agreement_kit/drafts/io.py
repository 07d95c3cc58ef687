"""Reading, checking and saving draft files."""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..engine.values import option_problem, value_problem
from ..packs.library import Library
from ..problems import Problem, ProblemsError
from ..yamlio import Located, atomic_write, parse_yaml, pydantic_problems, read_yaml
from .model import Draft


def parse_draft(text: str, file: str = "<draft>") -> Draft:
    """Parse draft YAML text. Raises :class:`ProblemsError` with every problem and its line."""
    located, problems = parse_yaml(text, file)
    return _validate(located, problems, file)


def load_draft(path: str | Path) -> Draft:
    """Read a draft file. Raises :class:`ProblemsError` with every problem and its line."""
    located, problems = read_yaml(Path(path))
    return _validate(located, problems, str(path))


def _validate(located: Located | None, problems: list[Problem], file: str) -> Draft:
    if located is not None and located.data is None:
        problems.append(Problem("the draft is empty", file=file, hint="run 'agreement-kit new'"))
    elif located is not None and not isinstance(located.data, dict):
        problems.append(Problem("a draft must be a mapping of keys at the top", file=file, line=1))
    if problems or located is None:
        raise ProblemsError(problems, summary=f"cannot read draft {file}")
    try:
        draft = Draft.model_validate(located.data)
    except ValidationError as exc:
        raise ProblemsError(
            pydantic_problems(exc, located), summary=f"the draft {file} is not valid"
        ) from None
    draft._located = located  # type: ignore[attr-defined]
    return draft


def check_against_library(draft: Draft, library: Library, file: str | None = None) -> list[Problem]:
    """Answers that name things the library does not have (unknown clause, option or value)."""
    located: Located | None = getattr(draft, "_located", None)
    file = file or (located.file if located else None)

    def problem(loc: tuple[Any, ...], message: str, hint: str | None = None, **kw: Any) -> Problem:
        if located is not None:
            return located.problem(loc, message, hint=hint, **kw)
        return Problem(message, file=file, field=".".join(map(str, loc)), hint=hint, **kw)

    out: list[Problem] = []
    for key, value in draft.policy_options.items():
        option = library.options.get(key)
        if option is None:
            out.append(
                problem(
                    ("policy_options", key),
                    f"unknown policy option '{key}'",
                    f"options of this policy: {', '.join(library.options)}",
                )
            )
        elif message := option_problem(option, value):
            out.append(problem(("policy_options", key), message))
    for key, wanted in draft.clauses.optional.items():
        clause = library.clauses.get(key)
        if clause is None:
            close = difflib.get_close_matches(key, list(library.clauses), n=1, cutoff=0.8)
            if wanted is False and not close:  # e.g. removed upstream: nothing to leave out
                out.append(
                    problem(
                        ("clauses", "optional", key),
                        f"the draft leaves out clause '{key}', which the library no longer has",
                        "nothing to do for the agreement; 'agreement-kit upgrade DRAFT --write' "
                        "removes the entry",
                        severity="warning",
                        code="clause-gone",
                    )
                )
                continue
            out.append(
                problem(
                    ("clauses", "optional", key),
                    f"unknown clause '{key}'",
                    f"did you mean '{close[0]}'?"
                    if close
                    else "removed from the library? 'agreement-kit upgrade DRAFT' shows what changed",
                )
            )
        elif clause.group:
            out.append(
                problem(
                    ("clauses", "optional", key),
                    f"clause '{key}' belongs to alternative group '{clause.group}'",
                    f"choose it under clauses.alternatives.{clause.group}",
                )
            )
    groups = library.groups
    for key in draft.clauses.omitted:
        members = groups.get(key) or ([key] if key in library.clauses else [])
        if not members:
            out.append(problem(("clauses", "omitted", key), f"unknown clause '{key}'"))
        elif library.clauses[members[0]].status == "required":
            out.append(
                problem(
                    ("clauses", "omitted", key),
                    f"'{key}' is required and cannot be left out",
                    "remove it from clauses.omitted",
                )
            )
        elif library.clauses[members[0]].group and key not in groups:
            out.append(
                problem(
                    ("clauses", "omitted", key),
                    f"clause '{key}' belongs to alternative group '{library.clauses[key].group}'",
                    f"to leave the whole group out, list '{library.clauses[key].group}' instead",
                )
            )
        elif (
            draft.clauses.optional.get(key) is True
            or draft.clauses.alternatives.get(key, "none") != "none"
        ):
            out.append(
                problem(
                    ("clauses", "omitted", key),
                    f"'{key}' is both chosen and listed as left out",
                    "remove it from one of the two",
                )
            )
    for group, chosen in draft.clauses.alternatives.items():
        if group not in groups:
            out.append(
                problem(("clauses", "alternatives", group), f"unknown alternative group '{group}'")
            )
        elif chosen != "none" and chosen not in groups[group]:
            out.append(
                problem(
                    ("clauses", "alternatives", group),
                    f"'{chosen}' is not a clause of group '{group}'",
                    f"choose one of: {', '.join(groups[group])}",
                )
            )
    inputs = library.clause_inputs()
    for key, answer in draft.values.items():
        if key not in inputs:
            close = difflib.get_close_matches(key, list(inputs), n=1)
            if close:  # a typo: the answer meant for close[0] would be lost
                out.append(
                    problem(
                        ("values", key),
                        f"no clause asks for a value named '{key}'",
                        f"did you mean '{close[0]}'?",
                    )
                )
            else:  # e.g. an input removed upstream: the answer is simply not used
                out.append(
                    problem(
                        ("values", key),
                        f"no clause asks for a value named '{key}' (removed upstream?); it is "
                        "not used",
                        "'agreement-kit upgrade DRAFT --write' removes the entry",
                        severity="warning",
                        code="value-unused",
                    )
                )
        elif message := value_problem(inputs[key], answer):
            out.append(problem(("values", key), f"{inputs[key].label}: {message}"))
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Quote strings that a YAML 1.1 reader would take for something else (times, yes/no, numbers).
    style = None
    if value and (value[0].isdigit() or value.lower() in {"yes", "no", "on", "off", "y", "n"}):
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_draft(draft: Draft) -> str:
    """The draft as YAML, keys in model order, dates as ISO dates, nothing lost."""
    data = _plain(draft.model_dump(mode="python"))
    header = "# agreement-kit draft. Edit with 'agreement-kit wizard' or by hand;\n"
    header += "# check with 'agreement-kit check'. Empty values are still to be answered.\n"
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def save_draft(draft: Draft, path: str | Path) -> None:
    """Write the draft atomically (temporary file + rename): a crash never leaves half a file."""
    atomic_write(Path(path), dump_draft(draft))


def new_draft(library: Library) -> Draft:
    """A new draft with the pack's defaults: optional clauses, alternatives and policy options."""
    optional = {
        c.id: c.default for c in library.clauses.values() if c.status != "required" and not c.group
    }
    alternatives = {g: library.group_default(g) for g in library.groups}
    options = {o.id: o.default for o in library.options.values()}
    # Money and percentages are never pre-filled: the district must decide them. Other clause
    # inputs start from the pack's suggestion.
    values = {
        i.id: None if i.kind in ("money", "percent") else i.default
        for i in library.clause_inputs().values()
    }
    return Draft(
        policy_options=options,
        clauses={"optional": optional, "alternatives": alternatives},
        values=values,
    )
