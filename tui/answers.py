"""Answers by draft path: read one, apply one (returning a new Draft), and say where it is asked.

A draft path is what :class:`agreement_kit.Coverage` reports for a missing answer, e.g.
``district.name``, ``agencies[0].municipality.name``, ``program.placements[1].days``,
``policy_options.report_recipient`` or ``values.cost_share_percent``. The wizard names every
control after the path it edits, so a missing answer can be jumped to and an error shown beside it.

Nothing here imports Textual.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import ValidationError

from agreement_kit import Coverage, Draft, Library

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+|\*)\]")

STEP_IDS: tuple[str, ...] = ("parties", "program", "term", "clauses", "review")
"""The wizard's steps, in order (their widgets are listed in ``tui.steps``)."""

_STEP_OF_ROOT = {
    "district": "parties",
    "agencies": "parties",
    "program": "program",
    "term": "term",
    "policy_options": "term",
    "clauses": "clauses",
    "values": "clauses",
    "title": "review",
    "final": "review",
}


DATE_HINT = "enter a date as YYYY-MM-DD or M/D/YYYY, e.g. 2027-07-01 or 7/1/2027"


class AnswerError(ValueError):
    """An answer that cannot be taken as typed; the message is meant for the user."""


def parse_path(path: str) -> list[str | int]:
    """``'agencies[0].head.name'`` -> ``['agencies', 0, 'head', 'name']``."""
    parts: list[str | int] = []
    for name, index in _TOKEN.findall(path):
        if name:
            parts.append(name)
        else:
            parts.append(int(index) if index.isdigit() else "*")
    return parts


def join_path(parts: list[str | int]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def field_id(path: str) -> str:
    """A widget id for the control that edits ``path`` (ids allow letters, digits, - and _)."""
    return "f-" + "-".join(str(p) for p in parse_path(path))


def step_for_path(path: str) -> str:
    """The step where the answer at ``path`` is asked."""
    root = parse_path(path)[0] if path else ""
    return _STEP_OF_ROOT.get(str(root), "review")


def get_answer(data: Any, path: str) -> Any:
    """The value at ``path`` in a draft (or its dict dump); ``None`` when absent."""
    node = data
    for part in parse_path(path):
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list):
            if not isinstance(part, int) or part >= len(node):
                return None
            node = node[part]
        elif node is not None and isinstance(part, str):
            node = getattr(node, part, None)
        else:
            return None
    return node


def _set(data: Any, parts: list[str | int], value: Any) -> Any:
    """A copy of ``data`` with ``value`` at ``parts`` (containers copied along the path only)."""
    if not parts:
        return value
    head, rest = parts[0], parts[1:]
    if isinstance(data, list):
        if not isinstance(head, int) or head >= len(data):
            raise AnswerError(f"there is no item {head} here")
        items = list(data)
        items[head] = _set(items[head], rest, value)
        return items
    mapping = dict(data or {})
    mapping[head] = _set(mapping.get(head), rest, value)
    return mapping


def _with(draft: Draft, path: str, value: Any) -> Draft:
    data = draft.model_dump(mode="python")
    return Draft.model_validate(_set(data, parse_path(path), value))


def friendly(exc: ValidationError) -> str:
    """The first pydantic error in words a superintendent would use."""
    err = exc.errors()[0]
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind.startswith("date") or kind.startswith("datetime"):
        if "range" in str(ctx.get("error", "")):
            return "there is no such date (check the month and day)"
        return DATE_HINT
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "enter a whole number"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}"
    if kind == "literal_error":
        return f"choose one of: {ctx.get('expected', '')}"
    message = str(err.get("msg", "not a valid answer")).removeprefix("Value error, ")
    return re.sub(r"^[a-z_]+: ", "", message)  # the model may name the field first


def _number(raw: str) -> float | int:
    text = raw.replace(",", "").replace("$", "").replace("%", "").strip()
    try:
        number = float(text)
    except ValueError:
        raise AnswerError("enter a number, e.g. 50 or 12.5") from None
    return int(number) if number.is_integer() else number


