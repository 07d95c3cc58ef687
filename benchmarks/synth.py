"""Synthetic inputs for the benchmarks: clause packs of any size and many drafts.

Nothing here is committed as data: :func:`make_pack` and :func:`make_drafts` write into a folder the
caller chooses (a temporary one), deterministically (same arguments, same files).

* A synthetic pack is the bundled Wisconsin pack plus generated optional clauses spread over its
  articles. Generated clauses read the same kinds of answers real ones do (district and agency names,
  grammar helpers, loops over placements and agencies, policy options, term dates, ``ref()`` to a
  required clause) so that one answer change touches a realistic share of the library.
* Synthetic drafts are variations of ``examples/riverton.yaml``: district and agency names, one to
  three agencies, one to four buildings, dates, values and a few optional clauses switched, all of
  them complete (each builds).
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "clause_library" / "wi-psl-sro"
RIVERTON = ROOT / "examples" / "riverton.yaml"
PER_FILE = 250

# Paragraph shapes: each reads a different part of the answers.
SHAPES = (
    "{n}. {{{{ agency.The }}}} shall give {{{{ district.name }}}} notice of matter {n} within "
    "ten days.",
    "{n}. During the term beginning {{{{ term.effective_date }}}}, each building "
    "({{{{ program.buildings }}}}) keeps a record of matter {n}.",
    "{n}. {{% for a in agencies %}}{{{{ a.name }}}}{{% if not loop.last %}}, {{% endif %}}"
    "{{% endfor %}} {{{{ agency.has }}}} agreed to matter {n}.",
    "{n}. {{% if options.report_content %}}The annual report covers matter {n}."
    "{{% else %}}Matter {n} is reported on request.{{% endif %}}",
    "{n}. Matter {n} follows the procedure of {{{{ ref('term-renewal') }}}} and binds "
    "{{{{ agency.parties }}}}.",
    "{n}. {{% for p in program.placements %}}{{{{ p.building }}}} ({{{{ p.days_text }}}}, "
    "{{{{ p.hours }}}}){{% if not loop.last %}}; {{% endif %}}{{% endfor %}}: matter {n}.",
    "{n}. The {{{{ program.officer }}}} reports matter {n} to {{{{ district.administrator.name }}}}.",
)


def _clause(n: int, sections: list[str], requirements: list[str]) -> dict[str, Any]:
    shape = SHAPES[n % len(SHAPES)]
    return {
        "id": f"synthetic-{n:05d}",
        "title": f"Synthetic provision {n}",
        "version": "1.0",
        "section": sections[n % len(sections)],
        "status": "optional",
        "default": n % 5 != 0,
        "order": 1000 + n,
        "covers": [requirements[n % len(requirements)]] if n % 3 == 0 else [],
        "summary": f"Generated clause {n} for benchmarks.",
        "text": [shape.format(n=n), f"This paragraph {n} has no variables."],
    }


def make_pack(target: Path, clauses: int) -> Path:
    """Write a pack with ``clauses`` clauses in all (the bundled ones plus generated ones)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(BUNDLED, target)
    manifest = yaml.safe_load((BUNDLED / "pack.yaml").read_text(encoding="utf-8"))
    policy = yaml.safe_load((BUNDLED / "policy.yaml").read_text(encoding="utf-8"))
    sections = [s["id"] for s in manifest["sections"] if s.get("kind") != "recitals"]
    requirements = [r["id"] for r in policy["requirements"] if not r.get("applies_if")]
    bundled = sum(
        len(yaml.safe_load(p.read_text(encoding="utf-8")) or [])
        for p in (BUNDLED / "clauses").glob("*.yaml")
    )
    extra = max(0, clauses - bundled)
    for start in range(0, extra, PER_FILE):
        items = [
            _clause(n, sections, requirements) for n in range(start, min(extra, start + PER_FILE))
        ]
        path = target / "clauses" / f"90-synthetic-{start // PER_FILE:04d}.yaml"
        path.write_text(yaml.safe_dump(items, sort_keys=False, allow_unicode=True, width=200))
    return target


