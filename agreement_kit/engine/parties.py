"""The parties as the agreement names them, and the signature block each kind of party signs.

A school district contracts through its board. On the law enforcement side the legal party is the
municipality, acting through its governing body: a city through its common council, a village or a
town through its board, a county through its county board (with the sheriff signing for the
sheriff's office), a tribe through the body its own law names. A police department or sheriff's
office is the municipality's law enforcement agency, not a party of its own; its head acknowledges
(or, for a sheriff, joins in) the agreement on the signature page.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..drafts.model import Agency, Approval, Draft

# The usual approving body for each kind; the draft may name another (a tribe always does).
GOVERNING_BODIES = {
    "city": "Common Council",
    "village": "Village Board",
    "town": "Town Board",
    "county": "County Board",
}
# The usual title of the attorney who approves the agreement as to form, when the draft gives none.
COUNSEL_TITLES = {
    "city": "City Attorney",
    "village": "Village Attorney",
    "town": "Town Attorney",
    "county": "Corporation Counsel",
}
DISTRICT_COUNSEL_TITLE = "Attorney for the District"
# What the head of the law enforcement agency does on the signature page, by kind of municipality:
# a chief of police acknowledges the duties the agreement gives the department; a sheriff joins in.
HEAD_ROLES: dict[str, Literal["acknowledge", "join", "none"]] = {
    "city": "acknowledge",
    "village": "acknowledge",
    "town": "acknowledge",
    "county": "join",
    "tribe": "acknowledge",
    "state_agency": "none",
}
HEAD_TITLES = {"county": "Sheriff"}
DEFAULT_HEAD_TITLE = "Chief of Police"
# Kinds that Wis. Stat. § 66.0301(1)(a) lists as municipalities (per the pack's references); a tribe
# is not asserted to be one in the agreement's text (a point for counsel to verify).
LISTED_KINDS = ("city", "village", "town", "county", "state_agency")
KIND_LABELS = {
    "city": "city",
    "village": "village",
    "town": "town",
    "county": "county",
    "tribe": "federally recognized American Indian tribe or band",
    "state_agency": "state agency",
}
BLANK_NUMBER = "_" * 12
BLANK_DATE = "_" * 18


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Party(_Out):
    role: str  # "District" or "Agency"
    name: str  # the legal party (district; municipality)
    acting_through: (
        str | None
    )  # the board; the municipality's governing body ("its Common Council")
    kind: str
    address: str | None
    agency: str | None = None  # the law enforcement agency (police department, sheriff's office)
    description: str = ""  # "the City of Riverton, a Wisconsin city acting through its ..."


class Signer(_Out):
    """One signature line of a block, with an optional heading and statement above it."""

    lead: str  # "By:", "Attest:", "Approved as to form:"
    name: str | None
    title: str | None
    dated: bool = False
    heading: str | None = None  # e.g. "Kettle County Sheriff's Office"
    statement: str | None = None  # e.g. what the Sheriff's signature means


class SignatureBlock(_Out):
    party: str
    acting_through: str | None
    signer_name: str | None
    signer_title: str | None
    attest_name: str | None
    attest_title: str | None
    kind: str = ""
    approval: str | None = None  # "Approved by the Common Council by Resolution No. …, adopted …."
    signers: list[Signer] = []


# ----------------------------------------------------------------------------- words


def with_article(name: str | None) -> str | None:
    """'City of Riverton' -> 'the City of Riverton'; 'Dane County' and 'The X' stay as they are."""
    if not name:
        return name
    if re.match(r"(?i)(the|its)\b", name):
        return name
    if re.match(r"(City|Village|Town|County|State|Board) of\b", name) or "School District" in name:
        return f"the {name}"
    return name


def long_date(value: dt.date | None) -> str | None:
    return f"{value:%B} {value.day}, {value.year}" if value else None


def department(name: str | None) -> str | None:
    """A police department or sheriff's office with its article: 'the Riverton Police Department'."""
    if not name:
        return name
    return name if re.match(r"(?i)the\b", name) else f"the {name}"


def governing_body(agency: Agency) -> str | None:
    """The body that approves the agreement for the agency's municipality."""
    m = agency.municipality
    return m.governing_body or GOVERNING_BODIES.get(m.kind or "")


def body_of(agency: Agency) -> str | None:
    """'the Common Council of the City of Riverton'."""
    body, name = governing_body(agency), with_article(agency.municipality.name)
    if not body or not name:
        return None
    return f"the {body} of {name}" if not re.match(r"(?i)the\b", body) else f"{body} of {name}"


def resolution(approval: Approval, final: bool) -> str | None:
    """'Resolution No. 2027-14, adopted June 8, 2027'. In a draft copy an unanswered number or date
    prints as a line to fill in; in the signing copy (``final``) it is a missing answer (None)."""
    if final and not (approval.resolution and approval.date):
        return None
    number = approval.resolution or BLANK_NUMBER
    number = number if re.match(r"(?i)(no\.|number)\s", number) else f"No. {number}"
    return f"Resolution {number}, adopted {long_date(approval.date) or BLANK_DATE}"


