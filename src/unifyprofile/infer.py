"""Zero-config: choose a whole :class:`~unifyprofile.Config` from the tables themselves.

:func:`infer_config` reads the columns' names and values (see
:func:`unifyprofile.sources.infer_roles`), maps person fields onto the canonical schema
and every other useful column onto a field of its own, and picks comparisons and
blocking rules for what it found:

* person fields: the preset comparisons and blocking rules
  (:func:`~unifyprofile.compare.default_comparisons`,
  :func:`~unifyprofile.blocking.default_rules`);
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
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from rapidfuzz.distance import JaroWinkler

from unifyprofile import schema
from unifyprofile._columns import unique_ints
from unifyprofile._fields import field_types
from unifyprofile.blocking import BlockingRule, TableKeys, default_rules, pair_count
from unifyprofile.compare import (
    Comparison,
    DateComparison,
    EmailComparison,
    ExactMatch,
    NameComparison,
    NumericComparison,
    PhoneComparison,
    ReferenceComparison,
    TextComparison,
    default_comparisons,
)
from unifyprofile.config import Config
from unifyprofile.sources import ColumnRole, Source, canonical_mapping, infer_roles, name_words
from unifyprofile.standardise.lexicon import name_sex
from unifyprofile.standardise.names import formal_name, nickname_pairs

__all__ = ["DEDUP_THRESHOLD", "KEEP_APART_BELOW", "LOOSE_PERSON_RULES", "PERSONAL_IDS",
           "TIGHTENERS",
           "VETO_FIELDS", "fit_aliases", "fit_blocking", "fit_config", "fit_guards",
           "fit_vetoes",
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
#: ... and when linking two tables one to one (each record's strongest link only).
LINK_THRESHOLD = 0.05
#: Pairs scored below this are kept in different entities however links chain them.
KEEP_APART_BELOW = 0.001

#: A table whose company column is filled in this share of records, and its person names
#: in at least ORG_MARGIN fewer, holds organisations: their names are contacts, no veto.
ORG_FILLED = 0.9
ORG_MARGIN = 0.1
#: Fields whose clear disagreement forbids a probabilistic link (``guards.veto``): the
#: registered field types marked ``veto`` (``first_name``).
VETO_FIELDS: tuple[str, ...]
#: Person fields whose agreement needs corroboration (``guards.weak``): the registered
#: field types marked ``weak`` (names, ``gender``, and locations coarser than an address).
WEAK_FIELDS: tuple[str, ...]
#: Windows of the birth-date comparison, in days: a date a year or more off (a wrong
#: year typed) is a partial agreement, not a conflict.
DOB_WINDOWS = (365, 3650)
#: Fields whose exact agreement lifts that veto (``guards.veto_unless``): the registered
#: field types marked ``veto_unless`` (``customer_id``, ``loyalty_id``, ``ssn``, ``sin``).
PERSONAL_IDS: tuple[str, ...]
#: The module's views of the field-type registry: constant -> the role they list.
_ROLES = {"VETO_FIELDS": "veto", "WEAK_FIELDS": "weak", "PERSONAL_IDS": "veto_unless"}


def _with_role(role: str) -> tuple[str, ...]:
    """The registered field types that play ``role`` in the guards, in registry order."""
    return tuple(t.name for t in field_types() if getattr(t, role))


if not TYPE_CHECKING:  # the registry's views, computed on each access (PEP 562)

    def __getattr__(name: str) -> tuple[str, ...]:
        if name in _ROLES:
            return _with_role(_ROLES[name])
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

#: Share of records that must hold a value for a non-person column to be compared
#: whatever else is known; from MIN_SPARSE up it is compared when no source column
#: decides whether it is filled.
MIN_FILLED = 0.5
MIN_SPARSE = 0.1
#: Histogram intersection of two tables' columns' values from which they are one field.
PAIR_OVERLAP = 0.5
#: ... or from which they are when each is the other's best match by PAIR_MARGIN times
#: any other pairing of either (PAIR_CODES for codes: shared codes are no chance).
PAIR_BEST = 0.25
PAIR_CODES = 0.05
PAIR_MARGIN = 2.0
#: Share of a text column's values that hold one of another table's codes as a word, from
#: which the text refers to them (an invoice number in a payment's purpose).
REFERENCE_FOUND = 0.2
#: Texts read to tell that.
REFERENCE_SAMPLE = 2000

#: Candidate pairs the looser rules may add, per record (and at least this many in all,
#: and at most MAX_PAIR_BUDGET: time and memory stay linear in the records).
PAIRS_PER_RECORD = 40
MIN_PAIR_BUDGET = 100_000
MAX_PAIR_BUDGET = 20_000_000
#: Pairs one looser rule may make, per record (and at least MIN_PAIR_BUDGET): a rule on
#: a key whose blocks grow with the data (a birth year, a town) makes pairs as the
#: square of the records, and beyond this it adds strangers, not duplicates.
LOOSE_PAIRS_PER_RECORD = 2

#: Keys that tighten a blocking rule past max_pairs_per_rule, tried in this order.
TIGHTENERS = ("dob:year", "postcode", "city", "last_name:soundex", "first_name:prefix1",
              "address:tokens", "email:prefix4", "phone:suffix6", "dob")


def _field_name(column: str, role: str, used: set[str]) -> str:
    name = "_".join(name_words(column)) or "column"
    if not re.match(r"^[a-z_]", name):
        name = f"c_{name}"
    if name in _RESERVED or name in schema.CANONICAL_FIELDS or name in schema.ID_FIELDS \
            or name.endswith(("_std", "_flag", "_nick")):
        name = role if role.endswith(f"_{name}") else f"{name}_{role}"
    while name in used:
        name = f"{name}_2"
    used.add(name)
    return name


#: Person name fields: a table with any of them can be compared with one holding another
#: (standardising splits a full name and joins first and last).
_NAMES = {"first_name", "last_name", "full_name"}
_KINDS = ("text", "identifier", "other_phone", "categorical", "year", "amount", "date")


def _generic_columns(roles: Mapping[str, ColumnRole]) -> list[tuple[str, tuple[str, ...]]]:
    """``(role, columns)`` of every generic field: one column, or a date's parts."""
    out: list[tuple[str, tuple[str, ...]]] = []
    parts: dict[str, list[ColumnRole]] = {}
    for column, found in roles.items():
        if found.role not in _KINDS:
            continue
        if found.role == "date" and found.part:
            parts.setdefault(found.reason, []).append(found)  # one reason per date
        else:
            out.append((found.role, (column,)))
    order = {"year": 0, "month": 1, "day": 2}
    for group in parts.values():
        group.sort(key=lambda r: order[r.part or ""])
        out.append(("date", tuple(r.column for r in group)))
    return out


