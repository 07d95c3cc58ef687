"""Step 1: the parties — the district and the law enforcement agency or agencies."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from agreement_kit import Coverage, Draft

from ..widgets.fields import AnswerInput, AnswerSelect, FieldRow
from .base import ListButton, StepPane

DISTRICT_KINDS = [
    ("Common school district", "common"),
    ("Union high school district", "union_high"),
    ("Unified school district", "unified"),
    ("First class city school district", "first_class_city"),
]
MUNICIPALITY_KINDS = [
    ("City", "city"),
    ("Village", "village"),
    ("Town", "town"),
    ("County", "county"),
    ("Tribe or band", "tribe"),
    ("State agency", "state_agency"),
]


# Who usually signs and attests for each kind of municipality (a hint only; the draft decides).
SIGNS = {
    "city": "e.g. the Mayor",
    "village": "e.g. the Village President",
    "town": "e.g. the Town Chair",
    "county": "e.g. the County Executive or Board Chair (the Sheriff, above, signs a joinder)",
    "tribe": "e.g. the Tribal Chair",
    "state_agency": "e.g. the agency's head",
}
CLERKS = {
    "city": "the City Clerk",
    "village": "the Village Clerk",
    "town": "the Town Clerk",
    "county": "the County Clerk",
}


# The body that usually approves for each kind (the draft may name another; a tribe must).
BODIES = {
    "city": "Common Council",
    "village": "Village Board",
    "town": "Town Board",
    "county": "County Board",
}


def body_hint(kind: str | None) -> str:
    usual = BODIES.get(kind or "")
    if usual:
        return f"blank = the {usual}"
    if kind == "tribe":
        return "the body that approves under the tribe's own law"
    return "e.g. Common Council, Village Board, County Board"


def resolution_row(label: str, path: str, approval: object, help: str) -> FieldRow:
    return FieldRow(
        label,
        AnswerInput(
            f"{path}.resolution", getattr(approval, "resolution", None), placeholder="Number"
        ),
        AnswerInput(f"{path}.date", getattr(approval, "date", None), kind="date"),
        help=help,
        classes="person",
    )


def signs_hint(kind: str | None) -> str:
    return SIGNS.get(kind or "", "e.g. the Mayor, Village President or Town Chair")


def attests_hint(kind: str | None) -> str:
    return f"optional: who attests the signature, e.g. {CLERKS.get(kind or '', 'the clerk')}"


def person_row(label: str, path: str, person: object, help: str = "") -> FieldRow:
    return FieldRow(
        label,
        AnswerInput(f"{path}.name", getattr(person, "name", None), placeholder="Name"),
        AnswerInput(f"{path}.title", getattr(person, "title", None), placeholder="Title"),
        help=help,
        classes="person",
    )


class PartiesStep(StepPane):
    step_id = "parties"
    title = "Parties"
    short = "Parties"
    intro = "The district and each police department or sheriff. * before a label: still needed."

    def form(self) -> ComposeResult:
        draft: Draft = self.draft
        d = draft.district
        yield Static("School district", classes="group-title")
        yield FieldRow(
            "Name",
            AnswerInput("district.name", d.name, placeholder="e.g. Riverton Area School District"),
        )
        yield FieldRow("Kind", AnswerSelect("district.kind", DISTRICT_KINDS, d.kind))
        yield FieldRow(
            "Board",
            AnswerInput("district.board", d.board, placeholder="e.g. Board of Education"),
        )
        yield FieldRow("Address", AnswerInput("district.address", d.address))
        yield person_row("Administrator", "district.administrator", d.administrator)
        yield person_row(
            "Signs for it", "district.signatory", d.signatory, help="e.g. the Board President"
        )
        yield person_row(
            "Witness (clerk)",
            "district.attest",
            d.attest,
            help="optional: who attests the signature, e.g. the Board Clerk",
        )
        yield person_row(
            "Form approval",
            "district.counsel",
            d.counsel,
            help="the attorney who approves it as to form (optional)",
        )
        yield resolution_row(
            "Board resolution",
            "district.approval",
            d.approval,
            help="number and date adopted; blank lines print until then",
        )
        yield Static("Law enforcement agencies", classes="group-title")
        many = len(draft.agencies) > 1
        for i, a in enumerate(draft.agencies):
            at = f"agencies[{i}]"
            with Horizontal(classes="item-title"):
                yield Static(f"Agency {i + 1}", classes="item-name")
                if many:
                    yield ListButton("Remove", "agencies", i, id=f"remove-agencies-{i}")
            yield FieldRow(
                "Name",
                AnswerInput(f"{at}.name", a.name, placeholder="e.g. Riverton Police Department"),
            )
            yield FieldRow(
                "Municipality",
                AnswerInput(
                    f"{at}.municipality.name",
                    a.municipality.name,
                    placeholder="e.g. City of Riverton",
                ),
                help="the city, village, town or county the agency belongs to: it signs the agreement",
            )
            yield FieldRow(
                "Kind",
                AnswerSelect(f"{at}.municipality.kind", MUNICIPALITY_KINDS, a.municipality.kind),
            )
            kind = a.municipality.kind
            yield FieldRow(
                "Governing body",
                AnswerInput(
                    f"{at}.municipality.governing_body",
                    a.municipality.governing_body,
                    placeholder="e.g. Common Council",
                ),
                help=body_hint(kind),
            )
            yield FieldRow("Address", AnswerInput(f"{at}.address", a.address))
            yield person_row("Chief / sheriff", f"{at}.head", a.head)
            yield person_row("Signs for it", f"{at}.signatory", a.signatory, help=signs_hint(kind))
            yield person_row("Witness (clerk)", f"{at}.attest", a.attest, help=attests_hint(kind))
            yield person_row(
                "Form approval",
                f"{at}.counsel",
                a.counsel,
                help="its attorney, e.g. the City Attorney or Corporation Counsel (optional)",
            )
            yield resolution_row(
                "Resolution",
                f"{at}.approval",
                a.approval,
                help="the governing body's approval: number and date adopted",
            )
            yield FieldRow(
                "Hourly cost",
                AnswerInput(
                    f"{at}.hourly_cost", a.hourly_cost, kind="number", placeholder="e.g. 62.50"
                ),
                help="an officer's wages and benefits per hour, for the cost estimate",
            )
        yield ListButton("+ Add another agency", "agencies", id="add-agencies")

    def update_view(self, draft: Draft, coverage: Coverage) -> None:
        super().update_view(draft, coverage)
        for i, agency in enumerate(draft.agencies):  # the hints follow the municipality's kind
            kind = agency.municipality.kind
            hints = (
                ("signatory.name", signs_hint(kind)),
                ("attest.name", attests_hint(kind)),
                ("municipality.governing_body", body_hint(kind)),
            )
            for leaf, hint in hints:
                control = self.control_for(f"agencies[{i}].{leaf}")
                rows = [r for r in control.ancestors if isinstance(r, FieldRow)] if control else []
                row = rows[0] if rows else None
                if isinstance(row, FieldRow) and row.help != hint:
                    row.help = hint
                    row.query_one(".field-help", Static).update(hint)
