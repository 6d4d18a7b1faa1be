"""Candidate pairs from blocking rules.

A blocking rule is a list of keys; two records are a candidate pair under the rule when
every key has the same non-null value on both.  Rules are unioned: a pair is produced by
the first rule that matches it and skipped by every later rule (checked on the key codes,
so no global sort of all pairs is needed and no pair appears twice).  A rule with a
multi-valued key (``title:rare3``) pairs records that share any of their values; its
pairs are made from the (record, value) list and deduplicated against the other rules.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from unifyprofile.blocking._keys import Key, TableKeys, key_values, parse_keys
from unifyprofile.errors import BlockingError, ConfigError

__all__ = ["LINK_TYPES", "BlockingRule", "Candidates", "analyse_blocking", "block",
           "link_sides", "pair_count"]

LINK_TYPES = ("dedupe", "link_only")


@dataclass(frozen=True)
class BlockingRule:
    """Records that agree exactly on every key are compared.

    Keys given as strings (``"last_name:soundex"``) are parsed.

    Raises:
        ConfigError: listing every problem: no keys, a key that does not parse, or more
            than one multi-valued key (``rareN``).

    Examples:
        >>> BlockingRule.parse(["last_name:soundex", "dob"]).name
        'last_name:soundex & dob'
        >>> BlockingRule(("email", "first_name:nick")).name
        'email & first_name:nick'
    """

    keys: tuple[Key, ...]

    def __post_init__(self) -> None:
        label = "blocking rule keys"
        found, problems = parse_keys(self.keys, label,
                                     '["email"] or ["last_name:soundex", "dob"]')
        parsed = [key for _, key in found]
        multi = [repr(str(k)) for k in parsed if k.multi]
        if len(multi) > 1:
            # Its pairs are made from one (record, value) list.
            problems.append(f"{label} must be keys of which at most one is multi-valued "
                            f"(rareN) (got {', '.join(multi)}); make one rule for each")
        if problems:
            raise ConfigError(problems)
        object.__setattr__(self, "keys", tuple(parsed))

    @classmethod
    def parse(cls, entry: str | Sequence[str], where: str = "blocking rule") -> BlockingRule:
        """The rule of a key or a list of keys; problems are named by ``where``."""
        try:
            return cls(entry)  # type: ignore[arg-type]  # __post_init__ parses the keys
        except ConfigError as exc:
            raise exc.located("blocking rule keys", where) from None

    @property
    def name(self) -> str:
        return " & ".join(str(k) for k in self.keys)

    def to_config(self) -> list[str]:
        return [str(k) for k in self.keys]

    @property
    def multi(self) -> bool:
        """Whether a key gives several values per record (then :meth:`codes` is all -1)."""
        return any(k.multi for k in self.keys)

    def entries(self, records: pd.DataFrame, keys: TableKeys | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
        """``(rows, codes)``: one entry per record and value of the combined key.

        ``keys``: the keys of ``records`` derived so far (shared between rules)."""
        multi = [k for k in self.keys if k.multi]
        keys = keys if keys is not None else TableKeys(records)
        if not multi:
            codes = self.codes(records, keys)
            rows = np.flatnonzero(codes >= 0)
            return rows, codes[rows]
        rows, combined = keys.lists(multi[0])
        for key in self.keys:
            if key.multi:
                continue
            part = keys.codes(key)[rows]
            keep = part >= 0
            rows, combined, part = rows[keep], combined[keep], part[keep]
            combined = pd.factorize(combined)[0].astype(np.int64) * (int(part.max(initial=0))
                                                                     + 1) + part
        return rows, pd.factorize(combined)[0].astype(np.int64)

    def values(self, records: pd.DataFrame) -> np.ndarray:
        """One string per record for the combined key (None if any key is null).

        Records share a block exactly when their values are equal and not None.
        """
        parts = [key_values(records, k) for k in self.keys]
        if len(parts) == 1:
            return parts[0]
        out = np.full(len(records), None, dtype=object)
        present = np.ones(len(records), dtype=bool)
        for part in parts:
            present &= part != None  # noqa: E711 - elementwise on an object array
        joined = ["\x1f".join(vals) for vals in zip(*(p[present] for p in parts), strict=True)]
        out[present] = joined
        return out

    def codes(self, records: pd.DataFrame, keys: TableKeys | None = None) -> np.ndarray:
        """One int64 code per record for the combined key (-1 if any key is null).

        A multi-valued rule has no single code per record: every code is -1 (use
        :meth:`entries`).  ``keys``: the keys of ``records`` derived so far.
        """
        if self.multi:
            return np.full(len(records), -1, dtype=np.int64)
        keys = keys if keys is not None else TableKeys(records)
        parts = [keys.codes(k) for k in self.keys]
        combined = parts[0].copy()
        null = combined < 0
        for part in parts[1:]:
            null |= part < 0
            # Mixed radix keeps one int64 per record; re-factorise before it could overflow.
            radix = int(part.max(initial=0)) + 1
            if int(combined.max(initial=0)) + 1 > (2**62) // radix:
                combined = pd.factorize(np.where(null, -1, combined))[0].astype(np.int64)
            combined = combined * radix + np.maximum(part, 0)
        out = np.full(len(combined), -1, dtype=np.int64)
        out[~null] = pd.factorize(combined[~null])[0]  # dense codes, for bincount
        return out


@dataclass
class Candidates:
    """Candidate pairs: row positions ``i < j`` and the index of the rule that found them."""

    i: np.ndarray
    j: np.ndarray
    rule: np.ndarray
    #: Per rule, the key code of every record (-1 null): equal codes = same block.
    codes: list[np.ndarray] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.i)


def _groups(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions sorted by code (stable), and start/size of each group of size >= 2."""
    present = np.flatnonzero(codes >= 0)
    order = present[np.argsort(codes[present], kind="stable")]
    sorted_codes = codes[order]
    if len(order) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return order, empty, empty
    boundaries = np.flatnonzero(np.diff(sorted_codes)) + 1
    starts = np.concatenate([[0], boundaries])
    sizes = np.diff(np.concatenate([starts, [len(order)]]))
    big = sizes >= 2
    return order, starts[big], sizes[big]


