#!/usr/bin/env python3
"""Seeded person records with hazards that each can be turned up, for robustness.py.

    python benchmarks/hazards.py --records 10000 --seed 1 --out DIR [--households 0.3 ...]

writes the benchdata dedup layout (``../shared/benchdata/INDEX.md``):

* ``DIR/records.csv`` -- ``record_id`` (opaque, rows shuffled), ``source``, ``first_name``,
  ``last_name``, ``full_name``, ``dob``, ``email``, ``phone``, ``mobile``, ``address``,
  ``postcode``, ``city``; an empty cell is missing;
* ``DIR/truth.csv`` -- ``record_id,cluster_id``: the person behind each record;
* ``DIR/params.json`` -- the levels, the seed and counts of what was planted.

Truth holds by construction: every record is rendered from one person, and two people are
two clusters however much they share (a household, a mailbox, a switchboard, a birthday,
a name).  The same arguments always give byte-identical files.  This generator is written
apart from ``benchmarks/generate.py`` and ``examples/cx_demo/generate.py``: its own name
pools (``_hazard_pools.py``: English, German, French, Spanish, Italian, Dutch, Polish and
Chinese in Hanzi and pinyin), its own sources and its own noise model.  It imports numpy
and pandas only, never unifyprofile.  The people and the hazards that live in the
population are made in ``_hazard_people.py``, the records in ``_hazard_render.py``.

Every stage draws from a random stream of its own, so a level changes only what it
controls: at one seed the people are the same at every level, those a hazard touches at a
low level are among those it touches at a higher one, and the other hazards' draws stay
where they were.  Two grid points differ by their hazard, not by a new sample.

People.  A person has a locale, a sex, a first and a last name (drawn with Zipf-like
weights, so some names are frequent), a birth date (1935-2007), a street address with
postcode and city, a mobile number, in 60 % a landline, an e-mail address (unique; in 20 %
a second one), and has 1-8 records (mean about 2.3).

Sources.  ``crm`` (full profiles, ISO dates, +E.164 phones), ``webshop`` (names, e-mail,
address, day-first dates, phones as typed), ``billing`` (upper case ASCII, compact dates),
``newsletter`` (e-mail and a first name, often no surname); the full-name-only sources
``support`` and ``service_desk``; guest checkouts arrive as ``webshop`` rows without a name.

Noise on every record (not a hazard, always on): nicknames (12 %), typos in names (4 %),
addresses (3 %) and e-mails (1 %), accents folded to ASCII, hyphenated names written with a
space, Spanish second surnames dropped, pinyin given names split into syllables, street
words abbreviated (``Straße``/``Str.``, ``Calle``/``C/``), dates in five formats (all
day-before-month or year first), phones in five formats, birth dates off by a digit or
with day and month swapped (2 %), fields missing by source, and 3 % of people who move
(their later records carry a new address and landline).

Hazards (``--NAME LEVEL``; a level not given takes its mild default, or 0 with
``--base none``; ``--list`` prints the table):

| hazard | level is the share of | range swept by robustness.py |
| --- | --- | --- |
| households | people in households of 2-5 sharing surname, address, postcode, landline | 0-0.3 |
| mailboxes | people who use their household's one e-mail address | 0-0.2 |
| switchboard | people whose phone is their employer's switchboard (~250 per number) | 0-0.3 |
| twins | people who are twins (same surname and birth date, other first name) | 0-0.06 |
| common_names | people given one of their locale's few commonest full names | 0-0.2 |
| swapped | records with first and last name swapped (pinyin family-first at 3x) | 0-0.15 |
| hanzi | records of Chinese people with the name in Hanzi instead of pinyin | 0-0.6 |
| initials | records with the first name cut to an initial or dropped | 0-0.2 |
| fullname_sources | records from sources that hold only a full name | 0-0.5 |
| guests | records that are guest checkouts with no name | 0-0.2 |
| junk | values replaced by a placeholder (test@test.com, 000-000-0000, N/A) | 0-0.05 |
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling modules below
from _hazard_people import Pick, World, build_people  # noqa: E402
from _hazard_render import FULL_NAME_ONLY, HAZARD_DRAWS, Renderer  # noqa: E402

COLUMNS = ("record_id", "source", "first_name", "last_name", "full_name", "dob", "email",
           "phone", "mobile", "address", "postcode", "city")


@dataclass(frozen=True)
class Hazard:
    """One hazard: its mild default, the levels robustness.py sweeps, and what it means."""

    name: str
    mild: float
    grid: tuple[float, ...]
    meaning: str


HAZARDS = {h.name: h for h in (
    Hazard("households", 0.10, (0.0, 0.15, 0.30),
           "share of people in households of 2-5 that share surname, address, postcode, "
           "city and landline (twins living together come on top)"),
    Hazard("mailboxes", 0.03, (0.0, 0.10, 0.20),
           "share of people who use their household's one e-mail address (households are "
           "added when too few people live in one)"),
    Hazard("switchboard", 0.05, (0.0, 0.15, 0.30),
           "share of people whose phone is their employer's switchboard, about 250 "
           "employees per number"),
    Hazard("twins", 0.01, (0.0, 0.03, 0.06),
           "share of people who are twins: same surname and birth date, another first "
           "name (same initial in 30 %), the same household in 60 %"),
    Hazard("common_names", 0.03, (0.0, 0.10, 0.20),
           "share of people given one of their locale's few commonest full names (John "
           "Smith, María García, Wang Wei)"),
    Hazard("swapped", 0.02, (0.0, 0.05, 0.15),
           "share of records with first and last name swapped; Chinese names in pinyin are "
           "written family name first at three times the rate (at most 0.9)"),
    Hazard("hanzi", 0.10, (0.0, 0.30, 0.60),
           "share of the records of Chinese people that give the name in Hanzi, not pinyin"),
    Hazard("initials", 0.02, (0.0, 0.10, 0.20),
           "share of records whose first name is cut to its initial (half) or dropped "
           "(half: surname only)"),
    Hazard("fullname_sources", 0.10, (0.0, 0.25, 0.50),
           "share of records from the sources that hold only a full name (support, "
           "service_desk)"),
    Hazard("guests", 0.02, (0.0, 0.10, 0.20),
           "share of records that are guest checkouts: e-mail, phone, address, no name"),
    Hazard("junk", 0.005, (0.0, 0.025, 0.05),
           "share of values replaced by a placeholder (test@test.com, 000-000-0000, N/A, "
           "xxx, 1900-01-01)"),
)}

RECORDS_PER_PERSON = (0.42, 0.25, 0.14, 0.08, 0.05, 0.03, 0.02, 0.01)  # 1..8 records
NAMED_SOURCES = (("crm", 0.35), ("webshop", 0.30), ("billing", 0.15), ("newsletter", 0.20))
FULLNAME_SOURCES = (("support", 0.6), ("service_desk", 0.4))
MODULES = ("hazards.py", "_hazard_people.py", "_hazard_render.py", "_hazard_pools.py")


def levels_with(base: str = "mild", **levels: float) -> dict[str, float]:
    """Every hazard's level: those given, the others mild (``base="mild"``) or 0."""
    unknown = sorted(set(levels) - set(HAZARDS))
    if unknown:
        raise ValueError(f"unknown hazard(s) {unknown}; choose from {sorted(HAZARDS)}")
    out = {n: (h.mild if base == "mild" else 0.0) for n, h in HAZARDS.items()}
    for name, level in levels.items():
        if not 0.0 <= level <= 1.0:
            raise ValueError(f"hazard {name!r} must be a share in [0, 1] (got {level})")
        out[name] = float(level)
    return out


