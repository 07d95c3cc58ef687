"""Reading, checking and saving draft files.

Reading is strict and located (:mod:`agreement_kit.yamlio`). Saving keeps what a person wrote:
:func:`save_draft` and :class:`DraftFile` put only the changed answers into the file's round-trip
document (ruamel.yaml, see :mod:`.roundtrip`), so comments, key order and quoting survive.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..engine.values import option_problem, value_problem
from ..packs.library import Library
from ..problems import Problem, ProblemsError
from ..yamlio import (
    MAX_YAML_BYTES,
    Located,
    atomic_write,
    parse_yaml,
    pydantic_problems,
    read_yaml,
)
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


# ---------------------------------------------------------------- writing

DRAFT_SUFFIXES = (".yaml", ".yml")

HEADER = (
    "agreement-kit draft. Edit with 'agreement-kit wizard' or by hand (your comments are kept);\n"
    "check with 'agreement-kit check'. Empty values are still to be answered."
)

# The note written above each top-level key of a new draft.
STARTER_NOTES = {
    "packs": "Overlay clause packs (folders) layered over the bundled Wisconsin pack, in order.",
    "district": (
        "The school district: kind is common, union_high, unified or first_class_city. approval is\n"
        "the Board's resolution (number, and date adopted as YYYY-MM-DD); it may stay empty in a\n"
        "board-packet copy (a line to fill in prints) but a final copy needs it. counsel is the\n"
        "attorney who approves the agreement as to form."
    ),
    "agencies": (
        "One entry per law enforcement agency. municipality is the legal party (the city, village,\n"
        "town or county); kind is city, village, town, county, tribe or state_agency;\n"
        "governing_body is the body that approves (empty = Common Council, Village Board, Town\n"
        "Board or County Board; a tribe names its own). approval is that body's resolution,\n"
        "counsel its attorney (approved as to form), head the chief of police (who acknowledges)\n"
        "or sheriff (who also signs). hourly_cost is the estimated hourly cost of an officer's\n"
        "wages and benefits, which the cost estimate multiplies by the scheduled hours."
    ),
    "program": (
        "name is PSL or SRO. One placement per building: days (mon..sun), start and end (24-hour\n"
        "HH:MM), the building principal, and agency (0 = the first agency listed)."
    ),
    "term": "Dates as YYYY-MM-DD. renewal is none, automatic or by_agreement.",
    "policy_options": "Match the options your board adopted in Policy 8407.",
    "clauses": "optional: clause id -> true/false. alternatives: group -> the chosen clause id.",
    "values": "Clause-specific answers (see 'agreement-kit library list').",
    "wizard": "Where the wizard was when this was saved (it reopens there).",
}


def _data(draft: Draft) -> dict[str, Any]:
    return draft.model_dump(mode="python")


def dump_draft(draft: Draft, path: str | Path | None = None) -> str:
    """The draft as a new, commented YAML file: keys in model order, a note above each part.

    The first line points editors at the draft's JSON Schema (relative to ``path`` when given), so
    they offer the keys and check them as you type."""
    from ..packs.schema import schema_comment
    from .roundtrip import Layout, emit, to_node

    document = to_node(_data(draft))
    schema = schema_comment("draft", Path(path) if path is not None else None).removeprefix("# ")
    document.yaml_set_start_comment(schema + "\n" + HEADER)
    for key, note in STARTER_NOTES.items():
        if key in document:
            document.yaml_set_comment_before_after_key(key, before="\n" + note)
    return emit(document, Layout())


def draft_path_problem(path: str | Path) -> str | None:
    """Why ``path`` cannot hold a draft (it must be a .yaml or .yml file), or None."""
    path = Path(path)
    if path.suffix.lower() not in DRAFT_SUFFIXES:
        return f"a draft is a .yaml file; '{path.name}' does not end in .yaml or .yml"
    if path.is_dir():
        return "this is a folder"
    return None


class DraftChangedError(ProblemsError):
    """The file changed on disk since it was read or last saved (another wizard, an editor)."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            [
                Problem(
                    "the file was changed by another program since it was opened or last saved",
                    file=str(path),
                    hint="reload it, or save your answers under another name",
                    code="draft-changed",
                )
            ],
            summary=f"{path} changed outside agreement-kit",
            kind="environment",
        )
        self.path = path


