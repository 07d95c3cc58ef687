"""Installed packs: the ones a draft, ``--base`` or ``--library`` can name by id.

Looked up, first match wins, in:

1. each folder of ``AGREEMENT_KIT_PACKS`` (``os.pathsep``-separated; a folder is a pack, or holds
   pack folders), so a machine or a CI job can put its own packs first;
2. pack packages installed with pip, which declare an entry point in the ``agreement_kit.packs``
   group — ``my-pack = "my_pack_module"`` or ``"my_pack_module:folder/inside"`` — naming the package
   folder that holds ``pack.yaml``. The package is located, never imported: discovering a pack runs
   none of its code;
3. the packs bundled with agreement-kit.

Within one of those sources, the highest version that satisfies the requested range wins.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.version import Version

from ..problems import Problem
from ..resources import bundled_pack_dir
from ..yamlio import read_yaml
from .versions import PackRef, parse_version

ENTRY_POINT_GROUP = "agreement_kit.packs"
ENV_VAR = "AGREEMENT_KIT_PACKS"


@dataclass(frozen=True)
class InstalledPack:
    id: str
    version: str
    dir: Path
    origin: str  # "AGREEMENT_KIT_PACKS", "entry point x (package y 1.0)", "bundled"
    source: int  # 0 env, 1 entry points, 2 bundled: lower wins


def manifest_head(pack_dir: Path) -> tuple[str | None, str | None, str | None]:
    """``(id, version, extends)`` from a folder's pack.yaml, or Nones when it cannot be read."""
    path = pack_dir / "pack.yaml"
    if not path.is_file():
        return None, None, None
    located, problems = read_yaml(path)
    data = located.data if located is not None and not problems else None
    if not isinstance(data, dict):
        return None, None, None

    def text(key: str) -> str | None:
        value = data.get(key)
        return value if isinstance(value, str) else None

    return text("id"), text("version"), text("extends")


def _folder_packs(folder: Path, origin: str, source: int) -> list[InstalledPack]:
    dirs = [folder] if (folder / "pack.yaml").is_file() else []
    if not dirs and folder.is_dir():
        dirs = sorted(p for p in folder.iterdir() if (p / "pack.yaml").is_file())
    out = []
    for pack_dir in dirs:
        pack_id, version, _ = manifest_head(pack_dir)
        if pack_id and version:
            out.append(InstalledPack(pack_id, version, pack_dir, origin, source))
    return out


def _entry_point_dir(ep: metadata.EntryPoint) -> Path | None:
    """The folder an entry point names, found without importing anything."""
    module, _, inner = ep.value.partition(":")
    module = module.strip()
    base: Path | None = None
    if module and "." not in module:
        spec = importlib.util.find_spec(module)  # a top-level name: found, not executed
        if spec is not None and spec.submodule_search_locations:
            base = Path(next(iter(spec.submodule_search_locations)))
    elif module and ep.dist is not None:
        base = Path(str(ep.dist.locate_file(module.replace(".", "/"))))
    if base is None:
        return None
    target = (base / inner.strip()) if inner.strip() else base
    resolved = target.resolve()
    if resolved != base.resolve() and base.resolve() not in resolved.parents:
        return None  # a path-like value that leads out of the package
    return target


def installed_packs(
    environ: Mapping[str, str] | None = None, problems: list[Problem] | None = None
) -> list[InstalledPack]:
    """Every installed pack, in lookup order (see the module docstring)."""
    environ = os.environ if environ is None else environ
    out: list[InstalledPack] = []
    for folder in filter(None, environ.get(ENV_VAR, "").split(os.pathsep)):
        out += _folder_packs(Path(folder), ENV_VAR, 0)
    for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        dist = f"{ep.dist.name} {ep.dist.version}" if ep.dist is not None else "a package"
        pack_dir = _entry_point_dir(ep)
        found = _folder_packs(pack_dir, f"entry point {ep.name} ({dist})", 1) if pack_dir else []
        if not found:
            if problems is not None:
                problems.append(
                    Problem(
                        f"the installed package {dist} declares pack '{ep.name}' = '{ep.value}', "
                        "but no pack.yaml is there",
                        severity="warning",
                        code="entry-point-broken",
                    )
                )
            continue
        out += found[:1]
    out += _folder_packs(bundled_pack_dir().parent, "bundled", 2)
    return out


def find_installed(
    ref: PackRef, environ: Mapping[str, str] | None = None
) -> tuple[InstalledPack | None, list[InstalledPack]]:
    """The installed pack ``ref`` names (or None), and every installed pack with that id."""
    packs = installed_packs(environ)
    same = [p for p in packs if p.id == ref.id]
    for source in (0, 1, 2):
        matching = [p for p in same if p.source == source and ref.accepts(p.version)]
        if matching:
            best = max(matching, key=lambda p: parse_version(p.version) or Version("0"))
            return best, same
    return None, same
