"""The order packs apply in: the base first, then each overlay after the pack it ``extends``.

Overlays form a chain (a CESA layer over the state pack, a district layer over the CESA layer) or a
tree (several district layers over one CESA layer). The order is a stable topological sort: a pack
comes after the pack it extends, and otherwise in the order it was given (the draft's ``packs:``,
then ``--library``). An overlay without ``extends:`` overlays the base pack. Cycles, packs extending
something that is not loaded, and version ranges the loaded base does not satisfy are reported at the
``extends:`` line of the pack that says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from packaging.specifiers import SpecifierSet

from ..problems import Problem, Severity
from .reading import PackFiles
from .resolve import shown_path
from .versions import PackRef, major_range, parse_extends


@dataclass
class Chain:
    """Packs in the order they apply, with what each extends."""

    packs: list[PackFiles]
    parents: dict[str, str] = field(default_factory=dict)  # pack id -> the id it extends

    def ancestors(self, pack_id: str) -> set[str]:
        out: set[str] = set()
        while pack_id in self.parents and self.parents[pack_id] not in out:
            pack_id = self.parents[pack_id]
            out.add(pack_id)
        return out


def _at(
    pack: PackFiles,
    key: str,
    message: str,
    hint: str | None = None,
    code: str | None = None,
    severity: Severity = "error",
) -> Problem:
    """A problem at ``key`` of the pack's ``pack.yaml``."""
    line, col = pack.manifest_at.where((key,)) if pack.manifest_at else (None, None)
    return Problem(
        message,
        file=pack.manifest_file,
        line=line,
        column=col,
        field=key,
        hint=hint,
        code=code,
        severity=severity,
    )


def _diff_command(ref: PackRef, loaded: PackFiles) -> str:
    """``agreement-kit library diff OLD NEW`` for a base that moved out of an overlay's range: OLD
    is the installed version the range accepts, when there is one."""
    from .discovery import find_installed

    try:
        found, _ = find_installed(ref)
    except Exception:  # a broken installation must not hide the real problem
        found = None
    old = f"{found.id}@{found.version}" if found is not None else f"OLD ({ref.id} as you wrote for)"
    return f"agreement-kit library diff {old} {shown_path(loaded.dir)}"


def order(packs: list[PackFiles], problems: list[Problem], warnings: list[Problem]) -> Chain:
    """Sort ``packs`` (base first, all manifests loaded) into the order they apply."""
    base, overlays = packs[0], packs[1:]
    assert base.manifest is not None
    chain = Chain([base])
    if base.manifest.extends:
        problems.append(
            _at(
                base,
                "extends",
                f"the base pack extends '{base.manifest.extends}'; a base pack stands alone",
                "load this pack as an overlay (--library, or the draft's packs:) over the pack it "
                "extends, or remove extends: to make it a base",
            )
        )
    refs: dict[int, PackRef] = {}
    for index, pack in enumerate(overlays):
        assert pack.manifest is not None
        if pack.manifest.extends:
            refs[index] = parse_extends(pack.manifest.extends)
        else:
            refs[index] = PackRef(base.manifest.id, SpecifierSet())
            warnings.append(
                _at(
                    pack,
                    "id",
                    f"this overlay does not say which pack it extends; it is applied over "
                    f"{base.manifest.id}",
                    f"add 'extends: {base.manifest.id}{major_range(base.manifest.version)}' so an "
                    "upgrade of the base that you have not checked is refused",
                    code="extends-missing",
                    severity="warning",
                )
            )
    placed = {base.manifest.id: base}
    pending = list(range(len(overlays)))
    while pending:
        ready = next((i for i in pending if refs[i].id in placed), None)
        if ready is None:
            break
        pending.remove(ready)
        pack = overlays[ready]
        assert pack.manifest is not None
        parent = placed[refs[ready].id]
        assert parent.manifest is not None
        chain.parents[pack.manifest.id] = parent.manifest.id
        if not refs[ready].accepts(parent.manifest.version):
            problems.append(
                _at(
                    pack,
                    "extends",
                    f"this pack was written for {refs[ready]}, but {parent.manifest.id} "
                    f"{parent.manifest.version} is loaded (from {shown_path(parent.dir)})",
                    f"see what changed: {_diff_command(refs[ready], parent)}; update this pack, "
                    f'then widen the range (e.g. extends: "{parent.manifest.id}'
                    f'{major_range(parent.manifest.version)}")',
                    code="extends-version",
                )
            )
        if pack.manifest.id not in placed:
            placed[pack.manifest.id] = pack
        chain.packs.append(pack)
    ids = {p.manifest.id for p in packs if p.manifest}
    for index in pending:
        pack = overlays[index]
        assert pack.manifest is not None
        wanted = refs[index].id
        if wanted in ids:
            loop = [pack.manifest.id]
            by_id = {
                overlays[i].manifest.id: refs[i].id  # type: ignore[union-attr]
                for i in pending
            }
            while by_id.get(loop[-1]) and by_id[loop[-1]] not in loop:
                loop.append(by_id[loop[-1]])
            if loop[-1] not in by_id or by_id[loop[-1]] not in ids:
                # no cycle: the chain ends at a pack that is not loaded (reported at its own line)
                if loop[-1] in by_id:
                    loop.append(by_id[loop[-1]])
                missing = loop[-1]
                problems.append(
                    _at(
                        pack,
                        "extends",
                        f"this pack extends '{wanted}', which cannot be applied: "
                        f"{' -> '.join(loop)}, and '{missing}' is not loaded",
                        f"load {missing} too (the draft's packs:, --library), install it, or add "
                        "its folder to AGREEMENT_KIT_PACKS",
                        code="extends-missing-base",
                    )
                )
                continue
            loop.append(by_id[loop[-1]])
            problems.append(
                _at(
                    pack,
                    "extends",
                    f"packs extend each other in a cycle: {' -> '.join(loop)}",
                    "one pack of the chain must extend the base (or a pack outside the cycle)",
                    code="extends-cycle",
                )
            )
        else:
            problems.append(
                _at(
                    pack,
                    "extends",
                    f"this pack extends '{wanted}', which is not loaded (loaded: "
                    f"{', '.join(sorted(ids))})",
                    f"load {wanted} before it (--base if it is a base pack; the draft's packs: or "
                    "--library if it is an overlay), install it, or add its folder to "
                    "AGREEMENT_KIT_PACKS",
                    code="extends-missing-base",
                )
            )
    return chain
