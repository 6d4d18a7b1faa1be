"""Key expressions: how a blocking rule or a deterministic rule reads a field.

A key is ``field`` or ``field:transform``.  ``field`` reads the standardised column
(``<field>_std``, or the raw column when there is none).  Transforms:

=============  ==========================================================
``soundex``    American Soundex of the standardised value (``smith``,
               ``smyth``: S530); forgives typing errors after the first letter
``metaphone``  Metaphone of the standardised value: how it sounds from the
               first letter on (``catherine``, ``katherine``: K0RN)
``nysiis``     NYSIIS of the standardised value (``philip``, ``filip``: FALAP)
``nick``       the formal name a nickname stands for (``bob`` -> ``robert``)
``prefixN``    the first N characters (``prefix3``)
``suffixN``    the last N characters (``suffix4``: e.g. the end of a phone number)
``year``       the first four characters (the year of a ``YYYY-MM-DD`` date)
``number``     the number the value holds, however written (``"$1,299.00"``,
               ``"1299"``: see :func:`unifyprofile.standardise.parse_numbers`)
``tokens``     the sorted set of words, so word order does not matter
``rareN``      *any* of the record's N rarest word tokens (``rare3``): a
               multi-valued key, so two records meet when they share one
               of their rare tokens (see :func:`key_lists`).  Tokens come
               from :func:`unifyprofile.compare.tokenise` (model codes kept
               whole); a token held by one record only, or by more than
               ``RARE_MAX_RECORDS`` records, is never used.  A value
               without a rare token is keyed by its two rarest tokens
               together, when that pair is rare.
=============  ==========================================================
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from unifyprofile import schema
from unifyprofile._columns import arrow_codes, few_codes
from unifyprofile.errors import ConfigError, DataError
from unifyprofile.standardise import text_func
from unifyprofile.standardise.names import formal_name
from unifyprofile.standardise.numbers import parse_numbers
from unifyprofile.standardise.phonetic import PHONETIC_CODES

__all__ = ["RARE_MAX_RECORDS", "Key", "TableKeys", "key_codes", "key_lists", "key_values",
           "parse_key", "parse_keys"]

_TRANSFORM = re.compile(
    rf"^({'|'.join(PHONETIC_CODES)}|nick|year|number|tokens|prefix(\d+)|suffix(\d+)|rare(\d+))$")
#: The transforms, as an error message lists them.
_TRANSFORMS = (f"{', '.join(PHONETIC_CODES)}, nick, year, number, tokens, prefixN, suffixN, "
               "rareN (e.g. prefix3)")

#: A token held by more records than this is too common to block on.
RARE_MAX_RECORDS = 100


@dataclass(frozen=True)
class Key:
    """A parsed key expression."""

    field: str
    transform: str | None = None

    @property
    def multi(self) -> bool:
        """Whether a record holds several values of this key (``rareN``)."""
        return self.transform is not None and self.transform.startswith("rare")

    def __str__(self) -> str:
        return self.field if self.transform is None else f"{self.field}:{self.transform}"


def parse_key(text: str, where: str = "key") -> Key:
    """Parse ``"field"`` or ``"field:transform"``.

    >>> parse_key("last_name:soundex")
    Key(field='last_name', transform='soundex')
    """
    if not isinstance(text, str) or not text.strip():
        raise ConfigError(f"{where}: expected a key such as \"email\" or "
                          f"\"last_name:soundex\", got {text!r}")
    field, _, transform = text.strip().partition(":")
    if transform and not _TRANSFORM.match(transform):
        raise ConfigError(
            f"{where}: unknown transform '{transform}' in {text!r}; use one of {_TRANSFORMS}")
    return Key(field.strip(), transform or None)


def parse_keys(keys: Any, where: str, example: str) -> tuple[list[tuple[int, Key]], list[str]]:
    """A rule's list of keys (``Key`` objects or key strings; one alone is a list of one),
    parsed: ``(position, key)`` of each key that parses, and the problems, each named by
    ``where`` (``where[n]`` for the n-th key; ``example`` shows a good list).

    Examples:
        >>> parse_keys(["email", "dob:when"], "rule keys", '["email"]')[1]
        ["rule keys[1]: unknown transform 'when' in 'dob:when'; use one of soundex, metaphone, \
nysiis, nick, year, number, tokens, prefixN, suffixN, rareN (e.g. prefix3)"]
    """
    listed = (keys,) if isinstance(keys, (str, Key)) else keys
    if not isinstance(listed, (list, tuple)) or not listed:
        return [], [f"{where} must be a non-empty list of keys (got {reprlib.repr(keys)}); "
                    f"e.g. {example}"]
    parsed, problems = [], []
    for n, key in enumerate(listed):
        try:
            parsed.append((n, key if isinstance(key, Key) else parse_key(key, f"{where}[{n}]")))
        except ConfigError as exc:
            problems += exc.problems
    return parsed, problems


def _column(records: pd.DataFrame, key: Key) -> pd.Series:
    if key.transform == "nick" and "first_name_nick" in records and key.field == "first_name":
        return records["first_name_nick"]
    for name in (schema.std(key.field), key.field):
        if name in records.columns:
            return records[name]
    raise DataError(
        f"key '{key}': the records have no column '{schema.std(key.field)}' or '{key.field}'"
    )


def key_codes(records: pd.DataFrame, key: Key) -> np.ndarray:
    """Integer code per record of the key's value (-1 where it is null).

    Equal values get equal codes, so two records agree on the key exactly when their
    codes are equal and not -1.
    """
    if key.multi:
        raise DataError(f"key '{key}' gives several values per record; use key_lists")
    values = _column(records, key)
    few = few_codes(values)
    if few is not None:  # a record being resolved and its candidates
        codes, strings = few
        if key.transform is None or not strings:
            return codes
        one = _one(key.transform)
        derived = few_codes([one(v) for v in strings])
        if derived is not None:
            return np.where(codes >= 0, derived[0][np.maximum(codes, 0)], -1)
    encoded = arrow_codes(values)
    if encoded is not None:
        codes, uniques = encoded[0], encoded[1].to_numpy(zero_copy_only=False)
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if key.transform is None or len(uniques) == 0:
        return codes.astype(np.int64)
    derived = _transform(pd.Series(np.asarray(uniques, dtype=object)), key.transform)
    sub_codes, _ = pd.factorize(derived, use_na_sentinel=True)
    out = np.full(len(codes), -1, dtype=np.int64)
    present = codes >= 0
    out[present] = sub_codes[codes[present]]
    return out


class TableKeys:
    """The codes and lists of keys over one records table, each derived once.

    Blocking rules share keys (``first_name:nick`` is in several), and deriving a key over
    a million records (a soundex or the tokens of every distinct value) costs a tenth of
    a second or more; counting the rules, tightening them and making their pairs would
    derive it again each time.  The table must not change while this is in use.
    ``side``: 0/1 per record when linking two tables (see :func:`key_lists`).
    """

    def __init__(self, records: pd.DataFrame, side: np.ndarray | None = None) -> None:
        self.records = records
        self.side = side
        self._codes: dict[Key, np.ndarray] = {}
        self._lists: dict[Key, tuple[np.ndarray, np.ndarray]] = {}

    def codes(self, key: Key) -> np.ndarray:
        """:func:`key_codes` of the table (do not modify the array)."""
        if key not in self._codes:
            self._codes[key] = key_codes(self.records, key)
        return self._codes[key]

    def lists(self, key: Key) -> tuple[np.ndarray, np.ndarray]:
        """:func:`key_lists` of the table (do not modify the arrays)."""
        if key not in self._lists:
            self._lists[key] = key_lists(self.records, key, self.side)
        return self._lists[key]

    def clear(self) -> None:
        """Forget the keys derived so far (their memory)."""
        self._codes.clear()
        self._lists.clear()


def key_values(records: pd.DataFrame, key: Key) -> np.ndarray:
    """The key's value of each record as a string (None where it is null).

    Two records agree on the key exactly when their values are equal and not None, as
    with :func:`key_codes`; values (unlike codes) can be stored and compared across
    tables, which is what the identity store's blocking index keeps.

    >>> key_values(pd.DataFrame({"last_name_std": ["smith", None]}),
    ...            parse_key("last_name:soundex")).tolist()
    ['S530', None]
    """
    values = _column(records, key)
    if len(values) <= _FEW or (len(values) <= _FEW_TEXT and (
            values.dtype == object or values.dtype == schema.TEXT)):
        # A record being resolved or a few fed to a store: no vectorising overhead.
        one = _one(key.transform)
        return np.array([None if v is None or v is pd.NA or v != v else one(str(v))
                         for v in values.tolist()], dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(uniques) == 0:
        return np.full(len(codes), None, dtype=object)
    text = pd.Series(np.asarray(uniques, dtype=object)).astype(str)
    derived = text if key.transform is None else _transform(text, key.transform)
    table = np.array([None if pd.isna(v) else str(v) for v in derived], dtype=object)
    out = np.full(len(codes), None, dtype=object)
    present = codes >= 0
    out[present] = table[codes[present]]
    return out


#: Up to this many records, key values are derived value by value; up to
#: ``_FEW_TEXT`` when they are text (where both ways give the same strings).
_FEW = 8
_FEW_TEXT = 64


def _one(transform: str | None) -> Callable[[str], str | None]:
    """The transform of one value (what :func:`_transform` does to each)."""
    if transform is None:
        return str
    if transform in PHONETIC_CODES:
        return text_func(PHONETIC_CODES[transform])  # blank text gives None, as standardised
    if transform == "nick":
        return text_func(formal_name)
    if transform == "tokens":
        return lambda s: " ".join(sorted(set(s.split())))
    if transform == "year":
        return lambda s: s[:4]
    if transform == "number":
        return lambda s: _number_key(parse_numbers(np.array([s], dtype=object)))[0]
    n = int(re.sub(r"\D", "", transform))
    return (lambda s: s[:n]) if transform.startswith("prefix") else (lambda s: s[-n:])


def _number_key(numbers: np.ndarray) -> list[str | None]:
    """``1299.0`` -> ``"1299"``, ``12.5`` -> ``"12.5"``; NaN -> None."""
    return [None if x != x else f"{x:.15g}" for x in numbers.tolist()]


def _transform(uniques: pd.Series, transform: str) -> pd.Series:
    """The transform of distinct values (sliced in pandas, the rest value by value)."""
    text = uniques.astype(str)
    if transform == "year":
        return text.str[:4]
    if transform == "number":
        return pd.Series(_number_key(parse_numbers(text.to_numpy(dtype=object))),
                         index=text.index, dtype=object)
    if transform.startswith(("prefix", "suffix")):
        n = int(re.sub(r"\D", "", transform))
        return text.str[:n] if transform.startswith("prefix") else text.str[-n:]
    one = _one(transform)
    return pd.Series([one(v) for v in text.tolist()], index=text.index, dtype=object)


def key_lists(records: pd.DataFrame, key: Key, side: np.ndarray | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
    """Every (record, value) of a multi-valued key such as ``title:rare3``.

    With ``side`` (0/1 per record, linking two tables), a token one table never holds
    is no key: it cannot meet the other table ("bertram" where one bibliography writes
    authors' initials, a German word against French titles), and it would take the
    place of a rarer token both hold.

    Returns:
        ``(rows, codes)``: int64 row positions and the code of one of that record's
        values; a record appears once per value (none when it has none).

    Examples:
        >>> records = pd.DataFrame({"title": ["XML query KDL-40", "xml query kdl40",
        ...                                   "query engine", "engine xml"]})
        >>> rows, codes = key_lists(records, parse_key("title:rare1"))
        >>> rows.tolist(), (bool(codes[0] == codes[1]), bool(codes[2] == codes[3]))
        ([0, 1, 2, 3], (True, True))
    """
    from unifyprofile.compare import is_strong, tokenise

    if not key.multi or key.transform is None:
        codes = key_codes(records, key)
        rows = np.flatnonzero(codes >= 0)
        return rows, codes[rows]
    n_keep = int(key.transform[len("rare"):])
    values = _column(records, key)
    value_codes, uniques = pd.factorize(values, use_na_sentinel=True)
    token_lists = [tokenise(str(u)) for u in uniques]
    lengths = np.fromiter((len(t) for t in token_lists), dtype=np.int64, count=len(uniques))
    flat = np.empty(int(lengths.sum()), dtype=object)
    flat[:] = [t for ts in token_lists for t in ts]
    token_codes, vocabulary = pd.factorize(flat)
    weak = np.fromiter((not is_strong(str(t)) for t in vocabulary), dtype=bool,
                       count=len(vocabulary))
    owner = np.repeat(np.arange(len(uniques)), lengths)
    # Document frequency counts records, not distinct values.
    per_value = np.bincount(value_codes[value_codes >= 0], minlength=len(uniques))
    df = np.bincount(token_codes, weights=per_value[owner]).astype(np.int64) if len(flat) \
        else np.zeros(0, dtype=np.int64)
    usable = (df[token_codes] >= 2) & (df[token_codes] <= RARE_MAX_RECORDS) if len(flat) \
        else np.zeros(0, dtype=bool)
    both = np.ones(len(flat), dtype=bool)
    if side is not None and len(flat):
        for k in (0, 1):
            held = np.bincount(value_codes[(value_codes >= 0) & (side == k)],
                               minlength=len(uniques))
            both &= np.bincount(token_codes, weights=held[owner])[token_codes] > 0
        usable &= both
    # Rarest first within each value; among equally rare tokens numbers and model codes
    # first (they identify an item), then by the token itself.
    order = np.lexsort((vocabulary[token_codes].astype(str), weak[token_codes],
                        df[token_codes], owner))
    paired = order[both[order]]  # two words both tables hold, when linking
    pairs_owner, pairs_codes = _common_pairs(owner[paired], token_codes[paired],
                                             usable[paired], vocabulary, per_value)
    order = order[usable[order]]
    owner, token_codes = owner[order], token_codes[order]
    first = np.searchsorted(owner, owner, side="left")
    keep = (np.arange(len(owner)) - first) < n_keep
    owner, token_codes = owner[keep], token_codes[keep]
    if len(pairs_owner):
        owner = np.concatenate([owner, pairs_owner])
        token_codes = np.concatenate([token_codes, pairs_codes + len(vocabulary)])
        order = np.argsort(owner, kind="stable")
        owner, token_codes = owner[order], token_codes[order]
    # Expand from distinct values to the records holding them.
    starts = np.searchsorted(owner, np.arange(len(uniques)), side="left")
    counts = np.bincount(owner, minlength=len(uniques))
    present = np.flatnonzero(value_codes >= 0)
    per_record = counts[value_codes[present]]
    rows = np.repeat(present, per_record)
    offsets = np.arange(int(per_record.sum())) - np.repeat(np.cumsum(per_record) - per_record,
                                                           per_record)
    picked = np.repeat(starts[value_codes[present]], per_record) + offsets
    return rows.astype(np.int64), token_codes[picked].astype(np.int64)


def _common_pairs(owner: np.ndarray, token_codes: np.ndarray, usable: np.ndarray,
                  vocabulary: np.ndarray, per_value: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """A value made only of common words ("Smith Electronics") has no rare token to
    block on: its two rarest words together are its key, when few records hold both.

    ``owner`` and ``token_codes`` are sorted by value, rarest token first.  Returns the
    values that get such a key and the key's code (0, 1, ... over the distinct pairs).
    """
    empty = np.empty(0, dtype=np.int64)
    if not len(owner):
        return empty, empty
    first = np.searchsorted(owner, owner, side="left")
    rank = np.arange(len(owner)) - first
    has_rare = np.bincount(owner[usable], minlength=int(owner.max()) + 1) > 0
    lead = (rank == 0) & ~has_rare[owner]
    follow = np.flatnonzero(lead) + 1
    follow = follow[follow < len(owner)]
    follow = follow[owner[follow] == owner[follow - 1]]
    if not len(follow):
        return empty, empty
    values = owner[follow]
    a, b = vocabulary[token_codes[follow - 1]], vocabulary[token_codes[follow]]
    keys = np.array([f"{x} {y}" if x < y else f"{y} {x}" for x, y in zip(a, b, strict=True)],
                    dtype=object)
    codes, _ = pd.factorize(keys)
    held = np.bincount(codes, weights=per_value[values])
    keep = (held[codes] >= 2) & (held[codes] <= RARE_MAX_RECORDS)
    return values[keep].astype(np.int64), codes[keep].astype(np.int64)