def _agency(rng: random.Random, i: int, town: str) -> dict[str, Any]:
    sheriff = i > 0 and rng.random() < 0.5
    county = f"{town} County"
    return {
        "name": f"{county} Sheriff's Office" if sheriff else f"{town} Police Department",
        "municipality": {
            "name": county if sheriff else f"City of {town}",
            "kind": "county" if sheriff else "city",
        },
        "address": f"{100 + i} Court Street, {town}, WI 5{rng.randrange(3000, 5000)}",
        "head": {"name": f"Chief {rng.choice(NAMES)}", "title": "Sheriff" if sheriff else "Chief"},
        "signatory": {"name": rng.choice(NAMES), "title": "Mayor" if not sheriff else "Chair"},
        "attest": {"name": rng.choice(NAMES), "title": "Clerk"},
        "hourly_cost": rng.choice([48.5, 55, 62.4, 71.25]),
    }


NAMES = (
    "Ana Ruiz",
    "Ben O'Neil",
    "Chloé Dubois",
    "Dmitri Ivanov",
    "Esi Mensah",
    "Fatima Khan",
    "Gus Lindqvist",
    "Hana Sato",
    "Ivan Kovač",
    "Jo Smith & Sons",
)
TOWNS = ("Riverton", "Lakeside", "Maple Falls", "Pine Bluff", "Oak Creek", "Fox Point", "Elm Grove")
SCHOOLS = ("High School", "Middle School", "Elementary School", "Early Learning Center")


def draft_data(
    rng: random.Random, n: int, base: dict[str, Any], safe_off: list[str]
) -> dict[str, Any]:
    """One complete draft, varied from ``base`` (riverton.yaml's data)."""
    town = f"{rng.choice(TOWNS)} {n}"
    data = dict(base)
    district = dict(base["district"])
    district["name"] = f"{town} School District"
    district["board"] = f"Board of Education of the {town} School District"
    district["kind"] = rng.choice(["common", "unified", "union_high"])
    data["district"] = district
    data["title"] = None
    agencies = [_agency(rng, i, town) for i in range(rng.choice([1, 1, 1, 2, 3]))]
    data["agencies"] = agencies
    buildings = rng.randrange(1, 5)
    program = dict(base["program"])
    program["name"] = rng.choice(["PSL", "SRO"])
    program["placements"] = [
        {
            "building": f"{town} {SCHOOLS[b % len(SCHOOLS)]}",
            "principal": rng.choice(NAMES),
            "days": sorted(
                rng.sample(["mon", "tue", "wed", "thu", "fri"], rng.randrange(1, 6)),
                key=["mon", "tue", "wed", "thu", "fri"].index,
            ),
            "start": f"0{rng.randrange(7, 10)}:{rng.choice(['00', '15', '30'])}",
            "end": f"1{rng.randrange(2, 6)}:{rng.choice(['00', '30', '45'])}",
            "agency": rng.randrange(len(agencies)),
        }
        for b in range(buildings)
    ]
    data["program"] = program
    start = dt.date(2026 + n % 3, 7, 1)
    data["term"] = dict(
        base["term"],
        effective=start,
        end=start.replace(year=start.year + rng.randrange(1, 4)) - dt.timedelta(days=1),
    )
    clauses = {
        "optional": dict(base["clauses"]["optional"]),
        "alternatives": dict(base["clauses"]["alternatives"]),
    }
    if safe_off and rng.random() < 0.5:
        clauses["optional"][rng.choice(safe_off)] = False
    data["clauses"] = clauses
    values = dict(base["values"])
    values["cost_share_percent"] = rng.choice([50, 60, 75, 80])
    values["not_to_exceed"] = 250_000 * len(agencies) * buildings  # above any estimate here
    data["values"] = values
    return data


def make_drafts(target: Path, count: int, seed: int = 8407) -> list[Path]:
    """Write ``count`` complete drafts (one per synthetic district) into ``target``."""
    from agreement_kit import Engine, check_coverage, load_draft, load_library

    target.mkdir(parents=True, exist_ok=True)
    base = yaml.safe_load(RIVERTON.read_text(encoding="utf-8"))
    library = load_library()
    riverton = load_draft(RIVERTON)
    safe_off = []
    for cid, clause in library.clauses.items():  # optional clauses that can go without a gap
        if clause.status == "optional" and not clause.group:
            choices = riverton.clauses.model_dump()
            choices["optional"][cid] = False
            trial = riverton.model_copy(
                update={"clauses": type(riverton.clauses).model_validate(choices)}
            )
            if check_coverage(library, trial).complete:
                safe_off.append(cid)
    rng = random.Random(seed)
    paths = []
    engine = Engine(library)
    for n in range(count):
        data = draft_data(rng, n, base, safe_off)
        path = target / f"district-{n:03d}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        paths.append(path)
        # fail here, not halfway through the benchmark, if the generator drifts from the pack
        engine.assemble(load_draft(path))
    return paths
