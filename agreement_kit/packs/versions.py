"""Pack versions and version ranges, with :mod:`packaging` (the same rules pip uses).

A pack's ``version`` is a semantic version (``1.2.0``; PEP 440 also reads ``2027.1``). An overlay's
``extends`` names its base and, optionally, the versions it was written for::

    extends: wi-psl-sro>=1.0,<2      # any 1.x
    extends: cesa-7==2.1.*           # a CESA layer's 2.1 series
    extends: wi-psl-sro              # any version (not recommended: pin a major version)

A draft's ``packs:`` entry and ``--library``/``--base`` may name an installed pack the same way;
``id@1.2.0`` means exactly that version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

_PACK_REF = re.compile(r"^\s*([a-z0-9]+(?:-[a-z0-9]+)*)\s*(.*?)\s*$")


@dataclass(frozen=True)
class PackRef:
    """A pack named by id, with the versions that will do."""

    id: str
    spec: SpecifierSet
    written: str = field(default="", compare=False)  # the range as the author wrote it

    def accepts(self, version: str) -> bool:
        parsed = parse_version(version)
        return parsed is not None and self.spec.contains(parsed, prereleases=True)

    def __str__(self) -> str:
        return f"{self.id}{self.written or self.spec}"


def parse_version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def version_problem(text: str) -> str | None:
    """Why ``text`` is not a usable pack version, or None."""
    if parse_version(text) is None:
        return f"'{text}' is not a version number; use a semantic version such as 1.0.0"
    return None


def parse_ref(text: str) -> PackRef:
    """``"wi-psl-sro>=1.0,<2"`` / ``"wi-psl-sro@1.2.0"`` / ``"wi-psl-sro"`` -> :class:`PackRef`.

    Raises ValueError saying what is wrong.
    """
    text = text.strip()
    if "@" in text:
        name, _, exact = text.partition("@")
        if parse_version(exact.strip()) is None:
            raise ValueError(f"'{exact.strip()}' after @ is not a version number")
        text = f"{name.strip()}=={exact.strip()}"
    match = _PACK_REF.match(text)
    if not match or (match.group(2) and match.group(2)[0] not in "<>=!~"):
        raise ValueError(
            f"'{text}' is not a pack id with an optional version range "
            "(e.g. wi-psl-sro or wi-psl-sro>=1.0,<2)"
        )
    try:
        spec = SpecifierSet(match.group(2))
    except InvalidSpecifier:
        raise ValueError(
            f"'{match.group(2)}' is not a version range (e.g. >=1.0,<2 or ==1.2.*)"
        ) from None
    return PackRef(match.group(1), spec, match.group(2).replace(" ", ""))


def parse_extends(text: str) -> PackRef:
    return parse_ref(text)


def looks_like_ref(text: str) -> bool:
    """True for an id (optionally with a range), False for something that must be a path."""
    try:
        parse_ref(text)
    except ValueError:
        return False
    return True


def major_range(version: str) -> str:
    """``"1.4.2"`` -> ``">=1.4.2,<2"``: the range an overlay written today should name."""
    parsed = parse_version(version)
    if parsed is None:
        return ""
    return f">={parsed},<{parsed.major + 1}"
