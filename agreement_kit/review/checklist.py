"""The review checklist for counsel: each requirement, the clauses that meet it, and what was left out."""

from __future__ import annotations

from typing import Any

from ..drafts.model import Draft
from ..engine.assembly import number_clauses
from ..engine.coverage import Coverage, check_coverage, included_clauses
from ..packs.library import Library


def checklist_data(
    library: Library, draft: Draft, coverage: Coverage | None = None
) -> dict[str, Any]:
    """The checklist as plain data (also the JSON form)."""
    coverage = coverage or check_coverage(library, draft)
    included, _ = included_clauses(library, draft)
    numbers = {c.id: n for _, _, members in number_clauses(library, included) for c, n in members}
    rows = []
    for req in coverage.requirements:
        source = library.requirements[req.id]
        rows.append(
            {
                "id": req.id,
                "title": req.title,
                "summary": " ".join(source.summary.split()),
                "source": req.source,
                "applies": req.applies,
                "covered": req.covered,
                "state": req.state,
                "waiting_on": list(req.waiting_on),
                "clauses": [
                    {
                        "id": cid,
                        "number": numbers.get(cid) or "Recitals",
                        "title": library.clauses[cid].title,
                        "version": library.clauses[cid].version,
                        "citations": list(library.clauses[cid].citations),
                    }
                    for cid in req.covered_by
                ],
            }
        )
    left_out = [
        {"id": c.id, "title": c.title, "group": c.group, "summary": library.clauses[c.id].summary}
        for c in coverage.clauses
        if not c.included and c.status != "required"
    ]
    notes = [
        {
            "id": cid,
            "number": numbers.get(cid) or "Recitals",
            "title": library.clauses[cid].title,
            "guidance": " ".join(library.clauses[cid].guidance.split()),
        }
        for cid in included
        if library.clauses[cid].guidance.strip()
    ]
    return {
        "format": 1,
        "pack": {
            "id": library.pack.id,
            "version": library.pack.version,
            "overlays": coverage.overlays,
        },
        "district": draft.district.name,
        "complete": coverage.complete,
        "requirements": rows,
        "gaps": coverage.gaps(),
        "left_out": left_out,
        "guidance": notes,
    }


def _cell(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def checklist_markdown(library: Library, draft: Draft, coverage: Coverage | None = None) -> str:
    """The checklist as Markdown, for the attorney's review memo."""
    data = checklist_data(library, draft, coverage)
    who = data["district"] or "the district"
    status = "complete" if data["complete"] else "NOT complete"
    out = [
        f"# Policy coverage checklist — {who}",
        "",
        f"Clause library {data['pack']['id']} {data['pack']['version']}. The draft is **{status}**.",
        "",
        "| req. | requirement | source | met by | citations |",
        "|---|---|---|---|---|",
    ]
    for row in data["requirements"]:
        if not row["applies"]:
            met = "does not apply under the adopted policy options"
        elif row["clauses"]:
            met = "; ".join(f"§ {c['number']} {c['title']} (`{c['id']}`)" for c in row["clauses"])
            if row["state"] == "needs-answers":
                met += " — *answers still missing*"
        else:
            met = "**NOT COVERED**"
        cites = "; ".join(dict.fromkeys(x for c in row["clauses"] for x in c["citations"]))
        out.append(
            f"| {row['id']} | {_cell(row['title'])} | {_cell(row['source'])} | {_cell(met)} "
            f"| {_cell(cites)} |"
        )
    if data["gaps"]:
        out += ["", "## Still to resolve", ""] + [f"- {_cell(g)}" for g in data["gaps"]]
    if data["left_out"]:
        out += ["", "## Optional clauses left out", ""]
        out += [
            f"- `{c['id']}` {_cell(c['title'])}"
            + (f" — {_cell(c['summary'])}" if c["summary"] else "")
            for c in data["left_out"]
        ]
    if data["guidance"]:
        out += ["", "## Guidance notes for counsel", ""]
        for note in data["guidance"]:
            out += [
                f"**§ {note['number']} {_cell(note['title'])}** (`{note['id']}`)",
                "",
                note["guidance"],
                "",
            ]
    return "\n".join(out).rstrip() + "\n"
