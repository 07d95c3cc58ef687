"""Build templates/agreement.docx (the bundled Word template) with python-docx.

Run: uv run python templates/build_template.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document

OUT = Path(__file__).with_name("agreement.docx")


def build() -> Document:
    doc = Document()
    doc.add_paragraph("{{ title }}", style="Title")
    doc.add_paragraph("{{ short_title }}")
    doc.add_paragraph("{%p for p in parties %}")
    doc.add_paragraph("{{ p.name }}, acting through {{ p.acting_through }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p for s in sections %}")
    doc.add_paragraph("{{ s.number }} {{ s.title }}", style="Heading 1")
    doc.add_paragraph("{%p for c in s.clauses %}")
    doc.add_paragraph("{{ c.number }} {{ c.title }}", style="Heading 2")
    doc.add_paragraph("{%p for para in c.paragraphs %}")
    doc.add_paragraph("{{ para }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p for b in signatures %}")
    doc.add_paragraph("{{ b.party }}")
    doc.add_paragraph("By: ______________________  {{ b.signer_name }}, {{ b.signer_title }}")
    doc.add_paragraph("{%p endfor %}")
    return doc


if __name__ == "__main__":
    build().save(sys.argv[1] if len(sys.argv) > 1 else OUT)
    print(f"wrote {OUT}")