def _evidence(table: pd.DataFrame, columns: tuple[str, ...],
              roles: Mapping[str, ColumnRole]) -> bool:
    """Whether a generic column says something about the entity.

    A column filled in most rows does.  A sparser one does too (a title that only
    films have, an episode number), unless which source a row came from decides whether
    it is filled: then it mostly says which list the record came from.
    """
    share = _filled_share(table, columns)
    if share >= MIN_FILLED:
        return True
    if share < MIN_SPARSE:
        return False
    sources = [c for c, r in roles.items() if r.role == "source" and c in table.columns]
    if not sources:
        return True
    filled = table[list(columns)].notna().any(axis=1)
    rates = filled.groupby(table[sources[0]].fillna("")).mean()
    return float(rates.max() - rates.min()) < 0.9


def _profile_of(values: pd.Series, kind: str) -> pd.Series:
    """A column's distribution over comparable keys: years of dates, words of text,
    the values themselves otherwise."""
    text = values.dropna().astype(str).str.strip().str.lower()
    if kind == "identifier":
        # Codes as their standardised form compares them: "DE 12-34" is "de1234".
        keys = text.str.replace(r"[\s\-._]+", "", regex=True)
    elif kind in ("date", "year"):
        keys = text.str.extract(r"((?:1[5-9]|20)\d{2})")[0].dropna()
    elif kind == "text":
        keys = text.str.findall(r"[a-z0-9]+").explode().dropna()
    else:
        keys = text
    return keys.value_counts(normalize=True) if len(keys) else pd.Series(dtype=float)


def _pair_by_values(data: Mapping[str, pd.DataFrame], own: Mapping[str, Mapping[str, ColumnRole]]
                    ) -> list[tuple[str, dict[str, tuple[str, ...]]]]:
    """Pair each table's own generic columns with the first table's by kind, by how
    much their value distributions overlap (histogram intersection) and by whether they
    are filled on the same kind of rows (how often each is filled where each column both
    tables share is filled: a release year goes with titles, a death year with names).
    The product must reach :data:`PAIR_OVERLAP`, unless each table has one column of
    that kind; best pairs first, each column in one pair at most."""
    names = list(data)
    first = names[0]
    anchors = [c for c in data[first].columns
               if all(c in t.columns for t in data.values())
               and all(t[c].notna().any() for t in data.values())]

    def filled_with(table: pd.DataFrame, column: str) -> np.ndarray:
        filled = table[column].notna()
        return np.array([filled[table[a].notna()].mean() for a in anchors], dtype=float)

    out: list[tuple[str, dict[str, tuple[str, ...]]]] = []
    mine = [(role, cols) for role, cols in _generic_columns(own[first])
            if _evidence(data[first], cols, own[first])]
    chosen: dict[tuple[str, tuple[str, ...]], dict[str, tuple[str, ...]]] = {}
    for other in names[1:]:
        theirs = [(role, cols) for role, cols in _generic_columns(own[other])
                  if _evidence(data[other], cols, own[other])]
        candidates: list[tuple[float, str, tuple[str, ...], tuple[str, ...], bool]] = []
        kinds_mine = [role for role, _ in mine]
        kinds_theirs = [role for role, _ in theirs]
        overlaps: dict[tuple[tuple[str, ...], tuple[str, ...]], float] = {}
        for role, cols in mine:
            left = _profile_of(data[first][cols[0]], role)
            where = filled_with(data[first], cols[0])
            for their_role, their_cols in theirs:
                if their_role != role:
                    continue
                right = _profile_of(data[other][their_cols[0]], role)
                overlap = float(np.minimum(*left.align(right, fill_value=0.0)).sum())
                if anchors:
                    overlap *= 1.0 - float(np.nanmean(np.abs(
                        where - filled_with(data[other], their_cols[0]))))
                # One column of a kind on each side (a title here, a description
                # there) is one field whatever its words; codes that never meet are
                # two kinds of code (an account number, an invoice number).
                alone = kinds_mine.count(role) == 1 and kinds_theirs.count(role) == 1 \
                    and (role != "identifier" or overlap > 0)
                overlaps[(cols, their_cols)] = overlap
                candidates.append((overlap, role, cols, their_cols, alone))
        # A pair also holds when each column is the other's clearly best match: a title
        # in German and one in French share their model codes and brands, not half
        # their words; an EAN filled in a third of the rows shares a fifth of its codes,
        # which no two unrelated code columns do.
        scored = [(overlap, role, cols, their_cols) for overlap, role, cols, their_cols, alone
                  in candidates if overlap >= PAIR_OVERLAP or alone
                  or overlap >= (PAIR_CODES if role == "identifier" else PAIR_BEST)
                  and all(overlap >= PAIR_MARGIN * o for (a, b), o in overlaps.items()
                          if (a == cols) != (b == their_cols))]
        taken: set[tuple[str, ...]] = set()
        for _, role, cols, their_cols in sorted(scored, key=lambda t: -t[0]):
            if (role, cols) in chosen and other in chosen[(role, cols)] or their_cols in taken:
                continue
            chosen.setdefault((role, cols), {first: cols})[other] = their_cols
            taken.add(their_cols)
        if len(names) == 2:
            free_mine = [(r, c) for r, c in mine if (r, c) not in chosen]
            free_theirs = [(r, c) for r, c in theirs if c not in taken]
            for here, there in _references(data[first], free_mine, data[other], free_theirs):
                chosen[("reference", here)] = {first: here, other: there}
    for (role, _), picks in chosen.items():
        if len(picks) == len(names):
            out.append((role, picks))
    return out