def pair_count(codes: np.ndarray, side: np.ndarray | None) -> int:
    """Pairs within equal codes (for a multi-valued rule, ``codes`` are its entries'
    codes and ``side`` their sides: the count is then an upper bound)."""
    present = codes >= 0
    if side is None:
        sizes = np.bincount(codes[present])
        return int((sizes * (sizes - 1) // 2).sum())
    size = int(codes.max(initial=-1)) + 1
    left = np.bincount(codes[present & (side == 0)], minlength=size)
    right = np.bincount(codes[present & (side == 1)], minlength=size)
    return int((left * right).sum())


def _pairs(order: np.ndarray, starts: np.ndarray, sizes: np.ndarray,
           budget: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """All pairs within groups, in chunks of about ``budget`` pairs (no Python per pair)."""
    per_group = sizes * (sizes - 1) // 2
    group = 0
    while group < len(starts):
        cum = np.cumsum(per_group[group:])
        stop = group + max(1, int(np.searchsorted(cum, budget, side="right")))
        g_starts, g_sizes = starts[group:stop], sizes[group:stop]
        # Each element pairs with every later element of its group.
        elem = _ranges(g_starts, g_sizes)
        ends = np.repeat(g_starts + g_sizes, g_sizes)
        later = ends - elem - 1
        total = int(later.sum())
        left = np.repeat(elem, later)
        offsets = np.arange(total) - np.repeat(np.cumsum(later) - later, later)
        right = left + 1 + offsets
        a, b = order[left], order[right]
        yield np.minimum(a, b), np.maximum(a, b)
        group = stop


def _ranges(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    total = int(sizes.sum())
    base = np.repeat(starts - np.concatenate([[0], np.cumsum(sizes)[:-1]]), sizes)
    return base + np.arange(total)


def analyse_blocking(records: pd.DataFrame, rules: Sequence[BlockingRule],
                     link_type: str = "dedupe", side: np.ndarray | None = None) -> pd.DataFrame:
    """Count the pairs each rule would produce, before anything is compared.

    Returns:
        One row per rule: ``rule``, ``pairs`` (the rule alone), ``new_pairs`` (not found
        by an earlier rule), ``cumulative`` and ``largest_block`` (the most common key
        value and its record count).
    """
    table = []
    cumulative = 0
    cand = block(records, rules, link_type=link_type, side=side, max_pairs_per_rule=None)
    new = np.bincount(cand.rule, minlength=len(rules))
    sides = link_sides(records, link_type, side)
    keys = TableKeys(records, sides)
    for n, rule in enumerate(rules):
        rows, codes = rule.entries(records, keys)
        cumulative += int(new[n])
        present = codes[codes >= 0]
        if len(present):
            counts = np.bincount(present)
            top = int(counts.argmax())
            example = records.index[rows[np.flatnonzero(codes == top)[0]]]
            largest = f"{counts[top]:,} records (like row {example})"
        else:
            largest = "-"
        table.append({"rule": rule.name,
                      "pairs": pair_count(codes, None if sides is None else sides[rows]),
                      "new_pairs": int(new[n]), "cumulative": cumulative,
                      "largest_block": largest})
    return pd.DataFrame(table)


def link_sides(records: pd.DataFrame, link_type: str,
               side: np.ndarray | None = None) -> np.ndarray | None:
    """0/1 per record for ``link_only`` (default: by ``source``, in order of appearance),
    None for ``dedupe``.

    Raises:
        ConfigError: an unknown link type, or a link task with more than two sources.
    """
    if link_type not in LINK_TYPES:
        raise ConfigError(f"link_type: expected one of {', '.join(LINK_TYPES)}, got {link_type!r}")
    if link_type == "dedupe":
        return None
    if side is None:
        side = pd.factorize(records["source"])[0]
    side = np.asarray(side)
    if side.max(initial=0) > 1:
        raise ConfigError("link_type 'link_only' needs exactly two sources (left and right)")
    return side


def block(records: pd.DataFrame, rules: Sequence[BlockingRule], *, link_type: str = "dedupe",
          side: np.ndarray | None = None, max_pairs_per_rule: int | None = 20_000_000,
          chunk_pairs: int = 4_000_000, keys: TableKeys | None = None) -> Candidates:
    """Candidate pairs of ``records`` under the union of ``rules``.

    Args:
        records: standardised records (row positions are what pairs refer to).
        rules: blocking rules, tried in order.
        link_type: ``dedupe`` (all pairs) or ``link_only`` (only pairs across the two
            sides).
        side: 0/1 per record for ``link_only``; defaults to the two values of ``source``.
        max_pairs_per_rule: fail before generating pairs if a rule alone would produce
            more than this many pairs (``None``: no limit).
        chunk_pairs: pairs are generated in chunks of about this size.
        keys: the keys of ``records`` derived already (by
            :func:`unifyprofile.infer.fit_blocking`), reused.

    Raises:
        BlockingError: a rule would produce more than ``max_pairs_per_rule`` pairs.
    """
    sides = link_sides(records, link_type, side)
    keys = keys if keys is not None else TableKeys(records, sides)
    # Codes are below the record count: int32 halves what every rule's codes hold.
    narrow = np.int32 if len(records) < np.iinfo(np.int32).max else np.int64
    all_codes = [rule.codes(records, keys).astype(narrow) for rule in rules]
    entries = [rule.entries(records, keys) if rule.multi else None for rule in rules]
    if max_pairs_per_rule is not None:
        for rule, codes, entry in zip(rules, all_codes, entries, strict=True):
            rows = np.arange(len(codes)) if entry is None else entry[0]
            codes = codes if entry is None else entry[1]
            count = pair_count(codes, None if sides is None else sides[rows])
            if count > max_pairs_per_rule:
                top = np.bincount(codes[codes >= 0]).argmax()
                raise BlockingError(
                    f"blocking rule '{rule.name}' would produce {count:,} candidate pairs, more "
                    f"than max_pairs_per_rule = {max_pairs_per_rule:,} (its largest block has "
                    f"{int((codes == top).sum()):,} records). Add a key to the rule (e.g. "
                    f"[\"{rule.name.split(' & ')[0]}\", \"dob:year\"]), remove it, or raise "
                    "max_pairs_per_rule under [blocking]"
                )
    out_i, out_j, out_r = [], [], []
    for n, codes in enumerate(all_codes):
        entry = entries[n]
        if entry is not None:
            rows, codes = entry
        order, starts, sizes = _groups(codes)
        for i, j in _pairs(order, starts, sizes, chunk_pairs):
            if entry is not None:
                a, b = rows[i], rows[j]
                i, j = np.minimum(a, b), np.maximum(a, b)
                distinct = i != j
                i, j = i[distinct], j[distinct]
            keep = np.ones(len(i), dtype=bool)
            if sides is not None:
                keep &= sides[i] != sides[j]
            for earlier in all_codes[:n]:
                ci = earlier[i]
                keep &= ~((ci >= 0) & (ci == earlier[j]))
            out_i.append(i[keep])
            out_j.append(j[keep])
            out_r.append(np.full(int(keep.sum()), n, dtype=np.int16))
    if not out_i:
        empty = np.zeros(0, dtype=np.int64)
        return Candidates(empty, empty.copy(), np.zeros(0, dtype=np.int16), all_codes)
    i, j, r = (np.concatenate(out_i).astype(np.int64, copy=False),
               np.concatenate(out_j).astype(np.int64, copy=False), np.concatenate(out_r))
    if any(e is not None for e in entries):
        # Multi-valued rules repeat pairs (two shared tokens) and cannot be skipped by
        # code: keep each pair once, from the earliest rule that made it.
        order = np.lexsort((r, j, i))
        i, j, r = i[order], j[order], r[order]
        first = np.ones(len(i), dtype=bool)
        first[1:] = (i[1:] != i[:-1]) | (j[1:] != j[:-1])
        i, j, r = i[first], j[first], r[first]
    return Candidates(i, j, r, all_codes)
