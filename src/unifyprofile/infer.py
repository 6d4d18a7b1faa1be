"""Zero-config: choose a whole :class:`~unifyprofile.Config` from the tables themselves.

:func:`infer_config` reads the columns' names and values (see
:func:`unifyprofile.sources.infer_roles`), maps person fields onto the canonical schema
and every other useful column onto a field of its own, and picks comparisons and
blocking rules for what it found:

* person fields: the preset comparisons and blocking rules
  (:func:`~unifyprofile.compare.default_comparisons`,
  :func:`~unifyprofile.resolver.default_blocking_rules`);
* free text (titles, descriptions, product names, author lists): a
  :class:`~unifyprofile.compare.TextComparison` (TF-IDF cosine, model codes as strong
  tokens) and a rare-token blocking rule (``field:rare3``);
* identifiers: exact agreement, and a blocking rule; amounts: relative difference;
  other dates: days apart; years and small categorical fields: exact agreement.

:func:`fit_blocking` then adds looser blocking rules while the estimated number of pairs
stays within a budget, which is what lifts blocking recall on messy person data.
The result is an ordinary config: ``dump_config`` writes it for a user to edit.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from unifyprofile import schema
from unifyprofile.blocking import BlockingRule
from unifyprofile.blocking._block import _count
from unifyprofile.compare import (
    Comparison,
    DateComparison,
    ExactMatch,
    NumericComparison,
    TextComparison,
    default_comparisons,
)
from unifyprofile.config import Config
from unifyprofile.sources import Source
from unifyprofile.sources._infer import ColumnRole, _canonical_mapping, _norm, infer_roles

__all__ = ["DEDUP_THRESHOLD", "KEEP_APART_BELOW", "LOOSE_PERSON_RULES", "fit_blocking",
           "infer_config"]

_RESERVED = {schema.RECORD_ID, schema.SOURCE, schema.SOURCE_RECORD_ID, schema.UPDATED_AT,
             schema.ENTITY_ID, "source_row", "i", "j"}

#: Looser person rules tried after the preset ones, kept only within the pair budget.
LOOSE_PERSON_RULES: tuple[tuple[str, ...], ...] = (
    ("dob",), ("last_name",), ("first_name:nick", "city"), ("last_name:soundex", "city"),
    ("email:prefix4",), ("first_name:nick", "dob:year"), ("last_name:prefix2", "dob:year"),
    ("postcode", "first_name:prefix1"), ("address:tokens",), ("full_name",),
    ("phone:suffix6",), ("first_name:nick",), ("city", "dob:year"),
)

#: Match probability a pair needs to link when deduplicating without a config.
DEDUP_THRESHOLD = 0.8
#: Pairs scored below this are kept in different entities however links chain them.
KEEP_APART_BELOW = 0.001

#: Share of records that must hold a value for a non-person column to be compared.
MIN_FILLED = 0.5

#: Candidate pairs the looser rules may add, per record (and at least this many in all).
PAIRS_PER_RECORD = 40
MIN_PAIR_BUDGET = 100_000


def _field_name(column: str, role: str, used: set[str]) -> str:
    name = _norm(column) or "column"
    if not re.match(r"^[a-z_]", name):
        name = f"c_{name}"
    if name in _RESERVED or name in schema.CANONICAL_FIELDS or name in schema.ID_FIELDS \
            or name.endswith(("_std", "_flag", "_nick")):
        name = f"{name}_{role}"
    while name in used:
        name = f"{name}_2"
    used.add(name)
    return name


def infer_config(tables: Mapping[str, pd.DataFrame], *, link: bool = False,
                 id_column: str = "record_id",
                 paths: Mapping[str, str | Path] | None = None,
                 base: Config | None = None) -> tuple[Config, dict[str, ColumnRole]]:
    """A config for ``tables`` chosen from their columns' names and values.

    Args:
        tables: source name -> table (strings; None = missing).  For a link task the
            two tables to link, else one table to deduplicate (several tables are
            deduplicated together).
        link: link the two tables (``link_only``) instead of deduplicating.  The
            sources are then taken as each free of duplicates (one record per entity,
            a cannot-link constraint), so each record links to at most one on the
            other side, strongest link first; the threshold becomes ``1 / (records of
            the larger table)``: a link needs evidence for a match that beats a prior
            of one partner among that many.
        id_column: the column holding each record's id.
        paths: source name -> file, written into the config instead of in-memory data.
        base: settings to start from (threshold, guards, ...); its sources,
            comparisons and blocking rules are replaced.

    Returns:
        The config and the role found for every column.
    """
    data = {name: t.drop(columns=[id_column], errors="ignore") for name, t in tables.items()}
    union = pd.concat(list(data.values()), ignore_index=True, sort=False)
    first = next(iter(data.values()))
    shared = [c for c in first.columns if all(c in t.columns for t in data.values())]
    # Columns every table has are judged on all their values together; a column only
    # some tables have is judged in its own table.
    roles = infer_roles(union[shared], exclude=())
    own = {name: infer_roles(t[[c for c in t.columns if c not in shared]], exclude=())
           for name, t in data.items()}
    mappings = {name: _canonical_mapping({**{c: r.role for c, r in roles.items()},
                                          **{c: r.role for c, r in own[name].items()}})
                for name in data}
    canonical_fields = set.intersection(*(set(m) for m in mappings.values())) if mappings \
        else set()
    used = set(canonical_fields)
    # field -> (role, {table: column})
    generic: dict[str, tuple[str, dict[str, str]]] = {}
    kinds = ("text", "identifier", "categorical", "year", "amount", "date")
    for column, found in roles.items():
        filled = float(union[column].notna().mean()) if len(union) else 0.0
        # A sparse extra column is mostly evidence about which list a record came from
        # (its columns are filled together), not about the entity: leave it out.
        if found.role in kinds and filled >= MIN_FILLED:
            generic[_field_name(column, found.role, used)] = (
                found.role, dict.fromkeys(data, column))
    # Columns named differently in each table but holding the same kind of thing (a
    # "memo" here, a "description" there) are compared when each table has one.
    for kind in kinds:
        picks = {}
        for name, table in data.items():
            candidates = [c for c, r in own[name].items() if r.role == kind
                          and table[c].notna().mean() >= MIN_FILLED]
            if len(candidates) == 1:
                picks[name] = candidates[0]
        if len(data) > 1 and len(picks) == len(data):
            generic[_field_name(next(iter(picks.values())), kind, used)] = (kind, picks)
    all_roles = dict(roles)
    for found_own in own.values():
        all_roles.update(found_own)
    roles = all_roles
    fields = set(canonical_fields)
    if "full_name" in fields:
        # Standardising splits a full name into first and last names, so the name
        # presets (nicknames, swaps, phonetic blocking) apply to it too.
        fields |= {"first_name", "last_name"}
    # Term-frequency adjustment on phones: a landline shared by a dozen records (a head
    # office, a household) is much weaker evidence than a number held by one.  (Not on
    # e-mail: a personal address repeats only within one person's duplicates.)
    comparisons: list[Comparison] = [
        dataclasses.replace(c, tf_adjust=True) if c.field == "phone" else c
        for c in default_comparisons(sorted(fields, key=_order))]
    blocking: list[BlockingRule] = []
    from unifyprofile.resolver import default_blocking_rules

    blocking.extend(default_blocking_rules(fields))
    for field, (role, columns_by_table) in generic.items():
        values = pd.concat([data[name][column] for name, column in columns_by_table.items()],
                           ignore_index=True).dropna()
        n_rows = max(sum(len(data[name]) for name in columns_by_table), 1)
        if role == "text":
            comparisons.append(TextComparison(field))
            blocking.append(BlockingRule.parse([f"{field}:rare3"]))
        elif role == "identifier":
            comparisons.append(ExactMatch(field))
            if values.nunique() < 0.95 * len(values) or link:
                blocking.append(BlockingRule.parse([field]))
        elif role == "amount":
            comparisons.append(NumericComparison(field))
        elif role == "date":
            comparisons.append(DateComparison(field, within_days=(7, 90, 365)))
        elif role in ("categorical", "year") and len(values) >= MIN_FILLED * n_rows:
            comparisons.append(ExactMatch(field, tf_adjust=True))
    if not blocking:
        # Nothing person-like, no free text: block on any shared rare token of any
        # compared column, so there are candidate pairs at all.
        blocking.extend(BlockingRule.parse([f"{field}:rare3"]) for field in generic)
    if not blocking:
        # Only a few person fields the preset rules do not use alone (a postcode, a
        # city): block on each of them.
        blocking.extend(BlockingRule.parse([field])
                        for field in sorted(canonical_fields, key=_order))
    sources = []
    for name, table in tables.items():
        columns: dict[str, str | tuple[str, ...]] = {}
        for field, mapped in mappings[name].items():
            if field not in canonical_fields:
                continue
            present = [c for c in ([mapped] if isinstance(mapped, str) else mapped)
                       if c in table.columns]
            if present:
                columns[field] = present[0] if len(present) == 1 else tuple(present)
        for field, (_, columns_by_table) in generic.items():
            if name in columns_by_table:
                columns[field] = columns_by_table[name]
        path = None if paths is None else paths.get(name)
        sources.append(Source(name, path=path, data=None if path is not None else table,
                              id_column=id_column, columns=columns, unique_per_person=link))
    start = base or Config()
    threshold = start.threshold if base is not None else DEDUP_THRESHOLD
    guards = start.guards
    if not link and guards.keep_apart_below is None:
        # Evidence, not size, keeps entities apart: with clear non-matches held apart a
        # size cap only cuts real entities that have many records (a prolific inventor,
        # a big customer), so it is lifted to the number of records.
        guards = dataclasses.replace(guards, keep_apart_below=KEEP_APART_BELOW,
                                     max_cluster_size=max(guards.max_cluster_size,
                                                          len(union)))
    if link and len(tables) == 2:
        # One-to-one linkage: the constraint keeps each record's strongest link, so the
        # threshold only has to say that the evidence favours a match over a prior of
        # one true partner among the other table's records.
        threshold = 1.0 / max(max(len(t) for t in tables.values()), 2)
    config = dataclasses.replace(
        start, sources=tuple(sources), comparisons=tuple(comparisons),
        blocking=tuple(dict.fromkeys(blocking)), threshold=threshold, guards=guards,
        link_type="link_only" if link else start.link_type)
    return config, roles


def _order(field: str) -> int:
    order = (*schema.CANONICAL_FIELDS, *schema.ID_FIELDS)
    return order.index(field) if field in order else len(order)


def fit_blocking(config: Config, records: pd.DataFrame,
                 budget: int | None = None) -> tuple[Config, list[str]]:
    """Add looser person blocking rules while the candidate pairs stay within a budget.

    The rules of ``config`` are kept.  Each rule of :data:`LOOSE_PERSON_RULES` whose
    fields the records have is counted (pairs it alone would make, before anything is
    compared) and added while the running total stays within ``budget``.

    Args:
        config: the config (usually from :func:`infer_config`).
        records: the standardised records.
        budget: most pairs in all; default ``max(PAIRS_PER_RECORD * records,
            MIN_PAIR_BUDGET)``.

    Returns:
        The config with the added rules, and one note per rule with its pair count.
    """
    side = None
    if config.link_type == "link_only":
        side = pd.factorize(records[schema.SOURCE])[0]
    budget = budget if budget is not None else max(PAIRS_PER_RECORD * len(records),
                                                   MIN_PAIR_BUDGET)
    fields = {c[:-4] for c in records.columns if c.endswith("_std")}
    rules = list(config.blocking)
    notes = []
    total = 0
    for rule in rules:
        rows, codes = rule.entries(records)
        count = _count(codes, None if side is None else side[rows])
        total += count
        notes.append(f"blocking rule '{rule.name}': about {count:,} pairs")
    for keys in LOOSE_PERSON_RULES:
        if not all(k.split(":")[0] in fields for k in keys):
            continue
        rule = BlockingRule.parse(list(keys))
        if rule in rules:
            continue
        codes = rule.codes(records)
        count = _count(codes, side)
        if total + count > budget:
            notes.append(f"blocking rule '{rule.name}' left out: {count:,} pairs would pass "
                         f"the budget of {budget:,}")
            continue
        total += count
        rules.append(rule)
        notes.append(f"blocking rule '{rule.name}': about {count:,} pairs")
    notes.append(f"estimated candidate pairs before comparing: at most {total:,}")
    return dataclasses.replace(config, blocking=tuple(rules)), notes
