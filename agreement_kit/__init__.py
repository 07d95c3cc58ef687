"""agreement-kit: clause library, policy coverage and Word assembly for Wisconsin PSL/SRO agreements.

The public API::

    from agreement_kit import load_library, load_draft, check_coverage, assemble, render_docx

    library = load_library()                       # the bundled Wisconsin pack (+ overlays)
    draft = load_draft("examples/riverton.yaml")
    coverage = check_coverage(library, draft)      # requirement -> clauses, missing answers
    agreement = assemble(library, draft)           # numbered, rendered clauses
    render_docx(agreement, "riverton.docx")        # the Word document
"""

__version__ = "0.1.0"

from .assembly import Agreement, assemble  # noqa: E402
from .coverage import Coverage, check_coverage  # noqa: E402
from .draft import Draft  # noqa: E402
from .drafts import dump_draft, load_draft, new_draft, parse_draft, save_draft  # noqa: E402
from .library import Library, load_library  # noqa: E402
from .pdf import convert_to_pdf, find_soffice  # noqa: E402
from .problems import Problem, ProblemsError  # noqa: E402
from .render import render_docx  # noqa: E402

__all__ = [
    "Agreement",
    "Coverage",
    "Draft",
    "Library",
    "Problem",
    "ProblemsError",
    "__version__",
    "assemble",
    "check_coverage",
    "convert_to_pdf",
    "dump_draft",
    "find_soffice",
    "load_draft",
    "load_library",
    "new_draft",
    "parse_draft",
    "render_docx",
    "save_draft",
]
