"""What an overlay pack may do to the packs before it, and the record of what it did.

An overlay applies, in this order: its sections; its ``policy.yaml`` (requirements and options, new or
replacing); ``patch.options``; its clauses (a new id adds a clause, a known id replaces it);
``patch.clauses`` (a clause's default, tier, order, guidance, summary, citations, verify points or an
input's default, without copying it); ``demote:``; ``drop:``.

The rules that keep an overlay from quietly weakening the agreement:

* a required clause stays required (no replacement, patch, demotion or drop lowers it);
* a recommended clause becomes optional, or is dropped, only with a ``demote:`` entry giving the reason;
* a requirement of an earlier pack applies in fewer cases (a changed ``applies_if``) only with a
  ``narrow:`` entry giving the reason;
* a replacement records the upstream clause it was copied from (``based_on``); when the upstream moves,
  loading warns with the upstream's word diff (``upstream-moved``);
* two overlays that do not extend one another may not change the same thing (the result would depend
  on the order they happen to be listed in).

Every problem points at the overlay's own file and line; every change becomes a
:class:`~agreement_kit.packs.deviations.Deviation`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..engine.values import option_problem, value_problem
from ..problems import Problem
from ..yamlio import Located, pydantic_problems
from .chain import Chain
from .deviations import Deviation, Kind
from .hashing import clause_hash, short
from .library import Library, Spot
from .models import Clause, ClauseInput, PackManifest, PolicyOption, Requirement
from .reading import PackFiles
from .worddiff import paragraphs_diff

RANK = {"optional": 0, "recommended": 1, "required": 2}


def spot(located: Located | None, loc: Iterable[str | int], file: str, **kw: Any) -> Spot:
    loc = tuple(loc)
    line, col = located.where(loc) if located is not None else (None, None)
    field = ".".join(str(x) for x in loc) or None
    return Spot(file=file, line=line, column=col, field=field, **kw)


class Merge:
    """The base pack, then each overlay applied in chain order."""

    def __init__(self, chain: Chain) -> None:
        base = chain.packs[0]
        assert base.manifest is not None and base.policy is not None
        self.chain = chain
        self.base_id = base.manifest.id
        self.pack_dir = ""  # the overlay being applied (for hints)
        self.versions: dict[str, str] = {}
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.deviations: list[Deviation] = []
        self.requirements: dict[str, Requirement] = {}
        self.options: dict[str, PolicyOption] = {}
        self.req_files: dict[str, str] = {}
        self.policy_located: dict[str, tuple[Located, tuple[Any, ...]]] = {}
        self.req_origin: dict[str, str] = {}
        self.option_origin: dict[str, str] = {}
        self.sections = list(base.manifest.sections)
        self.clauses: dict[str, Clause] = {}
        self.sources: dict[str, str] = {}
        self.located: dict[str, Located] = {}
        self.origins: dict[str, str] = {}
        self.touched: dict[str, tuple[str, Spot]] = {}  # "clause:x" -> (pack id, where)
        self.blame: dict[str, Spot] = {}  # "group:g" / "covers:R" / "option:o" -> latest overlay op
        self._policy(base)
        self._clauses(base, base.manifest, overlay=False)
        self.base_defaults = {o.id: o.default for o in self.options.values()}
        self.base_requirements = set(self.requirements)

    # -- helpers ---------------------------------------------------------------------------------

    def _deviation(
        self, kind: Kind, item: str, manifest: PackManifest, where: Spot, **kw: Any
    ) -> Deviation:
        return Deviation(
            kind,
            item,
            pack=manifest.id,
            pack_version=manifest.version,
            file=where.file,
            line=where.line,
            **kw,
        )

    def _error(self, where: Spot, message: str, hint: str | None = None, **kw: Any) -> None:
        self.problems.append(where.problem(message, hint=hint, **kw))

    def _warn(self, where: Spot, message: str, code: str, hint: str | None = None) -> None:
        self.warnings.append(where.problem(message, hint=hint, code=code, severity="warning"))

    def _fork_command(self, clause_id: str, pack_id: str) -> str:
        """The ``library fork --update-base`` command that records the upstream loaded now: the
        same ``--base`` and the packs this one extends, so the new base is this upstream."""
        from ..resources import bundled_pack_dir
        from .resolve import shown_path

        parts = ["agreement-kit library fork", clause_id]
        parts += ["-o", shown_path(self.pack_dir) if self.pack_dir else "<your pack>"]
        parts.append("--update-base")
        base = self.chain.packs[0].dir
        if Path(base).resolve() != bundled_pack_dir().resolve():
            parts += ["--base", shown_path(base)]
        above = self.chain.ancestors(pack_id) - {self.base_id}
        for pack in self.chain.packs[1:]:
            if pack.manifest is not None and pack.manifest.id in above:
                parts += ["-L", shown_path(pack.dir)]
        return " ".join(parts)

    def _claim(self, key: str, pack: PackManifest, where: Spot) -> None:
        """Record that ``pack`` changes ``key``; report it if a sibling overlay changed it too."""
        before = self.touched.get(key)
        if before and before[0] != pack.id and before[0] not in self.chain.ancestors(pack.id):
            other = before[1]
            self._error(
                where,
                f"{key.replace(':', ' ', 1)} is also changed by pack '{before[0]}' "
                f"({other.location()}), which this pack does not extend; which change wins would "
                "depend on the order the packs are listed in",
                f"make one pack extend the other (extends: {before[0]}) so the order is stated",
                code="overlay-conflict",
            )
        self.touched[key] = (pack.id, where)

    def _unknown(
        self, what: str, name: str, known: Iterable[str], where: Spot, verb: str, code: str
    ) -> None:
        """An entry naming a clause (or option) that is not there: a typo is an error; a name
        with no close match is most likely something removed upstream, and only a warning."""
        close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.8)
        if close:
            self._error(where, f"{what} '{name}' is unknown; did you mean '{close[0]}'?")
        else:
            self._warn(
                where,
                f"no {what} '{name}' is loaded (removed upstream?); there is nothing to {verb}",
                code,
                "remove the entry once you have checked the upstream change",
            )

    def _upstream(self, clause_id: str) -> tuple[str, str]:
        pack = self.origins.get(clause_id, self.base_id)
        return pack, self.versions.get(pack, "")

    # -- policy ----------------------------------------------------------------------------------

    def _policy(self, pack: PackFiles, narrow: dict[str, Any] | None = None) -> None:
        assert pack.manifest is not None
        if pack.policy is None:
            return
        overlay = narrow is not None
        manifest, at, file = pack.manifest, pack.policy_at, pack.policy_file
        for i, req in enumerate(pack.policy.requirements):
            where = spot(at, ("requirements", i), file)
            old = self.requirements.get(req.id)
            if overlay and old is not None:
                self._claim(f"requirement:{req.id}", manifest, where)
                up = self.req_origin[req.id]
                narrowed = {
                    k: v for k, v in req.applies_if.items() if old.applies_if.get(k, object()) != v
                }
                record: dict[str, Any] = dict(upstream_pack=up)
                record |= dict(upstream_pack_version=self.versions.get(up))
                if narrowed and narrow is not None and req.id in narrow:
                    entry = narrow.pop(req.id)
                    self.deviations.append(
                        self._deviation(
                            "requirement-narrowed",
                            req.id,
                            manifest,
                            where,
                            reason=entry.reason,
                            **record,
                        )
                    )
                elif narrowed:
                    conditions = ", ".join(f"{k} is {v!r}" for k, v in narrowed.items())
                    self._error(
                        spot(at, ("requirements", i, "applies_if"), file),
                        f"requirement {req.id} of {up} applies in every case its policy names; "
                        f"this overlay makes it apply only when {conditions}",
                        "if your board adopted a different policy, record it in pack.yaml: "
                        f"narrow: [{{requirement: {req.id}, reason: ...}}]",
                        code="requirement-narrowed",
                    )
                self.deviations.append(
                    self._deviation("requirement-replaced", req.id, manifest, where, **record)
                )
            elif overlay:
                self.deviations.append(
                    self._deviation(
                        "requirement-added",
                        req.id,
                        manifest,
                        where,
                    )
                )
            self.requirements[req.id] = req
            self.req_files[req.id] = file
            self.req_origin[req.id] = manifest.id
            if at is not None:
                self.policy_located[f"req:{req.id}"] = (at, ("requirements", i))
        for i, option in enumerate(pack.policy.options):
            where = spot(at, ("options", i), file)
            if overlay:
                kind: Kind = "option-replaced" if option.id in self.options else "option-added"
                if option.id in self.options:
                    self._claim(f"option:{option.id}", manifest, where)
                    self.blame[f"option:{option.id}"] = where
                origin = self.option_origin.get(option.id) if kind == "option-replaced" else None
                self.deviations.append(
                    self._deviation(
                        kind,
                        option.id,
                        manifest,
                        where,
                        upstream_pack=origin,
                        upstream_pack_version=self.versions.get(origin) if origin else None,
                    )
                )
            self.options[option.id] = option
            self.req_files[f"option:{option.id}"] = file
            self.option_origin[option.id] = manifest.id
            if at is not None:
                self.policy_located[f"option:{option.id}"] = (at, ("options", i))

    def _option_patches(self, pack: PackFiles) -> None:
        manifest, at, file = pack.manifest, pack.manifest_at, pack.manifest_file
        assert manifest is not None
        for option_id, patch in manifest.patch.options.items():
            where = spot(at, ("patch", "options", option_id), file)
            old = self.options.get(option_id)
            if old is None:
                self._unknown(
                    "policy option", option_id, self.options, where, "patch", "patch-gone"
                )
                continue
            self._claim(f"option:{option_id}", manifest, where)
            fields = {f: getattr(patch, f) for f in patch.model_fields_set}
            new = old.model_copy(update=fields)
            if "default" in fields and (message := option_problem(new, new.default)):
                self._error(spot(at, ("patch", "options", option_id, "default"), file), message)
                continue
            self.options[option_id] = new
            self.blame[f"option:{option_id}"] = where
            up = self.option_origin[option_id]
            self.deviations.append(
                self._deviation(
                    "option-patched",
                    option_id,
                    manifest,
                    where,
                    upstream_pack=up,
                    upstream_pack_version=self.versions.get(up),
                    fields={f: (getattr(old, f), v) for f, v in fields.items()},
                )
            )

    # -- clauses ---------------------------------------------------------------------------------

    def _tier(
        self, clause_id: str, old: str, new: str, where: Spot, demote: dict[str, Any]
    ) -> bool:
        """Whether lowering ``old`` to ``new`` is allowed; reports it when it is not."""
        if RANK[new] >= RANK[old]:
            return True
        up, _ = self._upstream(clause_id)
        if old == "required":
            self._error(
                where,
                f"clause {clause_id} is required in {up}; an overlay cannot make it {new}",
                "keep status: required and change only the wording (the replacement is shown to "
                "counsel as a deviation)",
                code="demotion-refused",
                clause=clause_id,
            )
            return False
        if clause_id in demote:
            return True
        self._error(
            where,
            f"clause {clause_id} is recommended in {up}; making it {new} needs a recorded reason",
            f"add to pack.yaml: demote: [{{clause: {clause_id}, reason: ...}}]",
            code="demotion-unrecorded",
            clause=clause_id,
        )
        return False

    def _clauses(self, pack: PackFiles, manifest: PackManifest, overlay: bool = True) -> None:
        demote = {d.clause: d for d in manifest.demote}
        seen_here: dict[str, str] = {}
        for clause, where_at in pack.clauses:
            where = spot(where_at, ("id",), where_at.file, clause=clause.id)
            if clause.id in seen_here:
                self._error(
                    where,
                    f"clause id '{clause.id}' is used twice in this pack (also in "
                    f"{seen_here[clause.id]})",
                    "give each clause a unique id; an overlay pack replaces a clause by reusing "
                    "its id",
                )
                continue
            seen_here[clause.id] = where_at.file
            prev = self.clauses.get(clause.id)
            if overlay and prev is not None:
                if not self._replace(clause, prev, where_at, where, manifest, demote):
                    clause = clause.model_copy(update={"status": prev.status})  # refused
            elif overlay:
                self._added(clause, where_at, where, manifest)
            self.clauses[clause.id] = clause
            self.sources[clause.id] = where_at.file
            self.located[clause.id] = where_at
            self.origins[clause.id] = manifest.id

    def _replace(
        self,
        clause: Clause,
        prev: Clause,
        where_at: Located,
        where: Spot,
        manifest: PackManifest,
        demote: dict[str, Any],
    ) -> bool:
        """Record a replacement; False when it lowers the tier and that is not allowed."""
        self._claim(f"clause:{clause.id}", manifest, where)
        allowed = self._tier(
            clause.id,
            prev.status,
            clause.status,
            spot(where_at, ("status",), where_at.file, clause=clause.id),
            demote,
        )
        up, up_version = self._upstream(clause.id)
        up_hash = clause_hash(prev)
        based = clause.based_on
        record = self._fork_command(clause.id, manifest.id)
        if based is None:
            self._warn(
                where,
                f"replaces clause {clause.id} of {up} {up_version} without recording which "
                "version it was copied from, so an upstream change to it will go unnoticed",
                "replaced-without-base",
                f"record the base: {record}",
            )
        elif based.hash != up_hash:
            same = (
                " (the same version string, different content)"
                if based.version == prev.version
                else ""
            )
            changes = paragraphs_diff(list(based.text), list(prev.text)) if based.text else ""
            shown = "".join(f"\n      {line}" for line in changes.splitlines())
            self._warn(
                spot(where_at, ("based_on",), where_at.file, clause=clause.id),
                f"your replacement of {clause.id} was based on {based.pack} {based.pack_version}, "
                f"clause version {based.version} ({short(based.hash)}); upstream it is now clause "
                f"version {prev.version} in {up} {up_version} ({short(up_hash)}){same}",
                "upstream-moved",
                f"merge what you need into your copy, then record the new base: {record}"
                + (
                    f"\n    upstream changed:{shown}"
                    if shown
                    else "\n    upstream changed (not its text)"
                ),
            )
        self.deviations.append(
            self._deviation(
                "replaced",
                clause.id,
                manifest,
                where,
                upstream_pack=up,
                upstream_pack_version=up_version,
                upstream_version=prev.version,
                upstream_hash=up_hash,
                upstream_status=prev.status,
                hash=clause_hash(clause),
                based_on_version=based.version if based else None,
                based_on_hash=based.hash if based else None,
                upstream_text=tuple(prev.text),
                text=tuple(clause.text),
            )
        )
        for group in {prev.group, clause.group} - {None}:
            self.blame[f"group:{group}"] = where
        for req in set(prev.covers) - set(clause.covers):
            self.blame[f"covers:{req}"] = spot(where_at, ("covers",), where_at.file)
        return allowed

    def _added(
        self, clause: Clause, where_at: Located, where: Spot, manifest: PackManifest
    ) -> None:
        if clause.based_on is not None:
            self._warn(
                spot(where_at, ("based_on",), where_at.file, clause=clause.id),
                f"clause {clause.id} was copied from {clause.based_on.pack}, which no longer has "
                "it (removed upstream?); it is now an addition of this pack",
                "upstream-removed",
                "check the upstream change log; remove based_on: to keep the clause as your own",
            )
        if clause.group:
            self.blame[f"group:{clause.group}"] = where
        self.deviations.append(
            self._deviation(
                "added",
                clause.id,
                manifest,
                where,
                hash=clause_hash(clause),
                text=tuple(clause.text),
            )
        )

    def _clause_patches(self, pack: PackFiles, demote: dict[str, Any]) -> None:
        manifest, at, file = pack.manifest, pack.manifest_at, pack.manifest_file
        assert manifest is not None
        for clause_id, patch in manifest.patch.clauses.items():
            loc = ("patch", "clauses", clause_id)
            where = spot(at, loc, file, clause=clause_id)
            old = self.clauses.get(clause_id)
            if old is None:
                self._unknown("clause", clause_id, self.clauses, where, "patch", "patch-gone")
                continue
            self._claim(f"clause:{clause_id}", manifest, where)
            fields = {f: getattr(patch, f) for f in patch.model_fields_set if f != "inputs"}
            changes: dict[str, tuple[Any, Any]] = {
                f: (getattr(old, f), v) for f, v in fields.items()
            }
            ok = "status" not in fields or self._tier(
                clause_id, old.status, fields["status"], spot(at, (*loc, "status"), file), demote
            )
            inputs = list(old.inputs)
            by_id = {item.id: i for i, item in enumerate(inputs)}
            for input_id, input_patch in patch.inputs.items():
                iwhere = spot(at, (*loc, "inputs", input_id), file, clause=clause_id)
                if input_id not in by_id:
                    close = difflib.get_close_matches(input_id, list(by_id), n=1)
                    self._error(
                        iwhere,
                        f"clause {clause_id} has no input '{input_id}'"
                        + (f"; did you mean '{close[0]}'?" if close else ""),
                        f"its inputs: {', '.join(by_id) or 'none'}",
                    )
                    ok = False
                    continue
                item = inputs[by_id[input_id]]
                update = {f: getattr(input_patch, f) for f in input_patch.model_fields_set}
                new_item = ClauseInput.model_validate({**item.model_dump(), **update})
                if "default" in update and (message := value_problem(new_item, new_item.default)):
                    self._error(spot(at, (*loc, "inputs", input_id, "default"), file), message)
                    ok = False
                    continue
                changes |= {
                    f"inputs.{input_id}.{f}": (getattr(item, f), v) for f, v in update.items()
                }
                inputs[by_id[input_id]] = new_item
            if not ok:
                continue
            try:
                new = Clause.model_validate({**old.model_dump(), **fields, "inputs": inputs})
            except ValidationError as exc:
                if at is not None:
                    self.problems += pydantic_problems(exc, at, prefix=loc, clause=clause_id)
                continue
            self.clauses[clause_id] = new
            if old.group and "default" in fields:
                self.blame[f"group:{old.group}"] = spot(at, (*loc, "default"), file)
            up, up_version = self._upstream(clause_id)
            self.deviations.append(
                self._deviation(
                    "patched",
                    clause_id,
                    manifest,
                    where,
                    upstream_pack=up,
                    upstream_pack_version=up_version,
                    upstream_version=old.version,
                    upstream_hash=clause_hash(old),
                    upstream_status=old.status,
                    hash=clause_hash(new),
                    fields=changes,
                )
            )

    def _demotions(self, pack: PackFiles, before: Mapping[str, str], dropping: set[str]) -> None:
        manifest, at, file = pack.manifest, pack.manifest_at, pack.manifest_file
        assert manifest is not None
        seen: dict[str, int] = {}
        for i, entry in enumerate(manifest.demote):
            where = spot(at, ("demote", i, "clause"), file, clause=entry.clause)
            if entry.clause in seen:
                self._error(
                    where,
                    f"clause {entry.clause} is listed twice in demote (also demote[{seen[entry.clause]}])",
                )
                continue
            seen[entry.clause] = i
            clause = self.clauses.get(entry.clause)
            if clause is None:
                self._unknown("clause", entry.clause, self.clauses, where, "demote", "demote-gone")
                continue
            was = before.get(entry.clause, clause.status)
            up, up_version = self._upstream(entry.clause)
            if was == "required":
                self._error(
                    where,
                    f"clause {entry.clause} is required in {up}; it cannot be demoted",
                    "replace its wording under the same id instead, keeping status: required",
                    code="demotion-refused",
                )
                continue
            if was == "optional":
                self._warn(
                    where,
                    f"clause {entry.clause} is already optional; the demote entry changes nothing",
                    "demote-not-needed",
                )
                continue
            self._claim(f"clause:{entry.clause}", manifest, where)
            if clause.status == "recommended" and entry.clause not in dropping:
                self.clauses[entry.clause] = clause.model_copy(update={"status": "optional"})
            self.deviations.append(
                self._deviation(
                    "demoted",
                    entry.clause,
                    manifest,
                    where,
                    upstream_pack=up,
                    upstream_pack_version=up_version,
                    upstream_version=clause.version,
                    upstream_status="recommended",
                    reason=entry.reason,
                )
            )

    def _drops(self, pack: PackFiles, demote: dict[str, Any]) -> None:
        manifest, at, file = pack.manifest, pack.manifest_at, pack.manifest_file
        assert manifest is not None
        seen: dict[str, int] = {}
        for i, dropped in enumerate(manifest.drop):
            where = spot(at, ("drop", i), file, clause=dropped)
            if dropped in seen:
                self._error(
                    where,
                    f"clause {dropped} is listed twice in drop (also drop[{seen[dropped]}])",
                    "remove the duplicate entry",
                    code="duplicate-drop",
                )
                continue
            seen[dropped] = i
            clause = self.clauses.get(dropped)
            if clause is None:
                known = [*self.clauses, *(k for k in seen if k != dropped)]
                self._unknown("clause", dropped, known, where, "drop", "drop-gone")
                continue
            up, up_version = self._upstream(dropped)
            if clause.status == "required":
                self._error(
                    where,
                    f"clause '{dropped}' is required and cannot be dropped",
                    "replace it with your own wording under the same id instead",
                    code="demotion-refused",
                )
                continue
            if clause.status == "recommended" and dropped not in demote:
                self._error(
                    where,
                    f"clause {dropped} is recommended in {up}; dropping it needs a recorded reason",
                    f"add to pack.yaml: demote: [{{clause: {dropped}, reason: ...}}]",
                    code="demotion-unrecorded",
                )
                continue
            self._claim(f"clause:{dropped}", manifest, where)
            for req in clause.covers:
                self.blame[f"covers:{req}"] = where
            if clause.group:
                self.blame[f"group:{clause.group}"] = where
            self.deviations.append(
                self._deviation(
                    "dropped",
                    dropped,
                    manifest,
                    where,
                    upstream_pack=up,
                    upstream_pack_version=up_version,
                    upstream_version=clause.version,
                    upstream_hash=clause_hash(clause),
                    upstream_status=clause.status,
                    upstream_text=tuple(clause.text),
                )
            )
            for table in (self.clauses, self.sources, self.located, self.origins):
                table.pop(dropped, None)

    # -- one overlay -------------------------------------------------------------------------------

    def apply(self, pack: PackFiles) -> None:
        self.pack_dir = str(pack.dir)
        manifest = pack.manifest
        assert manifest is not None
        by_id = {s.id: i for i, s in enumerate(self.sections)}
        for section in manifest.sections:
            if section.id in by_id:
                self.sections[by_id[section.id]] = section
            else:
                self.sections.append(section)
        narrow = {n.requirement: n for n in manifest.narrow}
        self._policy(pack, narrow)
        for requirement in narrow:  # entries that narrowed nothing
            i = next(k for k, n in enumerate(manifest.narrow) if n.requirement == requirement)
            where = spot(pack.manifest_at, ("narrow", i, "requirement"), pack.manifest_file)
            if requirement in self.requirements:
                self._error(
                    where,
                    f"narrow names requirement {requirement}, but this pack's policy.yaml does "
                    "not change its applies_if",
                )
            else:
                self._unknown(
                    "requirement", requirement, self.requirements, where, "narrow", "narrow-gone"
                )
        self._option_patches(pack)
        before = {cid: c.status for cid, c in self.clauses.items()}
        demote = {d.clause: d for d in manifest.demote}
        self._clauses(pack, manifest)
        self._clause_patches(pack, demote)
        self._demotions(pack, before, set(manifest.drop))
        self._drops(pack, demote)

    def defaults_that_switch_off(self) -> None:
        """Warn when an overlay's option default makes a base requirement not apply by default."""
        for req_id in sorted(self.base_requirements & set(self.requirements)):
            req = self.requirements[req_id]
            if not req.applies_if or not all(k in self.options for k in req.applies_if):
                continue
            if not all(self.base_defaults.get(k) == v for k, v in req.applies_if.items()):
                continue
            changed = [k for k, v in req.applies_if.items() if self.options[k].default != v]
            for key in changed:
                where = self.blame.get(f"option:{key}")
                if where is None:
                    continue
                self._warn(
                    where,
                    f"this overlay's default for option '{key}' ({self.options[key].default!r}) "
                    f"switches requirement {req_id} ({req.title}) off in every draft that does not "
                    f"answer it; it applies only when {key} is {req.applies_if[key]!r}",
                    "requirement-off-by-default",
                    "keep the base default, or make sure each draft states the option its board "
                    "adopted",
                )

    def library(self) -> Library:
        chain = self.chain
        library = Library(
            packs=[p.manifest for p in chain.packs if p.manifest],
            requirements=self.requirements,
            options=self.options,
            sections=self.sections,
            clauses=self.clauses,
            sources=self.sources,
            requirement_files=self.req_files,
            origins=self.origins,
            warnings=self.warnings,
            deviations=self.deviations,
            policy_located=self.policy_located,
        )
        library.located = self.located
        library.blame = self.blame
        library.requirement_origins = dict(self.req_origin) | {
            f"option:{k}": v for k, v in self.option_origin.items()
        }
        return library


def merge(chain: Chain) -> tuple[Library, list[Problem]]:
    """Apply every pack of ``chain`` in order. Returns the library and the problems found."""
    state = Merge(chain)
    for pack in chain.packs:
        assert pack.manifest is not None
        state.versions[pack.manifest.id] = pack.manifest.version
    for pack in chain.packs[1:]:
        state.apply(pack)
    state.defaults_that_switch_off()
    return state.library(), state.problems + state.warnings