class DraftFile:
    """A draft file held open for editing (the wizard's). :meth:`save` keeps the file's comments,
    key order and quoting, writes nothing when nothing changed, and refuses (with
    :class:`DraftChangedError`) to replace a file someone changed in the meantime."""

    def __init__(self, path: str | Path, draft: Draft, text: str | None) -> None:
        self.path = Path(path)
        self.draft = draft  # as the file now reads
        self._text = text  # the file's text as last read or written; None: not written yet
        self._document: Any = None
        self._layout: Any = None
        self._stamp = self._stat()

    @classmethod
    def open(cls, path: str | Path) -> DraftFile:
        """Read and check the draft at ``path``. Raises :class:`ProblemsError`."""
        path = Path(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise ProblemsError([Problem("file not found", file=str(path))]) from None
        except OSError as exc:
            raise ProblemsError([Problem(f"cannot read: {exc.strerror}", file=str(path))]) from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProblemsError(
                [Problem(f"not UTF-8 text ({exc.reason}); is this a draft?", file=str(path))],
                summary=f"cannot read draft {path}",
            ) from None
        if len(raw) > MAX_YAML_BYTES:
            raise ProblemsError(
                [Problem("file is larger than 2 MB; is it the right file?", file=str(path))]
            )
        return cls(path, parse_draft(text, str(path)), text)

    @classmethod
    def new(cls, path: str | Path, draft: Draft) -> DraftFile:
        """A draft that is not on disk yet; the first :meth:`save` writes a commented file."""
        return cls(path, draft, None)

    # ------------------------------------------------------------ the file on disk

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def changed_outside(self) -> bool:
        """True when the file on disk is no longer what was read or last saved."""
        stamp = self._stat()
        if stamp == self._stamp:
            return False
        if self._text is None:
            return stamp is not None  # someone created it after we started
        if stamp is None:
            return False  # deleted or moved away: saving again loses nothing of theirs
        try:
            same = self.path.read_bytes() == self._text.encode("utf-8")
        except OSError:
            return True
        if same:
            self._stamp = stamp  # touched, not changed
        return not same

    def reload(self) -> Draft:
        """Read the file again (after an outside change). Raises :class:`ProblemsError`."""
        fresh = DraftFile.open(self.path)
        self.__dict__.update(fresh.__dict__)
        return self.draft

    # ------------------------------------------------------------ saving

    def render(self, draft: Draft) -> str:
        """The file's text with ``draft``'s answers, as :meth:`save` would write it."""
        from .roundtrip import apply_changes, emit, load_document

        if self._text is None:
            return dump_draft(draft, self.path)
        if self._document is None:
            self._document, self._layout = load_document(self._text)
        apply_changes(self._document, _data(self.draft), _data(draft))
        return emit(self._document, self._layout)

    def save(self, draft: Draft, *, replace: bool = False) -> bool:
        """Write ``draft`` (atomically). False when the file already says exactly that.

        Raises :class:`DraftChangedError` when the file was changed by someone else, unless
        ``replace`` (then their layout and comments are kept where they can be, their answers
        replaced by these).
        """
        if self.changed_outside():
            if not replace:
                raise DraftChangedError(self.path)
            self._adopt_disk()
        if self._text is not None and self._stat() is not None and self.draft == draft:
            return False
        text = self.render(draft)
        if text == self._text and self._stat() is not None:
            self.draft = draft
            return False
        try:
            atomic_write(self.path, text)
        except BaseException:
            self._document = None  # the document holds the unsaved change; read it again
            raise
        self._text, self.draft, self._stamp = text, draft, self._stat()
        return True

    def _adopt_disk(self) -> None:
        """Take the file as it is now on disk as the base for the next save."""
        try:
            fresh = DraftFile.open(self.path)
        except ProblemsError:
            self._text, self._document = None, None  # not a draft now: write a new one
            return
        self._text, self.draft, self._document = fresh._text, fresh.draft, None
        self._stamp = fresh._stamp


def save_draft(draft: Draft, path: str | Path, *, fresh: bool = False) -> bool:
    """Save ``draft`` to ``path`` atomically, keeping the file's comments and layout.

    An existing draft keeps everything a person wrote — comments, key order, quoting, flow
    lists — and only the answers that changed are rewritten; when nothing changed the file is not
    touched (False is returned). A new file (or ``fresh=True``) gets a commented starter.
    Raises :class:`ProblemsError` when ``path`` is not a .yaml/.yml name, or when the file there
    is not a draft that can be read (it is never replaced by a draft).
    """
    path = Path(path)
    problem = draft_path_problem(path)
    if problem:
        raise ProblemsError(
            [Problem(problem, file=str(path), hint="give the draft a name ending in .yaml")],
            summary=f"cannot save the draft as {path}",
        )
    if fresh or not path.exists():
        atomic_write(path, dump_draft(draft, path))
        return True
    try:
        target = DraftFile.open(path)
    except ProblemsError as exc:
        raise ProblemsError(
            exc.problems, summary=f"{path} is not a draft that can be read; not replaced"
        ) from None
    return target.save(draft)


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
        pins={p.id: p.version for p in library.packs},  # what it was written against
        policy_options=options,
        clauses={"optional": optional, "alternatives": alternatives},
        values=values,
    )