def generate(records: int, seed: int = 1, levels: dict[str, float] | None = None
             ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Records, truth and what was planted, for ``records`` rows at the given levels.

    Args:
        records: the number of rows.
        seed: the seed; the same arguments always give the same tables.
        levels: hazard levels (see :data:`HAZARDS`); missing ones are mild.

    Returns:
        ``(records, truth, planted)``: the records table (every column a string, ``""``
        where missing), the truth table ``record_id, cluster_id``, and counts.
    """
    levels = levels_with(**(levels or {}))
    world = World(seed)
    sizes = list(accumulate(RECORDS_PER_PERSON))
    counts: list[int] = []
    draw = world.stream("counts")
    total = 0
    while total < records:
        k = min(bisect_right(sizes, draw.random() * sizes[-1]) + 1, records - total)
        counts.append(k)
        total += k
    population, planted = build_people(world, len(counts), levels)

    render = Renderer(levels)
    guests, fullname = levels["guests"], levels["fullname_sources"]
    named = Pick([s for s, _ in NAMED_SOURCES], weights=[w for _, w in NAMED_SOURCES])
    full = Pick([s for s, _ in FULLNAME_SOURCES], weights=[w for _, w in FULLNAME_SOURCES])
    sources, hazard, noise = world.stream("sources"), world.stream("hazards"), random.Random()
    rows, owners = [], []
    for p, k in zip(population, counts, strict=True):
        noise.seed(f"{seed}:noise:{p.pid}")
        for i in range(k):
            u, v = sources.random(), sources.random()
            source = "guest" if u < guests else (
                full.at(v) if u < guests + fullname else named.at(v))
            h = [hazard.random() for _ in range(HAZARD_DRAWS)]
            rows.append(render.record(p, source, i >= (k + 1) // 2, noise, h))
            owners.append(p.pid)
    order = np.random.default_rng(seed).permutation(len(rows))
    width = len(str(len(rows)))
    ids = [f"r{i:0{width}d}" for i in range(len(rows))]
    table = pd.DataFrame([rows[i] for i in order], columns=list(COLUMNS[1:]))
    table.insert(0, "record_id", ids)
    truth = pd.DataFrame({"record_id": ids,
                          "cluster_id": [f"p{owners[i]:0{width}d}" for i in order]})
    has_name = (table[["first_name", "last_name", "full_name"]] != "").any(axis=1)
    planted.update(people=len(population), records=len(rows),
                   largest_true_cluster=max(counts),
                   records_with_a_name=int(has_name.sum()),
                   records_from_full_name_sources=int(table["source"].isin(FULL_NAME_ONLY)
                                                      .sum()))
    return table, truth, planted


def fingerprint() -> str:
    """A hash of this generator's code and pools: data written by other code is other data."""
    here = Path(__file__).resolve().parent
    code = b"".join((here / name).read_bytes() for name in MODULES)
    return hashlib.sha256(code).hexdigest()[:16]


def write(directory: Path, records: int, seed: int, levels: dict[str, float]) -> dict:
    """Generate and write ``records.csv``, ``truth.csv`` and ``params.json``; return params."""
    table, truth, planted = generate(records, seed, levels)
    directory.mkdir(parents=True, exist_ok=True)
    table.to_csv(directory / "records.csv", index=False)
    truth.to_csv(directory / "truth.csv", index=False)
    params = {"records": records, "seed": seed, "levels": levels_with(**levels),
              "generator": fingerprint(), "planted": planted}
    (directory / "params.json").write_text(json.dumps(params, indent=1), encoding="utf-8")
    return params


def parse_size(text: str) -> int:
    """``10000``, ``10k`` or ``1m``."""
    text = text.strip().lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=parse_size, default=10_000,
                        help="rows to write: 10000, 10k, 1m (default 10k)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="folder to write (created)")
    parser.add_argument("--base", choices=("mild", "none"), default="mild",
                        help="level of the hazards not given: their mild default or 0")
    parser.add_argument("--list", action="store_true", help="print the hazards and exit")
    for name, hazard in HAZARDS.items():
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, type=float,
                            metavar="LEVEL",
                            help=f"{hazard.meaning.replace('%', '%%')} (mild {hazard.mild}, swept "
                                 f"{'/'.join(map(str, hazard.grid))})")
    args = parser.parse_args()
    if args.list:
        for name, hazard in HAZARDS.items():
            print(f"{name:17} mild {hazard.mild:<6} grid {hazard.grid}  {hazard.meaning}")
        return
    if args.out is None:
        parser.error("--out is required")
    given = {n: getattr(args, n) for n in HAZARDS if getattr(args, n) is not None}
    try:
        levels = levels_with(args.base, **given)
    except ValueError as error:
        parser.error(str(error))
    params = write(args.out, args.records, args.seed, levels)
    print(json.dumps(params))


if __name__ == "__main__":
    main()