def kind_phrase(kind: str | None) -> str:
    """'a Wisconsin city', 'a federally recognized American Indian tribe or band', ''."""
    if not kind:
        return ""
    if kind == "state_agency":
        return "an agency of the State of Wisconsin"
    if kind == "tribe":
        return f"a {KIND_LABELS[kind]}"
    return f"a Wisconsin {KIND_LABELS.get(kind, kind)}"


def agency_description(agency: Agency) -> str:
    """How the opening paragraph names a law enforcement party."""
    m = agency.municipality
    name = with_article(m.name) or "[Agency]"
    body = governing_body(agency)
    kind = kind_phrase(m.kind)
    acting = f" acting through its {body}" if body else ""
    out = f"{name}, {kind}{acting}" if kind else f"{name}{',' if acting else ''}{acting}"
    if agency.name:
        out += f", whose law enforcement agency is {department(agency.name)}"
    return out


def district_description(draft: Draft, kind_label: str) -> str:
    d = draft.district
    name = with_article(d.name) or "[District]"
    bits = [name]
    if kind_label:
        bits.append(f"a Wisconsin {kind_label}")
    if d.board:
        board = d.board if re.match(r"(?i)(the|its)\b", d.board) else f"the {d.board}"
        bits[-1] += f" acting through {board}"
    return ", ".join(bits)


# ----------------------------------------------------------------------------- parties


def party_list(draft: Draft, district_kinds: dict[str, str]) -> list[Party]:
    d = draft.district
    kind_label = district_kinds.get(d.kind or "", "")
    parties = [
        Party(
            role="District",
            name=d.name or "",
            acting_through=d.board,
            kind=kind_label,
            address=d.address,
            description=district_description(draft, kind_label),
        )
    ]
    for a in draft.agencies:
        body = governing_body(a)
        parties.append(
            Party(
                role="Agency",
                name=a.municipality.name or "",
                acting_through=f"its {body}" if body else None,
                kind=KIND_LABELS.get(a.municipality.kind or "", ""),
                address=a.address,
                agency=a.name,
                description=agency_description(a),
            )
        )
    return parties


# ----------------------------------------------------------------------------- signatures


def _approval_line(body: str | None, approval: Approval, final: bool) -> str | None:
    if not body:
        return None
    words = resolution(approval, final) or resolution(approval, False)
    return f"Approved by {body} by {words}."


def _head_signer(agency: Agency) -> Signer | None:
    kind = agency.municipality.kind or ""
    role = HEAD_ROLES.get(kind, "acknowledge")
    if role == "none" or not agency.name:
        return None
    title = agency.head.title or HEAD_TITLES.get(kind, DEFAULT_HEAD_TITLE)
    office = department(agency.name)
    if role == "join":
        statement = (
            f"The {title} joins in this Agreement and agrees to carry out the duties it assigns "
            f"to {office} and its officers."
        )
        heading = agency.name
    else:
        statement = (
            f"The {title} has read this Agreement and acknowledges the duties it assigns to "
            f"{office} and its officers."
        )
        heading = f"Acknowledged for {office}"
    return Signer(
        lead="By:",
        name=agency.head.name,
        title=title,
        dated=True,
        heading=heading,
        statement=statement,
    )


def signature_blocks(draft: Draft) -> list[SignatureBlock]:
    """One block per party: who signs, who attests, who approves as to form, and (for a law
    enforcement party) the chief's acknowledgment or the sheriff's joinder."""
    d = draft.district
    signers = [Signer(lead="By:", name=d.signatory.name, title=d.signatory.title, dated=True)]
    if d.attest.name:
        signers.append(Signer(lead="Attest:", name=d.attest.name, title=d.attest.title))
    signers.append(
        Signer(
            lead="Approved as to form:",
            name=d.counsel.name,
            title=d.counsel.title or DISTRICT_COUNSEL_TITLE,
        )
    )
    blocks = [
        SignatureBlock(
            party=d.name or "",
            acting_through=d.board,
            signer_name=d.signatory.name,
            signer_title=d.signatory.title,
            attest_name=d.attest.name,
            attest_title=d.attest.title,
            kind="district",
            approval=_approval_line("the Board", d.approval, draft.final),
            signers=signers,
        )
    ]
    for a in draft.agencies:
        kind = a.municipality.kind or ""
        signers = [Signer(lead="By:", name=a.signatory.name, title=a.signatory.title, dated=True)]
        if a.attest.name:
            signers.append(Signer(lead="Attest:", name=a.attest.name, title=a.attest.title))
        signers.append(
            Signer(
                lead="Approved as to form:",
                name=a.counsel.name,
                title=a.counsel.title or COUNSEL_TITLES.get(kind),
            )
        )
        head = _head_signer(a)
        if head:
            signers.append(head)
        body = governing_body(a)
        blocks.append(
            SignatureBlock(
                party=a.municipality.name or "",
                acting_through=f"its {body}" if body else None,
                signer_name=a.signatory.name,
                signer_title=a.signatory.title,
                attest_name=a.attest.name,
                attest_title=a.attest.title,
                kind=kind,
                approval=_approval_line(f"the {body}" if body else None, a.approval, draft.final),
                signers=signers,
            )
        )
    return blocks