def convert_value(library: Library, key: str, raw: Any) -> Any:
    """A clause input typed as text, converted to the kind the clause declares."""
    spec = library.clause_inputs().get(key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if spec is None or not isinstance(raw, str):
        return raw
    raw = raw.strip()
    if spec.kind == "integer":
        try:
            return int(raw.replace(",", ""))
        except ValueError:
            raise AnswerError("enter a whole number") from None
    if spec.kind in ("number", "money"):
        value = _number(raw)
        if spec.kind == "money" and value < 0:
            raise AnswerError("an amount cannot be negative")
        return value
    if spec.kind == "percent":
        value = _number(raw)
        if not 0 <= value <= 100:
            raise AnswerError("enter a percentage from 0 to 100")
        return value
    if spec.kind == "date":
        try:
            return dt.date.fromisoformat(iso_date(raw))
        except ValueError:
            raise AnswerError(DATE_HINT) from None
    return raw


def apply_answer(draft: Draft, path: str, value: Any, library: Library) -> Draft:
    """A new draft with ``value`` at ``path``, validated by the draft model.

    Raises :class:`AnswerError` with a message for the user when the answer is not valid.
    """
    if path.startswith("values."):
        value = convert_value(library, path.removeprefix("values."), value)
    elif (path in ("term.effective", "term.end") or path.endswith(".date")) and isinstance(
        value, str
    ):
        value = iso_date(value)
    try:
        return _with(draft, path, value)
    except ValidationError as exc:
        raise AnswerError(friendly(exc)) from None


def display(value: Any) -> str:
    """How an answer shows in a text field."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def complete_steps(draft: Draft, coverage: Coverage) -> set[str]:
    """The steps with nothing left to answer (the review step: the agreement can be built)."""
    open_steps = {step_for_path(p) for p in coverage.missing_answers}
    if not draft.agencies:
        open_steps.add("parties")
    if not draft.program.placements:
        open_steps.add("program")
    if coverage.uncovered or any(g.required and g.chosen is None for g in coverage.groups):
        open_steps.add("clauses")
    done = {s for s in STEP_IDS if s not in open_steps and s != "review"}
    if coverage.complete:
        done.add("review")
    return done


def stale_choices(draft: Draft, library: Library) -> list[str]:
    """Draft paths of choices and answers for things the library does not have (any more)."""
    groups = library.groups
    inputs = library.clause_inputs()
    out = [
        f"clauses.optional.{key}"
        for key in draft.clauses.optional
        if key not in library.clauses or library.clauses[key].group
    ]
    out += [
        f"clauses.alternatives.{group}"
        for group, pick in draft.clauses.alternatives.items()
        if group not in groups or (pick != "none" and pick not in groups[group])
    ]
    out += [f"values.{key}" for key in draft.values if key not in inputs]
    out += [f"policy_options.{key}" for key in draft.policy_options if key not in library.options]
    return out


def without_stale_choices(draft: Draft, library: Library) -> Draft:
    """A new draft without the choices :func:`stale_choices` lists."""
    data: dict[Any, Any] = draft.model_dump(mode="python")
    for path in stale_choices(draft, library):
        root, *middle, key = parse_path(path)
        container = data[root]
        for part in middle:
            container = container[part]
        container.pop(key, None)
    return Draft.model_validate(data)


# ---------------------------------------------------------------- lists


def add_item(draft: Draft, list_path: str) -> Draft:
    """A new draft with an empty item appended to ``agencies`` or ``program.placements``."""
    items = list(get_answer(draft.model_dump(mode="python"), list_path) or [])
    return _with(draft, list_path, [*items, {}])


def remove_item(draft: Draft, list_path: str, index: int) -> Draft:
    """A new draft without item ``index``; placements keep pointing at the right agency."""
    data = draft.model_dump(mode="python")
    items = list(get_answer(data, list_path) or [])
    if not 0 <= index < len(items):
        return draft
    del items[index]
    data = _set(data, parse_path(list_path), items)
    if list_path == "agencies":
        for key in ("placements", "officers"):
            for item in data["program"][key]:
                if item["agency"] == index:
                    item["agency"] = 0
                elif item["agency"] > index:
                    item["agency"] -= 1
    return Draft.model_validate(data)


# ---------------------------------------------------------------- words

# Every answer the form asks, in form order (step by step, field by field), with the words the form
# shows for it. ``{agency}`` and ``{building}`` become "Agency 1", "Building 2". Clause answers and
# policy options take their labels from the library.
FORM_FIELDS: tuple[tuple[str, str], ...] = (
    ("district.name", "District › Name"),
    ("district.kind", "District › Kind"),
    ("district.board", "District › Board"),
    ("district.address", "District › Address"),
    ("district.administrator.name", "District › Administrator › Name"),
    ("district.administrator.title", "District › Administrator › Title"),
    ("district.signatory.name", "District › Signs for it › Name"),
    ("district.signatory.title", "District › Signs for it › Title"),
    ("district.attest.name", "District › Witness (clerk) › Name"),
    ("district.attest.title", "District › Witness (clerk) › Title"),
    ("agencies", "Law enforcement agencies"),
    ("agencies[*].name", "{agency} › Name"),
    ("agencies[*].municipality.name", "{agency} › Municipality"),
    ("agencies[*].municipality.kind", "{agency} › Municipality kind"),
    ("agencies[*].address", "{agency} › Address"),
    ("agencies[*].head.name", "{agency} › Chief / sheriff › Name"),
    ("agencies[*].head.title", "{agency} › Chief / sheriff › Title"),
    ("agencies[*].signatory.name", "{agency} › Signs for it › Name"),
    ("agencies[*].signatory.title", "{agency} › Signs for it › Title"),
    ("agencies[*].attest.name", "{agency} › Witness (clerk) › Name"),
    ("agencies[*].attest.title", "{agency} › Witness (clerk) › Title"),
    ("program.name", "Program › Program name"),
    ("program.officer_count", "Program › Officers"),
    ("program.officers", "Program › Officers"),
    ("program.placements", "Program › School buildings"),
    ("program.placements[*].building", "{building} › Name"),
    ("program.placements[*].principal", "{building} › Principal"),
    ("program.placements[*].days", "{building} › Days"),
    ("program.placements[*].start", "{building} › Hours (start)"),
    ("program.placements[*].end", "{building} › Hours (end)"),
    ("program.placements[*].agency", "{building} › Agency"),
    ("term.effective", "Term › Effective date"),
    ("term.end", "Term › End date"),
    ("term.renewal", "Term › Renewal"),
    ("term.renewal_years", "Term › Renewal years"),
    ("title", "Document › Short title"),
    ("final", "Document › Final copy"),
)
_FORM_INDEX = {path: i for i, (path, _) in enumerate(FORM_FIELDS)}
_FORM_LABEL = dict(FORM_FIELDS)


def _generic(parts: list[str | int]) -> str:
    return join_path(["*" if isinstance(p, int) else p for p in parts]).replace(".*", "[*]")


def describe(path: str, library: Library | None = None) -> str:
    """A draft path in the words the form uses: ``agencies[0].municipality.kind`` ->
    'Agency 1 › Municipality kind'; a clause answer or policy option -> its label in the library."""
    parts = parse_path(path)
    if not parts:
        return path
    root = parts[0]
    if root in ("values", "policy_options") and len(parts) > 1 and library is not None:
        key = str(parts[1])
        if root == "values" and key in library.clause_inputs():
            return str(library.clause_inputs()[key].label)
        if root == "policy_options" and key in library.options:
            return str(library.options[key].question)
    label = _FORM_LABEL.get(_generic(parts))
    if label is None:
        words = [str(p + 1) if isinstance(p, int) else p.replace("_", " ") for p in parts]
        text = " › ".join(words)
        return text[:1].upper() + text[1:]
    indexes = [p for p in parts if isinstance(p, int)]
    number = indexes[0] + 1 if indexes else 0
    return label.format(agency=f"Agency {number}", building=f"Building {number}")


def short_label(path: str, library: Library | None = None) -> str:
    """The field's own label, for a sentence: 'Effective date', 'Administrator name'."""
    words = describe(path, library).split(" › ")
    if len(words) > 1 and words[-1] in ("Name", "Title"):
        return f"{words[-2]} {words[-1].lower()}"
    return words[-1]


def form_position(path: str, library: Library | None = None) -> tuple[int, int, int, str]:
    """Sort key putting answers in the order the form asks them: step, item, field."""
    parts = parse_path(path)
    step = STEP_IDS.index(step_for_path(path)) if parts else len(STEP_IDS)
    indexes = [p for p in parts if isinstance(p, int)]
    item = indexes[0] if indexes else -1
    field = _FORM_INDEX.get(_generic(parts), len(FORM_FIELDS))
    if library is not None and len(parts) > 1:
        key = str(parts[1])
        if parts[0] == "policy_options" and key in library.options:
            field = len(FORM_FIELDS) + list(library.options).index(key)
        elif parts[0] == "values" and key in library.clause_inputs():
            field = len(FORM_FIELDS) + list(library.clause_inputs()).index(key)
    return (step, item, field, path)


# ---------------------------------------------------------------- pairs and dates

_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def iso_date(text: str) -> str:
    """A date typed US-style (8/1/2026) as YYYY-MM-DD; anything else unchanged."""
    m = _US_DATE.fullmatch(text.strip())
    if not m:
        return text
    month, day, year = m.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def partner(path: str) -> str | None:
    """The field checked together with ``path`` (start/end time, effective/end date)."""
    pairs = {"term.effective": "term.end", "term.end": "term.effective"}
    if path in pairs:
        return pairs[path]
    parts = parse_path(path)
    if len(parts) == 4 and parts[:2] == ["program", "placements"] and parts[3] in ("start", "end"):
        other = "end" if parts[3] == "start" else "start"
        return join_path([*parts[:3], other])
    return None


def staffed_by(draft: Draft, agency: int) -> list[tuple[int, str]]:
    """The buildings agency ``agency`` staffs, as (placement index, what to call it)."""
    return [
        (i, f"Building {i + 1}" + (f" ({p.building})" if p.building else ""))
        for i, p in enumerate(draft.program.placements)
        if p.agency == agency
    ]