def _references(mine: pd.DataFrame, my_columns: list[tuple[str, tuple[str, ...]]],
                theirs: pd.DataFrame, their_columns: list[tuple[str, tuple[str, ...]]]
                ) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Pairs ``(my columns, their columns)`` of an identifier in one table and a text in
    the other that names its codes: at least :data:`REFERENCE_FOUND` of a sample of the
    texts hold one of the codes as a word ("RE 2024-0585 VIELEN DANK" names invoice
    "2024-0585").  Compared as a reference (:class:`~unifyprofile.compare.ReferenceComparison`):
    a text that names another code of the same kind is evidence against.
    """
    from unifyprofile.compare import tokenise

    def codes(values: pd.Series) -> set[str]:
        # Every code, as tokenise writes a word with digits: folded, separators dropped.
        text = values.dropna().astype(str).str.strip()
        single = text[text.str.fullmatch(r"[A-Za-z0-9]+(?:[\-./_][A-Za-z0-9]+)*")]
        joined = single.str.lower().str.replace(r"[\-./_]", "", regex=True)
        return set(joined[joined.str.len().ge(4) & joined.str.contains(r"\d")].unique())

    def naming(values: pd.Series, known: set[str]) -> float:
        text = values.dropna().astype(str)
        if len(text) > REFERENCE_SAMPLE:
            text = text.sample(REFERENCE_SAMPLE, random_state=0)
        return float(np.mean([not known.isdisjoint(tokenise(v)) for v in text])) \
            if len(text) else 0.0

    out = []
    used: set[tuple[str, ...]] = set()
    for ids, texts, flip in ((my_columns, their_columns, False),
                             (their_columns, my_columns, True)):
        id_table, text_table = (theirs, mine) if flip else (mine, theirs)
        for id_role, id_cols in ids:
            if id_role != "identifier" or id_cols in used:
                continue
            known = codes(id_table[id_cols[0]])
            if not known:
                continue
            for text_role, text_cols in texts:
                if text_role != "text" or text_cols in used:
                    continue
                if naming(text_table[text_cols[0]], known) >= REFERENCE_FOUND:
                    out.append((text_cols, id_cols) if flip else (id_cols, text_cols))
                    used |= {id_cols, text_cols}
                    break
    return out


def _filled_share(table: pd.DataFrame, columns: tuple[str, ...]) -> float:
    if not len(table):
        return 0.0
    return float(table[list(columns)].notna().any(axis=1).mean())


def infer_config(tables: Mapping[str, pd.DataFrame], *, link: bool = False,
                 id_column: str | Mapping[str, str] = "record_id",
                 paths: Mapping[str, str | Path] | None = None,
                 base: Config | None = None) -> tuple[Config, dict[str, ColumnRole]]:
    """A config for ``tables`` chosen from their columns' values and names.

    Args:
        tables: source name -> table (strings; None = missing).  For a link task the
            two tables to link, else one table to deduplicate (several tables are
            deduplicated together).
        link: link the two tables (``link_only``) instead of deduplicating.  The
            sources are then taken as each free of duplicates (one record per entity,
            a cannot-link constraint), so each record links to at most one on the
            other side, strongest link first; the threshold becomes ``1 / (records of
            the larger table)``: a link needs evidence for a match that beats a prior
            of one partner among that many, and at least :data:`LINK_THRESHOLD`.
        id_column: the column holding each record's id, or one per table (source name
            -> column).
        paths: source name -> file, written into the config instead of in-memory data.
        base: settings to start from (threshold, guards, ...); its sources,
            comparisons and blocking rules are replaced.

    Returns:
        The config and the role found for every column.
    """
    ids = dict(id_column) if isinstance(id_column, Mapping) \
        else dict.fromkeys(tables, id_column)
    data = {name: t.drop(columns=[ids.get(name, "record_id")], errors="ignore")
            for name, t in tables.items()}
    union = pd.concat(list(data.values()), ignore_index=True, sort=False)
    first = next(iter(data.values()))
    shared = [c for c in first.columns if all(c in t.columns for t in data.values())]
    # Columns every table has are judged on all their values together; a column only
    # some tables have is judged in its own table.
    roles = infer_roles(union[shared], exclude=())
    own = {name: infer_roles(t[[c for c in t.columns if c not in shared]], exclude=())
           for name, t in data.items()}
    mappings = {name: canonical_mapping({**roles, **own[name]}) for name in data}
    per_table = [set(m) for m in mappings.values()]
    # Linking compares the fields both tables hold; deduplicating several exports also
    # compares a field only some hold (a birth date in the CRM tells its own duplicates
    # apart, and the records of the other exports leave it missing).
    canonical_fields = (set.intersection(*per_table) if link else set.union(*per_table)) \
        if per_table else set()
    if all(_NAMES & set(m) for m in mappings.values()):
        # A full name on one side meets first and last names on the other.
        canonical_fields |= _NAMES & set().union(*mappings.values())
    used = set(canonical_fields)
    # field -> (role, {table: columns})
    generic: dict[str, tuple[str, dict[str, tuple[str, ...]]]] = {}
    for role, held in _generic_columns(roles):
        if _evidence(union, held, roles):
            generic[_field_name(held[0], role, used)] = (role, dict.fromkeys(data, held))
    # Columns named differently in each table but holding the same kind of thing (a
    # "memo" here, a "description" there; a release date here, a release year there)
    # are paired by their values.
    if len(data) > 1:
        for kind, picks in _pair_by_values(data, own):
            generic[_field_name(next(iter(picks.values()))[0], kind, used)] = (kind, picks)
    all_roles = dict(roles)
    for found_own in own.values():
        all_roles.update(found_own)
    placeholders: dict[str, set[str]] = {}
    for name in data:
        for field, mapped in mappings[name].items():
            for column in [mapped] if isinstance(mapped, str) else mapped:
                junk = all_roles[column].placeholder
                if junk is not None:
                    placeholders.setdefault(field, set()).add(junk)
    for field, (_, columns_by_table) in generic.items():
        for held in columns_by_table.values():
            for column in held:
                junk = all_roles[column].placeholder
                if junk is not None:
                    placeholders.setdefault(field, set()).add(junk)
    fields = set(canonical_fields)
    if "full_name" in fields:
        # Standardising splits a full name into first and last names, so the name
        # presets (nicknames, swaps, phonetic blocking) apply to it too.
        fields |= {"first_name", "last_name"}
    # Term-frequency adjustment on phones: a landline shared by a dozen records (a head
    # office, a household) is much weaker evidence than a number held by one.  (Not on
    # e-mail: a personal address repeats only within one person's duplicates.)
    comparisons: list[Comparison] = [
        dataclasses.replace(c, tf_adjust=True) if c.field == "phone"
        else DateComparison(c.field, within_days=DOB_WINDOWS)
        if isinstance(c, DateComparison) else c
        for c in default_comparisons(sorted(fields, key=_order))]
    blocking: list[BlockingRule] = default_rules(fields)
    if "company" in fields and not fields & _NAMES:
        # Organisations: the name is the record.  Compare it as text (rare words count,
        # legal forms and common words do not, a word mistyped still counts) and block on
        # its rare words.
        comparisons = [TextComparison("company", typos=True) if c.field == "company" else c
                       for c in comparisons]
        blocking.append(BlockingRule.parse(["company:rare3"]))
    for field, (role, columns_by_table) in generic.items():
        raw = pd.concat([data[name][columns[0]] for name, columns in columns_by_table.items()],
                        ignore_index=True).dropna()
        if role == "text":
            comparisons.append(TextComparison(field))
            blocking.append(BlockingRule.parse([f"{field}:rare3"]))
        elif role == "reference":
            # A code here, a text naming it there (an invoice number, a payment's
            # purpose): a purpose that names another invoice is evidence against.
            comparisons.append(ReferenceComparison(field))
            blocking.append(BlockingRule.parse([f"{field}:rare3"]))
        elif role == "identifier":
            # Codes however written: "80.226.902-G" is "80226902g".
            comparisons.append(ExactMatch(field, codes=True))
            if raw.nunique() < 0.95 * len(raw) or link:
                blocking.append(BlockingRule.parse([field]))
        elif role == "other_phone":
            # A mobile or a fax beside the phone: read and compared as a phone number
            # (international or national, however punctuated), a hub like the phone.
            comparisons.append(PhoneComparison(field, tf_adjust=True))
            blocking.append(BlockingRule.parse([field]))
        elif role == "amount":
            comparisons.append(NumericComparison(field))
            measured = float(raw.astype(str).str.strip().str.contains(r"[.,]\d{4,}$").mean())
            if any(kind == "date" for kind, _ in generic.values()) and measured < 0.1:
                # An amount of money on a day is a transaction (a payment in two
                # ledgers, an order in the shop and in the CRM): the same amount however
                # written, on days that may differ.  A catalogue's prices differ between
                # shops and block nothing; a measure with four decimals (a coordinate)
                # is no money.
                blocking.append(BlockingRule.parse([f"{field}:number"]))
        elif role == "date":
            # Linking two tables, a date here and one there are events in order (an
            # invoice, then its payment): the model learns which side a match falls on,
            # and a window of a month tells this month's invoice from last month's.
            first = next(iter(tables)) if link and len(tables) == 2 else None
            comparisons.append(DateComparison(
                field, within_days=(7, 90, 365) if first is None else (7, 30, 90, 365),
                first=first))
        elif role == "year":
            comparisons.append(NumericComparison(field, absolute=(1,)))
        elif role == "categorical":
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
                mapped_columns = columns_by_table[name]
                columns[field] = mapped_columns[0] if len(mapped_columns) == 1 \
                    else mapped_columns
        path = None if paths is None else paths.get(name)
        sources.append(Source(name, path=path, data=None if path is not None else table,
                              id_column=ids.get(name, "record_id"), columns=columns,
                              unique_per_person=link))
    start = base or Config()
    threshold = start.threshold if base is not None else DEDUP_THRESHOLD
    guards = start.guards
    extra_phones = tuple(f for f, (role, _) in generic.items() if role == "other_phone")
    if extra_phones:
        guards = dataclasses.replace(
            guards, hub_fields=tuple(dict.fromkeys((*guards.hub_fields, *extra_phones))))
    if placeholders:
        guards = dataclasses.replace(guards, placeholders={
            **{f: tuple(sorted(v)) for f, v in placeholders.items()},
            **dict(guards.placeholders)})
    def filled(fields: set[str]) -> float:
        """Share of all records holding any of ``fields``."""
        return sum(len(table) * _filled_share(table, tuple(
            c for f, m in mappings[name].items() if f in fields
            for c in ([m] if isinstance(m, str) else m) if c in table.columns))
            for name, table in data.items()) / max(len(union), 1)

    # Records of organisations: every record names its company, fewer a person (a
    # contact, who changes). The company is the entity; a contact's name is evidence.
    company = filled({"company"}) if "company" in canonical_fields else 0.0
    organisations = company >= ORG_FILLED and filled(_NAMES) <= company - ORG_MARGIN
    if not guards.veto and not organisations:
        # A person's records agree on their given name and date of birth (up to typos,
        # nicknames, initials and swaps): two different ones are two people, however
        # much else (a household's surname, address, landline, family mailbox) agrees.
        # Unless a personal identifier (a national id, a customer number) agrees.
        # And a name and a town need corroboration from any other field both records
        # hold (two namesakes in one city have two e-mails, two phones).
        vetoes, personal, weak = _with_role("veto"), _with_role("veto_unless"), \
            _with_role("weak")
        guards = dataclasses.replace(
            guards, veto=tuple(c.name for c in comparisons if c.field in vetoes),
            veto_unless=tuple(c.name for c in comparisons if c.field in personal
                              or generic.get(c.field, ("",))[0] == "identifier"),
            weak=tuple(c.name for c in comparisons if c.field in weak)
            if any(c.field in _NAMES for c in comparisons) else ())
    if not link and guards.keep_apart_below is None:
        # Evidence, not size, keeps entities apart: with clear non-matches held apart a
        # size cap only cuts real entities that have many records (a prolific inventor,
        # a big customer), so it is lifted to the number of records.
        guards = dataclasses.replace(guards, keep_apart_below=KEEP_APART_BELOW,
                                     max_cluster_size=max(guards.max_cluster_size,
                                                          len(union)))
    if link and len(tables) == 2:
        # One-to-one linkage: the constraint keeps each record's strongest link, so a
        # link needs only odds of one in twenty (LINK_THRESHOLD) and no rival: the
        # competition between a record's candidates does the rest.
        threshold = max(LINK_THRESHOLD, 1.0 / max(max(len(t) for t in tables.values()), 2))
    config = dataclasses.replace(
        start, sources=tuple(sources), comparisons=tuple(comparisons),
        blocking=tuple(dict.fromkeys(blocking)), threshold=threshold, guards=guards,
        link_type="link_only" if link else start.link_type)
    return config, all_roles


def _order(field: str) -> int:
    order = (*schema.CANONICAL_FIELDS, *schema.ID_FIELDS)
    return order.index(field) if field in order else len(order)


def fit_blocking(config: Config, records: pd.DataFrame, budget: int | None = None, *,
                 keys: TableKeys | None = None) -> tuple[Config, list[str]]:
    """Fit the blocking rules to the records: within the per-rule limit by construction,
    then looser person rules while the candidate pairs stay within a budget.

    Each rule of ``config`` is counted before anything is compared (the pairs it alone
    would make).  A rule over ``config.max_pairs_per_rule`` (a common first name and a
    common surname in a big register) is tightened with one more key (a birth year, a
    postcode, a city, ...: the first of :data:`TIGHTENERS` the records have that brings it
    within the limit), or dropped when none does; so zero-config never fails on its own
    guard.  Then each rule of :data:`LOOSE_PERSON_RULES` whose fields the records have is
    added while the running total stays within ``budget``, unless it alone would make
    more than :data:`LOOSE_PAIRS_PER_RECORD` pairs per record (a loose rule that grows
    as the square of the records finds strangers at scale).

    Args:
        config: the config (usually from :func:`infer_config`).
        records: the standardised records.
        budget: most pairs in all; default ``max(PAIRS_PER_RECORD * records,
            MIN_PAIR_BUDGET)``, at most :data:`MAX_PAIR_BUDGET`.
        keys: the blocking keys of ``records`` derived so far, to reuse and add to
            (blocking the same records later reuses them too).

    Returns:
        The config with the fitted rules, and one note per rule with its pair count
        (and what was tightened or dropped).
    """
    side = None
    if config.link_type == "link_only":
        side = pd.factorize(records[schema.SOURCE])[0]
    budget = budget if budget is not None else min(
        max(PAIRS_PER_RECORD * len(records), MIN_PAIR_BUDGET), MAX_PAIR_BUDGET)
    limit = config.max_pairs_per_rule
    loose_limit = min(max(LOOSE_PAIRS_PER_RECORD * len(records), MIN_PAIR_BUDGET), limit)
    fields = {c[:-4] for c in records.columns if c.endswith("_std")} | set(records.columns)

    # Rules and tightenings share the keys derived.
    derived = keys if keys is not None else TableKeys(records, side)

    def count(rule: BlockingRule) -> int:
        rows, codes = rule.entries(records, derived)
        return pair_count(codes, None if side is None else side[rows])

    rules: list[BlockingRule] = []
    notes = []
    total = 0
    for rule in config.blocking:
        pairs = count(rule)
        if pairs > limit:
            tightened = None
            for key in TIGHTENERS:
                if key.split(":")[0] not in fields or any(
                        k.field == key.split(":")[0] for k in rule.keys):
                    continue
                candidate = BlockingRule.parse([*rule.to_config(), key])
                if candidate.multi and sum(k.multi for k in candidate.keys) > 1:
                    continue
                tighter = count(candidate)
                if tighter <= limit:
                    tightened = (candidate, tighter)
                    break
            if tightened is None:
                notes.append(f"blocking rule '{rule.name}' dropped: {pairs:,} pairs would pass "
                             f"max_pairs_per_rule ({limit:,}) and no key tightens it enough")
                continue
            notes.append(f"blocking rule '{rule.name}' tightened to '{tightened[0].name}': "
                         f"{pairs:,} pairs would pass max_pairs_per_rule ({limit:,}), "
                         f"{tightened[1]:,} do not")
            rule, pairs = tightened
        if rule in rules:
            continue
        rules.append(rule)
        total += pairs
        notes.append(f"blocking rule '{rule.name}': about {pairs:,} pairs")
    for loose in LOOSE_PERSON_RULES:
        if not all(k.split(":")[0] in fields for k in loose):
            continue
        rule = BlockingRule.parse(list(loose))
        if rule in rules:
            continue
        pairs = count(rule)
        if pairs > loose_limit:
            notes.append(f"blocking rule '{rule.name}' left out: {pairs:,} pairs, more than "
                         f"a looser rule may make ({loose_limit:,}: {LOOSE_PAIRS_PER_RECORD} "
                         f"per record, at least {MIN_PAIR_BUDGET:,})")
            continue
        if total + pairs > budget:
            notes.append(f"blocking rule '{rule.name}' left out: {pairs:,} pairs would pass "
                         f"the budget of {budget:,}")
            continue
        total += pairs
        rules.append(rule)
        notes.append(f"blocking rule '{rule.name}': about {pairs:,} pairs")
    if not rules and config.blocking:
        notes.append("no blocking rule stays within max_pairs_per_rule: no pairs are compared")
    notes.append(f"estimated candidate pairs before comparing: at most {total:,}")
    return dataclasses.replace(config, blocking=tuple(rules)), notes


#: A veto is lifted when, among pairs that a personal identifier says are one person,
#: more than this share has the veto field clearly different.
VETO_LIFT_SHARE = 0.05
#: Share of the pairs sharing an unnamed identifier that must agree on the birth date
#: for it to be a personal identifier.
PERSONAL_ID_AGREE = 0.9
#: Witnessed pairs needed before a veto is judged.
VETO_MIN_WITNESSES = 30
#: Person fields that become vetoes where records of one person nearly never differ on
#: them (see :func:`fit_vetoes`) ...
VETO_CANDIDATES = ("dob", "phone")
#: ... in at most this share of the witnessed pairs (a veto then costs at most about 1
#: in 50 of a person's direct links, and other links of the person mostly make up for
#: it).
VETO_ADD_SHARE = 0.02


def fit_guards(config: Config, records: pd.DataFrame, *, seed: int = 0
               ) -> tuple[Config, list[str]]:
    """Check the zero-config vetoes against the records' own witnesses.

    A veto (two clearly different first names are two people) holds for people's data
    in general; a data set can show otherwise.  Pairs of records holding the same value
    of a personal identifier (``guards.veto_unless``: a national id, a customer number)
    are the same person; when more than :data:`VETO_LIFT_SHARE` of them have the veto
    field clearly different, that field's values are unreliable in this data (names
    replaced by others), and its veto is lifted: it then weighs as evidence only.

    Args:
        config: the config (usually from :func:`infer_config`).
        records: the standardised records.
        seed: for the sample of witnessed pairs.

    Returns:
        The config (vetoes lifted where the data says so) and one note per judged veto.
    """
    guards = config.guards
    by_name = {c.name: c for c in config.comparisons}
    if not guards.veto or not guards.veto_unless:
        return config, []
    rng = np.random.default_rng(seed)
    notes = []
    # An identifier that is not named a personal one (an opaque "col_7") witnesses only
    # when the records sharing it are one person by their birth dates (or the table's
    # one date): a household or an account number is shared by different people.
    births = sorted((c for c in config.comparisons if isinstance(c, DateComparison)),
                    key=lambda c: c.field != "dob")
    birth = births[0].prepare(records) if births else None  # prepared once
    witnesses, sharing = [], {}
    personal = _with_role("veto_unless")
    for name in guards.veto_unless:
        if name not in by_name:
            continue
        pair = _sharing(by_name[name], records, rng)
        if by_name[name].field not in personal:
            levels = birth.levels(*pair) if birth is not None and len(pair[0]) \
                else np.zeros(0)
            judged = levels >= 0
            # The same birth date, or one typo away; a date within years is no witness.
            names = births[0].level_names if births else ("exact",)
            same = names.index("typo") if "typo" in names else len(names) - 1
            agree = float((levels[judged] >= same).mean()) if judged.any() else 0.0
            if int(judged.sum()) < VETO_MIN_WITNESSES or agree < PERSONAL_ID_AGREE:
                notes.append(f"'{name}' is no personal identifier: "
                             + (f"{agree:.0%} of {int(judged.sum()):,} pairs sharing it "
                                "agree on the birth date" if births else
                                "no birth date to tell"))
                continue
        witnesses.append(by_name[name])
        sharing[name] = pair
    if len(witnesses) < len(guards.veto_unless):
        guards = dataclasses.replace(guards, veto_unless=tuple(w.name for w in witnesses))
        config = dataclasses.replace(config, guards=guards)
    if not witnesses:
        return config, notes
    i = np.concatenate([sharing[w.name][0] for w in witnesses])
    j = np.concatenate([sharing[w.name][1] for w in witnesses])
    if len(i) > 100_000:
        pick = rng.choice(len(i), 100_000, replace=False)
        i, j = i[pick], j[pick]
    kept = []
    for name in guards.veto:
        comparison = by_name[name]
        levels = comparison.prepare(records).levels(i, j) if len(i) else np.zeros(0)
        judged = levels >= 0
        if int(judged.sum()) < VETO_MIN_WITNESSES:
            kept.append(name)
            continue
        share = float((levels[judged] == 0).mean())
        if share > VETO_LIFT_SHARE:
            notes.append(f"veto on '{name}' lifted: {share:.0%} of {int(judged.sum()):,} pairs "
                         f"that share a {', '.join(w.field for w in witnesses)} have it "
                         "clearly different, so here it is evidence, not proof")
        else:
            kept.append(name)
            notes.append(f"veto on '{name}' kept: {share:.1%} of {int(judged.sum()):,} pairs "
                         f"that share a {', '.join(w.field for w in witnesses)} have it "
                         "clearly different")
    if len(kept) == len(guards.veto):
        return config, notes
    return dataclasses.replace(config, guards=dataclasses.replace(
        guards, veto=tuple(kept))), notes


def fit_vetoes(config: Config, records: pd.DataFrame, *, seed: int = 0
               ) -> tuple[Config, list[str]]:
    """Make vetoes of the person fields that the records show one person never holds
    two of.

    What a household shares (a surname, an address, a landline, a family mailbox)
    agrees together, and summed as independent evidence it outweighs any one
    disagreement: at a hundred thousand records, fifty bits and more against the three
    to eight that two different mobile numbers say.  Where the data show that one person's
    records nearly never hold two values of a field (:data:`VETO_CANDIDATES`: a birth
    date, a phone), two values are two people, however much else agrees: the field
    becomes a veto (``guards.veto``).  The witnesses are pairs of records that share
    an e-mail, a phone or a personal identifier (of another field than the one judged)
    and the same first name (nicknames resolved) and last name: one person, for a
    household's members have different first names.  When at most
    :data:`VETO_ADD_SHARE` of at least :data:`VETO_MIN_WITNESSES` of them hold two
    clearly different values (a typo is no disagreement), it is a veto; where people's
    records keep old numbers it stays evidence.  An exact personal id still lifts it
    (``guards.veto_unless``).  Only where the first-name veto holds (see
    :func:`fit_guards`): where names are replaced, the witnesses are not one person.

    Args:
        config: the config (usually after :func:`fit_guards`).
        records: the standardised records.
        seed: for the sample of witnessed pairs.

    Returns:
        The config (with the vetoes the data bear out) and one note per judged field.
    """
    guards = config.guards
    first, last = "first_name_nick", schema.std("last_name")
    vetoes = _with_role("veto")
    if not any(c.field in vetoes and c.name in guards.veto for c in config.comparisons) \
            or first not in records.columns or last not in records.columns:
        return config, []
    # One person by name: the same first name (nicknames resolved) and the same surname.
    given, _ = pd.factorize(records[first])
    family, families = pd.factorize(records[last])
    person = np.where((given >= 0) & (family >= 0),
                      given.astype(np.int64) * (len(families) + 1) + family, -1)
    contacts = [c for c in config.comparisons if isinstance(c, (EmailComparison,
                                                                PhoneComparison))
                or c.name in guards.veto_unless]
    rng = np.random.default_rng(seed)
    sharing = {c.name: _sharing(c, records, rng, within=person) for c in contacts}
    n = len(records)
    added, notes = [], []
    for comparison in config.comparisons:
        if comparison.field not in VETO_CANDIDATES or comparison.name in guards.veto:
            continue
        # Each pair once, however many contacts it shares; none of the field judged.
        codes = [sharing[c.name][0] * n + sharing[c.name][1] for c in contacts
                 if c.field != comparison.field]
        pairs = unique_ints(np.concatenate(codes)) if codes else np.zeros(0, dtype=np.int64)
        levels = comparison.prepare(records).levels(pairs // n, pairs % n) if len(pairs) \
            else np.zeros(0)
        judged = levels >= 0
        if int(judged.sum()) < VETO_MIN_WITNESSES:
            continue
        share = float((levels[judged] == 0).mean())
        witnessed = f"{int(judged.sum()):,} pairs that share a contact and a full name"
        if share <= VETO_ADD_SHARE:
            added.append(comparison.name)
            notes.append(f"veto on '{comparison.name}': {share:.1%} of {witnessed} hold two "
                         "values, so two values are two people")
        else:
            notes.append(f"no veto on '{comparison.name}': {share:.1%} of {witnessed} hold "
                         "two values, so here it is evidence")
    if not added:
        return config, notes
    return dataclasses.replace(config, guards=dataclasses.replace(
        guards, veto=(*guards.veto, *added))), notes


def _sharing(comparison: Comparison, records: pd.DataFrame, rng: np.random.Generator,
             within: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of records holding the same value (neighbours in value order: one pair per
    repeat), at most 100,000 of them, ``i < j``.  ``within``: a code per record (-1 for
    none); then only pairs that hold the same code too."""
    codes = comparison.prepare(records).value_codes
    if codes is None:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    codes = codes.astype(np.int64)
    if within is not None:
        codes = np.where((codes >= 0) & (within >= 0),
                         codes * (int(within.max(initial=0)) + 1) + within, -1)
    rows = np.flatnonzero(codes >= 0)
    order = rows[np.argsort(codes[rows], kind="stable")]
    same = codes[order[1:]] == codes[order[:-1]]
    i, j = order[:-1][same], order[1:][same]
    i, j = np.minimum(i, j), np.maximum(i, j)
    if len(i) > 100_000:
        pick = rng.choice(len(i), 100_000, replace=False)
        i, j = i[pick], j[pick]
    return i, j


#: Pairs of fields that two records of one person share together and two people of one
#: household seldom do (a family mailbox and a landline are shared; a birth date with
#: either is not): a pair of given names seen on such records is one name.
ALIAS_WITNESSES = (("email", "dob"), ("phone", "dob"), ("email", "phone"))
#: Witness groups (records agreeing on both fields of a pair, at most
#: :data:`ALIAS_MAX_GROUP` of them) that must show two names for them to be one ...
ALIAS_MIN_GROUPS = 3
#: ... and at least this share of the records of the rarer of the two names (twins, a
#: couple with one mailbox and one phone pair common names at random, not as a rule).
ALIAS_MIN_SHARE = 0.02
ALIAS_MAX_GROUP = 10


def fit_aliases(config: Config, records: pd.DataFrame) -> tuple[Config, list[str]]:
    """Learn the given names that stand for one name from the records themselves.

    The nickname table knows English diminutives; a customer base writes "Kasia" for
    Katarzyna, "Chema" for José, "Pat" for Patricia as well as for Patrick.  Records that
    agree on two identifiers that a household does not share together
    (:data:`ALIAS_WITNESSES`: an e-mail and a birth date, ...) are one person; when such
    groups hold two given names again and again (:data:`ALIAS_MIN_GROUPS`, and
    :data:`ALIAS_MIN_SHARE` of the rarer name's records), the two names are aliases:
    the first-name comparison's ``aliases`` (its ``"nickname"`` level).  Names that a
    fuzzy level or the nickname table already matches (a typo, an initial, "bob" and
    "robert"), names of different sexes, a group where one of the names is also a
    surname (first and last name swapped), and the witnesses' hub values (demoted
    before) are left out.

    Returns:
        The config (the first-name comparison with its learned aliases) and a note.
    """
    at = [n for n, c in enumerate(config.comparisons) if isinstance(c, NameComparison)
          and c.field == "first_name" and c.nicknames and not c.aliases]
    column = schema.std("first_name")
    if not at or column not in records.columns:
        return config, []
    names, uniques = pd.factorize(records[column], use_na_sentinel=True)
    vocabulary = np.asarray(uniques, dtype=object)
    surnames = (records[schema.std("last_name")].to_numpy(dtype=object, na_value=None)
                if schema.std("last_name") in records.columns else None)
    found: dict[tuple[int, int], set[tuple[int, ...]]] = {}
    for fields in ALIAS_WITNESSES:
        columns = [schema.std(f) for f in fields]
        if not all(c in records.columns for c in columns):
            continue
        keys = [pd.factorize(records[c], use_na_sentinel=True)[0] for c in columns]
        held = np.flatnonzero((names >= 0) & (keys[0] >= 0) & (keys[1] >= 0))
        if not len(held):
            continue
        table = pd.DataFrame({"a": keys[0][held], "b": keys[1][held], "name": names[held],
                              "row": held})
        shape = table.groupby(["a", "b"], sort=False)["name"].agg(
            ["size", "nunique", "min", "max"])
        two = shape[(shape["nunique"] == 2) & (shape["size"] <= ALIAS_MAX_GROUP)]
        members = table.join(two, on=["a", "b"], how="inner")
        if surnames is not None:  # a name given in the surname's place: a swap, not an alias
            surname = surnames[members["row"].to_numpy()]
            swapped = ((surname == vocabulary[members["min"].to_numpy()])
                       | (surname == vocabulary[members["max"].to_numpy()]))
            members = members[~members.assign(swapped=swapped).groupby(
                ["a", "b"], sort=False)["swapped"].transform("any").to_numpy(dtype=bool)]
        groups = members.groupby(["a", "b", "min", "max"], sort=False)["row"].agg(tuple)
        for (_, _, low, high), group in groups.items():
            found.setdefault((int(low), int(high)), set()).add(tuple(sorted(group)))
    if not found:
        return config, []
    comparison = config.comparisons[at[0]]
    assert isinstance(comparison, NameComparison)
    lowest = min(comparison.thresholds)
    count = np.bincount(names[names >= 0], minlength=len(vocabulary))
    frequent = {pair: groups for pair, groups in found.items()
                if len(groups) >= max(ALIAS_MIN_GROUPS,
                                      ALIAS_MIN_SHARE * min(count[pair[0]], count[pair[1]]))}
    named = sorted({str(vocabulary[x]) for pair in frequent for x in pair})
    sexes = dict(zip(named, name_sex(named), strict=True))
    learned = []
    for (x, y), groups in frequent.items():
        a, b = str(vocabulary[x]), str(vocabulary[y])
        if min(len(a), len(b)) < 2 or JaroWinkler.normalized_similarity(a, b) >= lowest:
            continue  # an initial or a typo: the fuzzy levels match it
        if sexes[a] and sexes[b] and sexes[a] != sexes[b]:
            continue
        if formal_name(a) == formal_name(b) or len(nickname_pairs([a, b])[0]):
            continue  # the nickname table knows them
        learned.append((len(groups), min(a, b), max(a, b)))
    if not learned:
        return config, []
    learned.sort(key=lambda x: (-x[0], x[1], x[2]))
    comparisons = list(config.comparisons)
    comparisons[at[0]] = dataclasses.replace(comparison,
                                             aliases=tuple((a, b) for _, a, b in learned))
    shown = ", ".join(f"{a} = {b}" for _, a, b in learned[:5])
    return dataclasses.replace(config, comparisons=tuple(comparisons)), [
        f"first-name aliases learned: {len(learned):,}, pairs of given names that records "
        f"of one person (same e-mail and birth date, ...) hold again and again, e.g. {shown}"]


def fit_config(config: Config, records: pd.DataFrame, *, keys: TableKeys | None = None
               ) -> tuple[Config, list[str]]:
    """Fit a zero-config to the standardised records: blocking within the pair budget
    (:func:`fit_blocking`, which derives its keys into ``keys`` when given), first-name
    aliases (:func:`fit_aliases`) and vetoes the data bears out (:func:`fit_guards`,
    :func:`fit_vetoes`)."""
    config, blocking_notes = fit_blocking(config, records, keys=keys)
    config, alias_notes = fit_aliases(config, records)
    config, guard_notes = fit_guards(config, records, seed=config.seed)
    config, veto_notes = fit_vetoes(config, records, seed=config.seed)
    return config, blocking_notes + alias_notes + guard_notes + veto_notes
