"""Comparison specs and their prepared, vectorised level kernels.

A :class:`Comparison` is a frozen, engine-free spec: which field, which levels.
:meth:`Comparison.prepare` factorises the columns it reads once per records table and
returns a :class:`PreparedComparison`, whose :meth:`~PreparedComparison.levels` maps a chunk
of pairs ``(i, j)`` to one int8 level per pair:

* ``-1`` where either side is null,
* ``0`` (``"else"``) where the values disagree,
* higher levels for closer agreement; the last level is ``"exact"``.

Levels are decided from the top down and each pair gets the highest level whose condition
holds; string metrics run only on pairs that no cheaper (code-equality) level decided, and
only once per distinct pair of values.
"""

from __future__ import annotations

import abc
import bisect
import dataclasses
import functools
import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import scipy.sparse as sp
from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein, Indel, JaroWinkler, Levenshtein

from unifyprofile._columns import FEW, isin_ints, unique_ints
from unifyprofile.errors import ConfigError, DataError
from unifyprofile.schema import NULL_LEVEL, SOURCE, UNPLACED, flag, std
from unifyprofile.standardise.dates import parse_dates
from unifyprofile.standardise.lexicon import name_sex
from unifyprofile.standardise.names import LOST_LETTER, nickname_pairs
from unifyprofile.standardise.numbers import parse_numbers

from . import _kernels as k
from . import _validate as v
from ._tokens import is_strong, stem_pairs, token_matrix, tokenise, typo_pairs

__all__ = [
    "AddressComparison",
    "Comparison",
    "DateComparison",
    "EmailComparison",
    "ExactMatch",
    "NameComparison",
    "NumericComparison",
    "PhoneComparison",
    "PostcodeComparison",
    "PreparedComparison",
    "ReferenceComparison",
    "StringComparison",
    "TextComparison",
]

_DIGITS = re.compile(r"\d+")
_NON_DIGITS = re.compile(r"\D+")
#: Characters people put between the parts of a mailbox name.
_EMAIL_SEPARATORS = re.compile(r"[._-]")


#: Indel similarity of two names' sorted letters from which they count as the same name
#: with its letters scrambled (the lowest fuzzy level of a name comparison).
_SAME_LETTERS = 0.8


def _fmt(threshold: float) -> str:
    """``0.8`` -> ``"0.80"``, ``0.925`` -> ``"0.925"``."""
    return f"{threshold:.2f}" if round(threshold, 2) == threshold else f"{threshold:g}"


def _resolve(records: pd.DataFrame, field: str, comparison: str) -> str:
    for column in (std(field), field):
        if column in records.columns:
            return column
    raise DataError(
        f"comparison {comparison!r}: records have no column {std(field)!r} (or {field!r}); "
        f"columns present: {', '.join(map(str, records.columns))}; standardise the records "
        "first or change the comparison's field"
    )


def _positions(i: Any, j: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    if i.shape != j.shape or i.ndim != 1:
        raise DataError(
            f"pairs: expected two 1-d arrays i and j of equal length, got shapes "
            f"{i.shape} and {j.shape}"
        )
    if len(i) and (min(i.min(), j.min()) < 0 or max(i.max(), j.max()) >= n):
        raise DataError(
            f"pairs: row positions must be in [0, {n}) for a records table of {n} rows, got "
            f"values in [{min(i.min(), j.min())}, {max(i.max(), j.max())}]"
        )
    return i, j


def _cutoff(threshold: float, scale: float = 1.0) -> float:
    """Score cutoff for a rapidfuzz similarity a little below ``threshold``.

    rapidfuzz may reject a score that equals its cutoff (it compares before rounding), so
    the cutoff sits just under the threshold and the threshold itself is applied after.
    """
    return float(threshold) * scale - 1e-6 * scale


def _count_at_least(scores: np.ndarray, ascending: np.ndarray) -> np.ndarray:
    """How many of the ascending thresholds each score reaches (= its fuzzy level)."""
    return np.searchsorted(ascending, scores, side="right").astype(np.int8)


# --------------------------------------------------------------------------- prepared


class PreparedComparison(abc.ABC):
    """A comparison bound to one records table; maps pairs of row positions to levels.

    Attributes:
        comparison: the spec this was prepared from.
        n_records: number of rows of the records table.
        value_codes: int64 per record, the code of the value used for exact agreement and
            term-frequency adjustment (``-1`` where null), or ``None``.
        value_frequency: float64 per record, the share of non-null records holding the
            same value (``NaN`` where null), or ``None``.  Counted when first read, from
            the records table as it was prepared (do not change that table in between):
            the identity store scores with its frozen frequencies and never reads it.
    """

    comparison: Comparison
    n_records: int
    value_codes: np.ndarray | None

    def __init__(self, comparison: Comparison, codes: np.ndarray) -> None:
        self.comparison = comparison
        self.n_records = len(codes)
        self._codes = codes
        self._exact = np.int8(len(comparison.level_names) - 1)
        self.value_codes = codes
        self._frequency: np.ndarray | None = None
        self._count_frequency: Callable[[], np.ndarray | None] | None = functools.partial(
            k.frequencies, codes)

    @property
    def value_frequency(self) -> np.ndarray | None:
        if self._count_frequency is not None:
            self._frequency, self._count_frequency = self._count_frequency(), None
        return self._frequency

    @value_frequency.setter
    def value_frequency(self, value: np.ndarray | None) -> None:
        self._frequency, self._count_frequency = value, None

    def count_frequency(self, count: Callable[[], np.ndarray | None]) -> None:
        """Count :attr:`value_frequency` with ``count`` when it is first read."""
        self._frequency, self._count_frequency = None, count

    def levels(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Comparison level of each pair.

        Args:
            i: int64 row positions of the left records.
            j: int64 row positions of the right records (same length as ``i``).

        Returns:
            int8 array, one level per pair; ``-1`` where either side is null.

        Raises:
            DataError: when ``i``/``j`` are not equal-length 1-d arrays of valid positions.
        """
        i, j = _positions(i, j, self.n_records)
        ca = self._codes[i]
        cb = self._codes[j]
        out = np.zeros(len(i), dtype=np.int8)
        null = (ca < 0) | (cb < 0)
        out[null] = NULL_LEVEL
        exact = (ca == cb) & ~null
        out[exact] = self._exact
        todo = np.flatnonzero(~(null | exact))
        if len(todo):
            out[todo] = self._refine(ca[todo], cb[todo], i[todo], j[todo])
        return out

    @abc.abstractmethod
    def _refine(self, ca: np.ndarray, cb: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Levels of pairs whose codes are both present and differ."""

    def __repr__(self) -> str:
        return f"<Prepared {self.comparison!r} over {self.n_records} records>"


class _PreparedExact(PreparedComparison):
    def _refine(self, ca: np.ndarray, cb: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return np.zeros(len(ca), dtype=np.int8)


class _Cascade(PreparedComparison):
    """Decides levels top-down: code-equality rules first, then a fuzzy score."""

    def _rules(
        self, ca: np.ndarray, cb: np.ndarray, i: np.ndarray, j: np.ndarray
    ) -> list[tuple[int, np.ndarray]]:
        """``(level, mask)`` pairs, highest level first; default none."""
        return []

    @abc.abstractmethod
    def _fuzzy(self, ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
        """int8 levels of the pairs no rule decided."""

    def _refine(self, ca: np.ndarray, cb: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        out = np.zeros(len(ca), dtype=np.int8)
        open_ = np.ones(len(ca), dtype=bool)
        for level, mask in self._rules(ca, cb, i, j):
            hit = mask & open_
            out[hit] = level
            open_ &= ~hit
        rest = np.flatnonzero(open_)
        if len(rest):
            out[rest] = self._fuzzy(ca[rest], cb[rest])
        return out


# --------------------------------------------------------------------------- specs


@dataclasses.dataclass(frozen=True)
class Comparison(abc.ABC):
    """A comparison of one field between two records, as ordered levels.

    Attributes:
        field: canonical field compared, e.g. ``"first_name"``.  The comparison reads
            ``<field>_std`` when the records have it, else ``<field>``.
        output_name: name of the level column in the pairs table (config key ``name``);
            defaults to ``field``.
        tf_adjust: whether the scorer should apply term-frequency adjustment to the exact
            level.
    """

    field: str
    output_name: str | None = dataclasses.field(default=None, kw_only=True)
    tf_adjust: bool = dataclasses.field(default=False, kw_only=True)

    #: Name of the comparison in config files (``type = "name"``).
    type_name: ClassVar[str] = ""
    #: Whether term frequencies count people (records sharing a :data:`PERSON_KEYS`
    #: value count once), not records.
    tf_counts_people: ClassVar[bool] = False
    #: Parameter checks by attribute name; subclasses extend.
    _params: ClassVar[dict[str, v.Param]] = {
        "field": v.FIELD,
        "output_name": v.OPTIONAL_NAME,
        "tf_adjust": v.BOOLEAN,
    }

    def __post_init__(self) -> None:
        values = {key: getattr(self, key) for key in self._params}
        normalised, problems = v.check(self._params, values, type(self).__name__)
        if problems:
            raise ConfigError(problems)
        for key, value in normalised.items():
            object.__setattr__(self, key, value)

    @property
    def name(self) -> str:
        """Column name of this comparison's levels in the pairs table."""
        return self.output_name or self.field

    @property
    @abc.abstractmethod
    def level_names(self) -> tuple[str, ...]:
        """Level labels; index == level, ``0`` is ``"else"``, agreement ascends."""

    @property
    def exact_level(self) -> int | None:
        """The level meaning exact agreement (used for term-frequency adjustment)."""
        return len(self.level_names) - 1

    @property
    def ordered(self) -> bool:
        """Whether a higher level is closer agreement, so a match is no less likely there
        than at a lower one (the model keeps ``m/u`` non-decreasing in the level)."""
        return True

    @property
    def columns(self) -> tuple[str, ...]:
        """Records columns read (standardised names; the raw field is the fallback)."""
        return (std(self.field),)

    @abc.abstractmethod
    def prepare(self, records: pd.DataFrame) -> PreparedComparison:
        """Factorise the columns this comparison reads, once per records table."""

    def to_config(self) -> dict[str, Any]:
        """Config entry for this comparison: ``type``, ``field`` and non-default params.

        Inverse of :func:`~unifyprofile.compare.comparison_from_config`.
        """
        out: dict[str, Any] = {"type": self.type_name, "field": self.field}
        for f in dataclasses.fields(self):
            if f.name == "field":
                continue
            value = getattr(self, f.name)
            default = f.default
            if default is not dataclasses.MISSING and f.name in self._params:
                default = self._params[f.name].normalise(default)
            if value == default:
                continue
            key = "name" if f.name == "output_name" else f.name
            out[key] = list(value) if isinstance(value, tuple) else value
        return out

    def _codes(self, records: pd.DataFrame) -> np.ndarray:
        column = _resolve(records, self.field, self.name)
        codes, _ = k.factorize(records[column], column=column)
        return codes

    def _factorize(self, records: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        column = _resolve(records, self.field, self.name)
        return k.factorize(records[column], column=column)


@dataclasses.dataclass(frozen=True)
class ExactMatch(Comparison):
    """Exact agreement of the standardised value.

    Levels: ``"else"``, ``"exact"``.

    ``codes``: the field holds codes (an account number, a national id, a VAT number),
    standardised as identifiers are, so ``"DE 4165-24"`` and ``"de416524"`` agree (see
    :attr:`unifyprofile.Config.id_fields`).

    Examples:
        >>> records = pd.DataFrame({"customer_id_std": ["c1", "c1", "c2", None]})
        >>> ExactMatch("customer_id").prepare(records).levels(
        ...     np.array([0, 0, 0]), np.array([1, 2, 3])).tolist()
        [1, 0, -1]
    """

    codes: bool = False

    type_name: ClassVar[str] = "exact"
    _params: ClassVar[dict[str, v.Param]] = {**Comparison._params, "codes": v.BOOLEAN}

    @property
    def level_names(self) -> tuple[str, ...]:
        return ("else", "exact")

    def prepare(self, records: pd.DataFrame) -> PreparedComparison:
        return _PreparedExact(self, self._codes(records))


# ----------------------------------------------------------------------------- names


@dataclasses.dataclass(frozen=True)
class NameComparison(Comparison):
    """A person name by Jaro-Winkler similarity, nicknames, initials and swaps.

    Levels, ascending (each pair gets the highest that holds):

    * ``"else"``;
    * ``"jw>=<t>"`` for each threshold, lowest first: Jaro-Winkler similarity of
      ``<field>_std`` at least ``t``.  A one-letter name equal to the first letter of the
      other (an initial), and a name with a letter dropped, doubled or scrambled (0.8
      alike by Indel similarity as written or with sorted letters: "njohnston" and
      "johnston", "fosia" and "sofia"), and a nickname whose formal name is the other's
      name up to a typo ("liz" and "elizabeht"), reach the lowest of these levels;
    * ``"swapped"`` when ``swap_with`` is set: this record's ``field`` is alike (up to a
      typo: Jaro-Winkler at least the lowest threshold, or the Indel test above) to the
      other's ``swap_with`` field
      and the other way round (first and last name exchanged), or alike one way where
      the other way has a name missing;
    * ``"nickname"`` when ``nicknames`` is on: both names stand for the same formal name
      (``<field>_nick``, falling back to the name itself) but are spelled differently,
      or are one of ``aliases``; ranked above a swap because it is an explicit alias of
      the same given name.  It never fires when the records have no ``<field>_nick``
      column;
    * ``"exact"``; also a name with letters an export lost (:data:`LOST_LETTER`:
      "buli?") and the other's name that it spells, each lost letter read as any one
      letter ("bulic"), when the letters kept are at least two and at least as many as
      those lost.  Its term frequency is its own share and that of the names it spells
      together.

    A first name that is a full name's one word (flag ``"unplaced"``: "Owen" may be a
    surname) and a name of a record with no ``swap_with`` name are not compared when
    they differ (level ``-1``): one may be a given name and the other a surname.

    Args:
        field: the name field, e.g. ``"first_name"``.
        thresholds: Jaro-Winkler thresholds in (0, 1] (any order).
        nicknames: add the ``"nickname"`` level.
        swap_with: the other name field for the ``"swapped"`` level, e.g. ``"last_name"``.
        sexes: two given names that only men and only women carry ("michael" and
            "michelle", "mario" and "maria") are two names however alike they are
            spelled: they get the ``"else"`` level, not a fuzzy one (see
            :func:`unifyprofile.standardise.lexicon.name_sex`).
        tf_given: the term frequency of a name is its share among the records with the
            same value of this field (a first name among the records of its surname):
            "Wang Wei" and "Maria Garcia" are common as pairs, far more than the two
            names' own shares multiplied say.  Records without that field keep the
            name's own share.
        aliases: pairs of standardised names that stand for one given name beyond the
            nickname table ("kasia" and "katarzyna", "chema" and "jose"): they reach
            the ``"nickname"`` level.  Zero-config learns them from the records (see
            :func:`unifyprofile.infer.fit_aliases`).  Needs ``nicknames``.

    Examples:
        >>> records = pd.DataFrame({
        ...     "first_name_std": ["robert", "bob", "robrt", "r", "smith", "zed"],
        ...     "first_name_nick": ["robert", "robert", None, None, None, None],
        ...     "last_name_std": ["smith", "smith", "smith", "smith", "robert", "smith"],
        ... })
        >>> c = NameComparison("first_name", swap_with="last_name")
        >>> c.level_names
        ('else', 'jw>=0.80', 'jw>=0.92', 'swapped', 'nickname', 'exact')
        >>> c.prepare(records).levels(np.zeros(5, dtype=np.int64), np.arange(1, 6)).tolist()
        [4, 2, 1, 3, 0]
    """

    thresholds: tuple[float, ...] = (0.92, 0.80)
    nicknames: bool = True
    swap_with: str | None = None
    sexes: bool = False
    tf_given: str | None = None
    aliases: tuple[tuple[str, str], ...] = dataclasses.field(default=(), repr=False)
    tf_adjust: bool = dataclasses.field(default=True, kw_only=True)

    type_name: ClassVar[str] = "name"
    tf_counts_people: ClassVar[bool] = True
    _params: ClassVar[dict[str, v.Param]] = {
        **Comparison._params,
        "thresholds": v.THRESHOLDS,
        "nicknames": v.BOOLEAN,
        "swap_with": v.Param("a field name (letters, digits and _) or null", v._optional_name),
        "sexes": v.BOOLEAN,
        "tf_given": v.Param("a field name (letters, digits and _) or null", v._optional_name),
        "aliases": v.NAME_PAIRS,
    }

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.aliases and not self.nicknames:
            raise ConfigError(f"{type(self).__name__}.aliases: aliases reach the "
                              "\"nickname\" level; set nicknames = true or drop them")

    @property
    def level_names(self) -> tuple[str, ...]:
        fuzzy = tuple(f"jw>={_fmt(t)}" for t in sorted(self.thresholds))
        extra = (("swapped",) if self.swap_with else ()) + (("nickname",) if self.nicknames else ())
        return ("else", *fuzzy, *extra, "exact")

    @property
    def columns(self) -> tuple[str, ...]:
        cols = [std(self.field)]
        if self.nicknames:
            cols.append(f"{self.field}_nick")
        if self.swap_with:
            cols += [std(self.swap_with), flag(self.field)]
        return tuple(cols)

    def prepare(self, records: pd.DataFrame) -> PreparedComparison:
        column = _resolve(records, self.field, self.name)
        parts = [records[column]]
        if self.swap_with:
            parts.append(records[_resolve(records, self.swap_with, self.name)])
        nick_column = f"{self.field}_nick"
        nicknames = self.nicknames and nick_column in records.columns
        if nicknames:
            parts.append(records[nick_column])
        # One vocabulary for every column read, so values compare across columns by code.
        codes, uniques = k.factorize_together(*parts)
        own = codes[0]
        swap = codes[1] if self.swap_with else None
        nick = None
        if nicknames:
            # A name that is no nickname stands for itself; no name, no nickname key.
            nick = np.where(codes[-1] >= 0, codes[-1], own)
            nick[own < 0] = -1
        unplaced = None
        if self.swap_with and flag(self.field) in records.columns:
            unplaced = (records[flag(self.field)] == UNPLACED).to_numpy(dtype=bool,
                                                                         na_value=False)
        prepared = _PreparedName(self, own, uniques, nick, swap, unplaced)
        if nick is not None:
            prepared.related()
            if self.aliases:
                prepared.aliases(self.aliases)
        # Term frequencies count people, not records: a name's records that share a
        # birth date, an e-mail, a phone or a place count once.  Counted when first read
        # (the columns are taken now).
        person = {c: records[c] for c in PERSON_KEYS if c in records.columns}
        given = records[std(self.tf_given)] if self.tf_given and std(
            self.tf_given) in records.columns else None

        def count() -> np.ndarray:
            given_codes = own if given is None else k.factorize(
                given, column=str(given.name))[0]
            frequency = _people_frequency(own, given_codes, _person_key(person, len(own)))
            return prepared.spelled_frequency(frequency)

        prepared.count_frequency(count)
        return prepared


#: Weight, in people, of a name's own share in its share among a surname's people: the
#: share among a surname's people departs from the name's own share only where the
#: surname is held by hundreds of people (a common full name, John Smith, Wang Wei),
#: not because one person with a rare or mistyped surname has one first name.
TF_PRIOR_PEOPLE = 1000.0
#: Columns that tell apart two people of one name, in order of preference (the first a
#: record holds is its person key).
PERSON_KEYS = ("dob_std", "email_std", "phone_std", "postcode_std", "city_std")


def lost_alike(a: str, b: str) -> bool:
    """Whether two standardised names are one name up to letters an export lost
    (:data:`LOST_LETTER`): as long as each other, and alike wherever both kept the letter
    ("sait?" and "saito", "ji??" and "jir?").  A name that kept fewer than two letters,
    or fewer than it lost, spells too many names to say.

    Examples:
        >>> lost_alike("buli?", "bulic"), lost_alike("i?bak", "icbak"), lost_alike("j?", "jo")
        (True, True, False)
    """
    if len(a) != len(b):
        return False
    for name in (a, b):
        lost = name.count(LOST_LETTER)
        if lost and len(name) - name.count(" ") - lost < max(2, lost):
            return False
    return all(x == y or LOST_LETTER in (x, y) for x, y in zip(a, b, strict=True))


def _with_lost_letters(uniques: np.ndarray) -> np.ndarray:
    """Which of the distinct names hold a letter an export lost."""
    return np.fromiter((LOST_LETTER in str(u) for u in uniques), dtype=bool,
                       count=len(uniques))


def _spelled(uniques: np.ndarray, lost: np.ndarray) -> dict[int, np.ndarray]:
    """For each name with lost letters (its code), the codes of the names without any
    that it spells (:func:`lost_alike`).  Looked up among the names as long as it that
    start with the letters it kept before the first lost one (or end with those after
    the last), not in the whole vocabulary."""
    whole = np.flatnonzero(~lost)
    names = [str(u) for u in uniques[whole]]
    # Sorted keys "<length>:<name>" and "<length>:<name reversed>": a prefix search
    # finds the names of one length that start (or end) with the letters kept.
    forward = sorted((f"{len(n)}:{n}", c) for n, c in zip(names, whole, strict=True))
    backward = sorted((f"{len(n)}:{n[::-1]}", c) for n, c in zip(names, whole, strict=True))
    index = {True: ([key for key, _ in forward], [c for _, c in forward]),
             False: ([key for key, _ in backward], [c for _, c in backward])}
    out: dict[int, np.ndarray] = {}
    for code in np.flatnonzero(lost):
        name = str(uniques[code])
        head = name.partition(LOST_LETTER)[0]
        tail = name.rpartition(LOST_LETTER)[2][::-1]
        if max(len(head), len(tail)) < 2:
            continue
        keys, codes = index[len(head) >= len(tail)]
        stem = f"{len(name)}:{max(head, tail, key=len)}"
        lo, hi = bisect.bisect_left(keys, stem), bisect.bisect_left(keys, stem + "\uffff")
        out[int(code)] = np.array([codes[x] for x in range(lo, hi)
                                   if lost_alike(name, str(uniques[codes[x]]))],
                                  dtype=np.int64)
    return out


def spelled_shares(uniques: np.ndarray, shares: np.ndarray) -> dict[int, float]:
    """For each name with lost letters (its position in ``uniques``), the share of the
    names it spells (:func:`lost_alike`) together: what its term frequency adds, since it
    agrees exactly with each of them.  Both engines count it from their vocabulary.

    Args:
        uniques: distinct standardised names.
        shares: the term frequency of each (its largest where records differ).

    Examples:
        >>> spelled_shares(np.array(["bulic", "buli?", "bulid", "smith"], dtype=object),
        ...                np.array([0.25, 0.25, 0.25, 0.25]))
        {1: 0.5}
    """
    lost = _with_lost_letters(uniques)
    if not lost.any():
        return {}
    return {code: float(shares[spelled].sum())
            for code, spelled in _spelled(uniques, lost).items() if len(spelled)}


def _person_key(columns: Mapping[str, pd.Series], n: int) -> np.ndarray:
    """A code per record (of ``n``) that the records of one person mostly share and
    namesakes mostly do not: the first of date of birth, e-mail, phone, postcode and city
    the record holds (-1 when it holds none); ``columns`` are those the records have."""
    key = np.full(n, -1, dtype=np.int64)
    offset = 0
    for column in PERSON_KEYS:
        if column not in columns:
            continue
        codes, uniques = k.factorize(columns[column], column=column)
        fill = (key < 0) & (codes >= 0)
        key[fill] = codes[fill] + offset
        offset += len(uniques)
    return key


def _people_frequency(own: np.ndarray, given: np.ndarray, person: np.ndarray) -> np.ndarray:
    """Per record, the share of the people with its ``given`` value (a surname) who have
    its ``own`` value (a first name); where ``given`` is ``own`` itself or missing, the
    share of all people who have its ``own`` value.  People are counted, not records:
    records of one value that share a :func:`_person_key` count once (a prolific
    inventor's thousand records do not make his name common).  NaN where ``own`` is
    null."""
    out = np.full(len(own), np.nan)
    rows = np.flatnonzero(own >= 0)
    if not len(rows):
        return out
    conditional = given is not own
    context = np.where(given[rows] >= 0, given[rows], -1) if conditional \
        else np.zeros(len(rows), dtype=np.int64)
    people = pd.DataFrame({"own": own[rows], "given": context,
                           "person": np.where(person[rows] >= 0, person[rows], -1 - rows)})
    distinct = people.drop_duplicates()
    alone = distinct[["own", "person"]].drop_duplicates()
    marginal = alone.groupby("own").size() / max(len(alone), 1)
    out[rows] = marginal.reindex(people["own"]).to_numpy(dtype=np.float64)
    if conditional:
        paired = (people["given"] >= 0).to_numpy()
        together = distinct.groupby(["own", "given"]).size()
        among = distinct.groupby("given").size()
        sub = people[paired]
        pair = pd.MultiIndex.from_arrays([sub["own"], sub["given"]])
        # Shrunk towards the name's own share: a surname held by a few people says
        # little about which first names go with it.
        prior = out[rows[paired]]
        out[rows[paired]] = (together.reindex(pair).to_numpy(dtype=np.float64)
                             + TF_PRIOR_PEOPLE * prior) / (
            among.reindex(sub["given"]).to_numpy(dtype=np.float64) + TF_PRIOR_PEOPLE)
    return out


class _PreparedName(_Cascade):
    comparison: NameComparison

    def __init__(
        self,
        comparison: NameComparison,
        codes: np.ndarray,
        uniques: np.ndarray,
        nick_codes: np.ndarray | None,
        swap_codes: np.ndarray | None,
        unplaced: np.ndarray | None = None,
    ) -> None:
        super().__init__(comparison, codes)
        self._unplaced = unplaced if unplaced is not None and unplaced.any() else None
        self._uniques = uniques
        self._nick = nick_codes
        self._swap = swap_codes
        self._ascending = np.array(sorted(comparison.thresholds))
        self._length = np.fromiter((len(u) for u in uniques), dtype=np.int64, count=len(uniques))
        self._first = k.recode(uniques, lambda s: s[0])
        self._letter_codes, self._letters = pd.factorize(
            np.array(["".join(sorted(str(u))) for u in uniques], dtype=object))
        self._sex = None
        if comparison.sexes:
            sex = name_sex(str(u) for u in uniques)
            self._sex = np.array([{"m": 1, "f": 2}.get(x or "", 0) for x in sex], dtype=np.int8)
        self._letters = np.asarray(self._letters, dtype=object)
        names = comparison.level_names
        self._level_swapped = names.index("swapped") if comparison.swap_with else -1
        self._level_nick = names.index("nickname") if comparison.nicknames else -1
        self._aliases: np.ndarray | None = None
        self._related: np.ndarray | None = None
        lost = _with_lost_letters(uniques)
        self._lost = lost if lost.any() else None

    def spelled_frequency(self, frequency: np.ndarray) -> np.ndarray:
        """``frequency`` (per record) with a name with lost letters agreeing with every
        name it spells: its term frequency is their share together with its own, not its
        own small share (changed in place)."""
        if self._lost is None:
            return frequency
        codes = self._codes
        held = codes >= 0
        shares = pd.Series(frequency[held]).groupby(codes[held]).max().reindex(
            range(len(self._uniques))).fillna(0.0).to_numpy()
        extra = np.zeros(len(self._uniques))
        for code, share in spelled_shares(self._uniques, shares).items():
            extra[code] = share
        frequency[held] = np.minimum(frequency[held] + extra[codes[held]], 1.0)
        return frequency

    def aliases(self, pairs: tuple[tuple[str, str], ...]) -> None:
        """Let the pairs of names ``pairs`` reach the nickname level (those of them
        that the records hold)."""
        index = pd.Index(self._uniques)
        a = index.get_indexer([x for x, _ in pairs])
        b = index.get_indexer([y for _, y in pairs])
        held = (a >= 0) & (b >= 0)
        self._aliases = unique_ints(self._pair_keys(a[held], b[held]))

    def related(self) -> None:
        """Let the names that may be one given name though the nickname key parts them
        (:func:`nickname_pairs`: ``chris`` and ``christine``, ``tina`` and
        ``christina``) reach the nickname level where they are otherwise "else"; a pair
        alike enough for a fuzzy level keeps it."""
        a, b = nickname_pairs([str(u) for u in self._uniques])
        self._related = unique_ints(self._pair_keys(a, b)) if len(a) else None

    def _pair_keys(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        size = max(len(self._uniques), 1)
        return np.minimum(a, b).astype(np.int64) * size + np.maximum(a, b)

    def _rules(
        self, ca: np.ndarray, cb: np.ndarray, i: np.ndarray, j: np.ndarray
    ) -> list[tuple[int, np.ndarray]]:
        rules = []
        if self._nick is not None and self._level_nick > 0:
            na, nb = self._nick[i], self._nick[j]
            same = (na == nb) & (na >= 0)
            if self._aliases is not None and len(self._aliases):
                both = (ca >= 0) & (cb >= 0)
                same |= both & isin_ints(self._pair_keys(ca, cb), self._aliases)
            rules.append((self._level_nick, same))
        if self._swap is not None:
            rules.append((self._level_swapped, self._swapped(ca, cb, i, j)))
        if self._lost is not None:
            rules.append((int(self._exact), self._lost_alike(ca, cb)))
        rules.sort(key=lambda rule: -rule[0])
        return rules

    def _refine(self, ca: np.ndarray, cb: np.ndarray, i: np.ndarray, j: np.ndarray
                ) -> np.ndarray:
        out = super()._refine(ca, cb, i, j)
        if self._nick is not None and self._level_nick > 0:
            # "Liz" against "Elizabeht": a nickname of the name up to a typo.  Only the
            # lowest fuzzy level: the typo makes the alias less sure.
            rest = np.flatnonzero(out == 0)
            if len(rest) and self._related is not None:
                related = isin_ints(self._pair_keys(ca[rest], cb[rest]), self._related) \
                    & ~self._other_sex(ca[rest], cb[rest])
                out[rest[related]] = self._level_nick
                rest = rest[~related]
            if len(rest):
                out[rest[self._nickname_typo(ca[rest], cb[rest], i[rest], j[rest])]] = 1
        if self._unplaced is not None and self._swap is not None:
            # "Owen" (a full name's one word) against "Mohammed" with no surname: a
            # given name and a surname, perhaps of one person; no evidence either way.
            lone_a, lone_b = self._swap[i] < 0, self._swap[j] < 0
            apart = (out == 0) & ((self._unplaced[i] & lone_b) | (self._unplaced[j] & lone_a))
            out[apart] = NULL_LEVEL
        return out

    def _lost_alike(self, ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
        """Pairs of names that are one name up to letters an export lost."""
        assert self._lost is not None
        out = np.zeros(len(ca), dtype=bool)
        todo = np.flatnonzero(self._lost[ca] | self._lost[cb])
        if len(todo):
            pairs = pd.DataFrame({"a": ca[todo], "b": cb[todo]})
            distinct = pairs.drop_duplicates()
            alike = [lost_alike(str(self._uniques[a]), str(self._uniques[b]))
                     for a, b in zip(distinct["a"], distinct["b"], strict=True)]
            found = pd.Series(alike, index=pd.MultiIndex.from_frame(distinct))
            out[todo] = found.reindex(pd.MultiIndex.from_frame(pairs)).to_numpy(dtype=bool)
        return out

    def _nickname_typo(self, ca: np.ndarray, cb: np.ndarray, i: np.ndarray, j: np.ndarray
                       ) -> np.ndarray:
        """One record's name is a nickname (or formal name) whose formal name is the
        other's name, or its formal name, up to a typo: Jaro-Winkler at least the
        highest threshold."""
        assert self._nick is not None
        na, nb = self._nick[i], self._nick[j]
        out = np.zeros(len(ca), dtype=bool)
        top = float(self._ascending[-1])
        for x, y in ((na, cb), (ca, nb), (na, nb)):
            todo = np.flatnonzero(~out & (x >= 0) & (y >= 0) & (x != y)
                                  & ((na != ca) | (nb != cb)))
            if len(todo):
                scores = k.pair_scores(self._uniques, x[todo], y[todo],
                                       JaroWinkler.normalized_similarity,
                                       score_cutoff=_cutoff(top))
                out[todo] = scores >= top
        return out & ~self._other_sex(ca, cb)

    def _scrambled(self, ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
        """Names of three letters or more that are 0.8 alike by Indel similarity, as
        written or with their letters sorted."""
        out = np.zeros(len(ca), dtype=bool)
        rest = np.flatnonzero((self._length[ca] >= 3) & (self._length[cb] >= 3))
        if len(rest):
            cutoff = _cutoff(_SAME_LETTERS)
            written = k.pair_scores(self._uniques, ca[rest], cb[rest],
                                    Indel.normalized_similarity, score_cutoff=cutoff)
            sorted_ = k.pair_scores(self._letters, self._letter_codes[ca[rest]],
                                    self._letter_codes[cb[rest]],
                                    Indel.normalized_similarity, score_cutoff=cutoff)
            out[rest] = np.maximum(written, sorted_) >= _SAME_LETTERS
        return out

    def _swapped(self, ca: np.ndarray, cb: np.ndarray, i: np.ndarray, j: np.ndarray
                 ) -> np.ndarray:
        """First and last name exchanged, each alike up to a typo (Jaro-Winkler at least
        the lowest threshold) or an initial ("l jansen" against "jansen lisa"), or one
        record's name alike the other's swapped name where the other half is missing
        ("alfie" against "griffiths alfie")."""
        assert self._swap is not None
        sa, sb = self._swap[i], self._swap[j]
        top = float(self._ascending[0])

        def alike(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            out = np.zeros(len(x), dtype=bool)
            both = np.flatnonzero((x >= 0) & (y >= 0))
            exact = x[both] == y[both]
            out[both[exact]] = True
            rest = both[~exact]
            if len(rest):
                scores = k.pair_scores(self._uniques, x[rest], y[rest],
                                       JaroWinkler.normalized_similarity,
                                       score_cutoff=_cutoff(top))
                initial = (((self._length[x[rest]] == 1) | (self._length[y[rest]] == 1))
                           & (self._first[x[rest]] == self._first[y[rest]]))
                found = (scores >= top) | initial
                unsure = np.flatnonzero(~found)
                found[unsure] = self._scrambled(x[rest[unsure]], y[rest[unsure]])
                out[rest] = found
            return out

        forward = alike(ca, sb)
        # The other half only matters where this one holds, or where it cannot be checked.
        need = np.flatnonzero(forward | (sb < 0) | (ca < 0))
        backward = np.zeros(len(ca), dtype=bool)
        backward[need] = alike(cb[need], sa[need])
        return (forward & (backward | (sa < 0) | (cb < 0))) | (backward & ((sb < 0) | (ca < 0)))

    def _fuzzy(self, ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
        scores = k.pair_scores(
            self._uniques,
            ca,
            cb,
            JaroWinkler.normalized_similarity,
            score_cutoff=_cutoff(self._ascending[0]),
        )
        out = _count_at_least(scores, self._ascending)
        initial = ((self._length[ca] == 1) | (self._length[cb] == 1)) & (
            self._first[ca] == self._first[cb]
        )
        out[initial] = np.maximum(out[initial], 1)
        # A letter dropped, doubled or scrambled ("fosia" for "sofia", "njohnston" for
        # "johnston") is a typo, not another name.
        rest = np.flatnonzero(out == 0)
        if len(rest):
            out[rest[self._scrambled(ca[rest], cb[rest])]] = 1
        out[self._other_sex(ca, cb)] = 0
        return out

    def _other_sex(self, ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
        """Pairs of a given name only men carry and one only women carry (with
        ``sexes``; else none)."""
        if self._sex is None:
            return np.zeros(len(ca), dtype=bool)
        sa, sb = self._sex[ca], self._sex[cb]
        return (sa > 0) & (sb > 0) & (sa != sb)


# ----------------------------------------------------------------------------- email


@dataclasses.dataclass(frozen=True)
class EmailComparison(Comparison):
    """An email address: exact, near-identical, or the same mailbox name elsewhere.

    Levels: ``"else"``, ``"fuzzy"`` (at most ``max_edits`` character edits on the whole
    address, with the same digits), ``"exact"``.

    Examples:
        >>> records = pd.DataFrame({"email_std": [
        ...     "ann.lee@gmail.com", "ann.lee@yahoo.com", "ann.le@gmail.com", "bo@x.io"]})
        >>> EmailComparison().prepare(records).levels(
        ...     np.zeros(3, dtype=np.int64), np.arange(1, 4)).tolist()
        [0, 1, 0]
    """

    field: str = "email"
    max_edits: int = 1

    type_name: ClassVar[str] = "email"
    _params: ClassVar[dict[str, v.Param]] = {**Comparison._params, "max_edits": v.POSITIVE_INT}

    @property
    def level_names(self) -> tuple[str, ...]:
        return ("else", "fuzzy", "exact")

    def prepare(self, records: pd.DataFrame) -> PreparedComparison:
        codes, uniques = self._factorize(records)
        text = pa.array(uniques, pa.string())
        digits = k.recode_ascii(
            uniques, "[^0-9]", "", lambda s: "".join(ch for ch in s if ch.isdigit()),
            text=text)
        bare = k.recode_ascii(uniques, _EMAIL_SEPARATORS.pattern, "",
                              lambda s: _EMAIL_SEPARATORS.sub("", s), text=text)
        return _PreparedEmail(self, codes, uniques, digits, bare)


class _PreparedEmail(_Cascade):
    comparison: EmailComparison

    def __init__(self, comparison: EmailComparison, codes: np.ndarray, uniques: np.ndarray,
                 local: np.ndarray, bare: np.ndarray) -> None:
        super().__init__(comparison, codes)
        self._uniques = uniques
        self._local = local
        self._bare = bare

    def _rules(
        self, ca: np.ndarray, cb: np.ndarray, i: np.ndarray, j: np.ndarray
    ) -> list[tuple[int, np.ndarray]]:
        return []

    def _fuzzy(self, ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
        # A typo (few edits, same digits), not a high Jaro-Winkler or the same local part
        # elsewhere: addresses built from one name ("edward.williams@", "ewilliams@",
        # "edwardwilliams96@") are alike for different people of that name too.
        distance = k.pair_scores(
            self._uniques, ca, cb, Levenshtein.distance, dtype=np.int64,
            score_cutoff=self.comparison.max_edits + 1,
        )
        same_digits = self._local[ca] == self._local[cb]
        # Nor a separator put or moved ("anna.li@", "anna_li@", "annali@"): that is how
        # two people of one name tell their mailboxes apart, not how a name is mistyped.
        separators_only = self._bare[ca] == self._bare[cb]
        return ((distance <= self.comparison.max_edits) & same_digits
                & ~separators_only).astype(np.int8)


# ----------------------------------------------------------------------------- phone


@dataclasses.dataclass(frozen=True)
class PhoneComparison(Comparison):
    """A phone number (E.164): exact, or close.

    Levels: ``"else"``, ``"close"`` (digits within Levenshtein distance 1, or the same
    last 8 digits: the same national number with a different or missing country code),
    ``"exact"``.

    Examples:
        >>> records = pd.DataFrame({"phone_std": [
        ...     "+14155550134", "4155550134", "+14155550135", "+14155559999"]})
        >>> PhoneComparison().prepare(records).levels(
        ...     np.zeros(3, dtype=np.int64), np.arange(1, 4)).tolist()
        [1, 1, 0]
    """

    field: str = "phone"

    type_name: ClassVar[str] = "phone"

    @property
    def level_names(self) -> tuple[str, ...]:
        return ("else", "close", "exact")

    def prepare(self, records: pd.DataFrame) -> PreparedComparison:
        codes, uniques = self._factorize(records)
        digits = np.empty(len(uniques), dtype=object)
        digits[:] = [_NON_DIGITS.sub("", u) for u in uniques]
        last8 = k.recode(digits, lambda d: d[-8:] if len(d) >= 8 else None)
        return _PreparedPhone(self, codes, digits, last8)


class _PreparedPhone(_Cascade):
    def __init__(
        self, comparison: PhoneComparison, codes: np.ndarray, digits: np.ndarray, last8: np.ndarray
    ) -> None:
        super().__init__(comparison, codes)
        self._digits = digits
        self._last8 = last8

    def _rules(
        self, ca: np.ndarray, cb: np.ndarray, i: np.ndarray, j: np.ndarray
    ) -> list[tuple[int, np.ndarray]]:
        la = self._last8[ca]
        return [(1, (la == self._last8[cb]) & (la >= 0))]

    def _fuzzy(self, ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
        distance = k.pair_scores(
            self._digits, ca, cb, Levenshtein.distance, dtype=np.int32, score_cutoff=1
        )
        return (distance <= 1).astype(np.int8)


# ------------------------------------------------------------------------------ date


def date_spellings(values: np.ndarray) -> np.ndarray:
    """Each date as ``YYYY-MM-DD``, however written ("02/10/2023", "2 Oct 2023": a field
    no stage standardised, such as an order or a posting date); what is no date stays.
    """
    values = np.asarray(values, dtype=object)
    parsed = pd.to_datetime(pd.Series(values, dtype=object), format="%Y-%m-%d",
                            errors="coerce")
    retry = parsed.isna().to_numpy() & pd.notna(values)
    if not retry.any():
        return values
    iso = parse_dates(pd.Series(values[retry], dtype=object)).to_numpy()
    read = pd.notna(iso)
    out = values.copy()
    out[np.flatnonzero(retry)[read]] = iso[read]
    return out


@dataclasses.dataclass(frozen=True)
class DateComparison(Comparison):
    """A date (``YYYY-MM-DD``): exact, a typo, or within some days.

    Levels, ascending: ``"else"``; ``"within <d> days"`` for each window, the largest
    first; ``"typo"`` (Damerau-Levenshtein distance at most 1 on ``YYYYMMDD``, or day and
    month transposed); ``"exact"``.  Dates that do not parse can only be exact or typos.

    With ``first`` (a source's name, when linking two sources), each window is two
    levels, ``"before, within <d> days"`` and ``"after, within <d> days"``: whether the
    other record's date falls before or after the date of the record from ``first``.  A
    payment follows its invoice, a delivery its order: the model learns which side a
    match falls on, and the levels are not ordered (see :attr:`Comparison.ordered`).

    Args:
        field: the date field.
        within_days: window sizes in days (any order).
        first: the source whose records' dates the other side's are measured from.

    Examples:
        >>> records = pd.DataFrame({"dob_std": [
        ...     "1990-03-04", "1990-04-03", "1990-03-05", "1990-09-30", "1970-01-01"]})
        >>> DateComparison().prepare(records).levels(
        ...     np.zeros(4, dtype=np.int64), np.arange(1, 5)).tolist()
        [2, 2, 1, 0]
    """

    field: str = "dob"
    within_days: tuple[int, ...] = (365,)
    first: str | None = None

    type_name: ClassVar[str] = "date"
    _params: ClassVar[dict[str, v.Param]] = {**Comparison._params, "within_days": v.DAYS,
                                             "first": v.OPTIONAL_SOURCE}

    @property
    def level_names(self) -> tuple[str, ...]:
        days = sorted(self.within_days, reverse=True)
        windows = tuple(f"within {d} days" for d in days)
        if self.first is not None:
            # No typo level: one digit off is a day or ten days off, and which side of
            # the other date it falls on is what these levels are for.
            return ("else", *(f"{side}, within {d} days" for d in days
                              for side in ("before", "after")), "exact")
        return ("else", *windows, "typo", "exact")

    @property
    def ordered(self) -> bool:
        return self.first is None

    @property
    def columns(self) -> tuple[str, ...]:
        return (std(self.field),) if self.first is None else (std(self.field), SOURCE)

    def prepare(self, records: pd.DataFrame) -> PreparedComparison:
        column = _resolve(records, self.field, self.name)
        values = records[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            values = values.dt.strftime("%Y-%m-%d")
        codes, uniques = k.factorize(values, column=column)
        few = _few_dates(uniques)
        if few is not None:
            days, year, month, day = few
            return _PreparedDate(self, codes, _digits(uniques), np.ones(len(uniques), bool),
                                 days, year, month, day, self._first(records))
        parsed = pd.to_datetime(
            pd.Series(uniques, dtype=object), format="%Y-%m-%d", errors="coerce"
        )
        if (parsed.isna().to_numpy() & pd.notna(uniques)).any():
            # One date is one value however written, so exact and typo levels see it so.
            recoded, uniques = pd.factorize(date_spellings(uniques), use_na_sentinel=True)
            codes = np.where(codes >= 0, recoded[np.maximum(codes, 0)], -1).astype(np.int64)
            parsed = pd.to_datetime(pd.Series(uniques, dtype=object), format="%Y-%m-%d",
                                    errors="coerce")
        valid = parsed.notna().to_numpy()
        stamps = parsed.to_numpy(dtype="datetime64[ns]")
        days = np.where(valid, stamps.astype("datetime64[D]").astype(np.int64), 0)
        month = np.where(valid, parsed.dt.month.fillna(0).to_numpy(dtype=np.int64), -1)
        day = np.where(valid, parsed.dt.day.fillna(0).to_numpy(dtype=np.int64), -2)
        year = np.where(valid, parsed.dt.year.fillna(0).to_numpy(dtype=np.int64), -3)
        return _PreparedDate(self, codes, _digits(uniques), valid, days, year, month, day,
                             self._first(records))

    def _first(self, records: pd.DataFrame) -> np.ndarray | None:
        """Per record, whether it is from the source :attr:`first` names (None when unset)."""
        if self.first is None:
            return None
        if SOURCE not in records.columns:
            raise DataError(
                f"comparison {self.name!r}: first = {self.first!r} needs the records' "
                f"{SOURCE!r} column to tell which record is from that source")
        return records[SOURCE].to_numpy(dtype=object) == self.first


def _digits(uniques: np.ndarray) -> np.ndarray:
    digits = np.empty(len(uniques), dtype=object)
    digits[:] = [_NON_DIGITS.sub("", u) for u in uniques]
    return digits


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _few_dates(uniques: np.ndarray) -> tuple[np.ndarray, ...] | None:
    """Days since 1970, year, month and day of a few distinct dates, all valid
    ``YYYY-MM-DD`` within the years pandas' timestamps hold (1678-2261), read without
    pandas' per-call cost (a record resolved against a store); None otherwise (pandas
    reads them, and tells the invalid ones)."""
    if len(uniques) > FEW or not all(_ISO_DATE.fullmatch(u) and "1678" <= u[:4] <= "2261"
                                     for u in uniques):
        return None
    try:
        days = np.array(uniques.tolist(), dtype="datetime64[D]")
    except ValueError:  # 2021-02-30
        return None
    parts = np.array([(int(u[:4]), int(u[5:7]), int(u[8:])) for u in uniques],
                     dtype=np.int64).reshape(len(uniques), 3)
    return days.astype(np.int64), parts[:, 0].copy(), parts[:, 1].copy(), parts[:, 2].copy()


class _PreparedDate(_Cascade):
    comparison: DateComparison

    def __init__(
        self,
        comparison: DateComparison,
        codes: np.ndarray,
        digits: np.ndarray,
        valid: np.ndarray,
        days: np.ndarray,
        year: np.ndarray,
        month: np.ndarray,
        day: np.ndarray,
        first: np.ndarray | None = None,
    ) -> None:
        super().__init__(comparison, codes)
        self._first = first
        self._digits = digits
        self._valid = valid
        self._days = days
        self._year = year
        self._month = month
        self._day = day
        self._windows = np.array(sorted(comparison.within_days), dtype=np.int64)
        self._typo = np.int8(len(self._windows) + 1)
        # Eight-digit strings as a uint8 matrix: their Damerau-Levenshtein distance is at
        # most 1 exactly when they differ in at most one digit or by one adjacent
        # transposition (one insertion plus one deletion would cost 2), which numpy can
        # test for every pair at once.  Other lengths go through rapidfuzz.
        lengths = np.fromiter((len(d) for d in digits), dtype=np.int64, count=len(digits))
        self._eight = lengths == 8
        matrix = np.zeros((len(digits), 8), dtype=np.uint8)
        if self._eight.any():
            joined = "".join(digits[self._eight]).encode("ascii")
            matrix[self._eight] = np.frombuffer(joined, dtype=np.uint8).reshape(-1, 8)
        self._matrix = matrix

    def _rules(
        self, ca: np.ndarray, cb: np.ndarray, i: np.ndarray, j: np.ndarray
    ) -> list[tuple[int, np.ndarray]]:
        transposed = (
            (self._year[ca] == self._year[cb])
            & (self._month[ca] == self._day[cb])
            & (self._day[ca] == self._month[cb])
        )
        return [(int(self._typo), transposed)]

    def _one_edit(self, ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
        """Damerau-Levenshtein distance at most 1 between the dates' digit strings."""
        out = np.zeros(len(ca), dtype=bool)
        eight = self._eight[ca] & self._eight[cb]
        a, b = self._matrix[ca[eight]], self._matrix[cb[eight]]
        differ = a != b
        count = differ.sum(axis=1)
        swapped = (
            (count == 2)
            & (differ[:, :-1] & differ[:, 1:]).any(axis=1)
            & ((a[:, :-1] == b[:, 1:]) & (a[:, 1:] == b[:, :-1]) & differ[:, :-1]).any(axis=1)
        )
        out[eight] = (count <= 1) | swapped
        rest = np.flatnonzero(~eight)
        if len(rest):
            distance = k.pair_scores(
                self._digits,
                ca[rest],
                cb[rest],
                DamerauLevenshtein.distance,
                dtype=np.int32,
                score_cutoff=1,
            )
            out[rest] = distance <= 1
        return out

    def _refine(self, ca: np.ndarray, cb: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        if self._first is None:
            return super()._refine(ca, cb, i, j)
        # Days from the date of the record of ``first`` to the other record's date; a
        # pair with neither or both from ``first`` has no order: "after" by the gap.
        gap = self._days[cb] - self._days[ca]
        gap = np.where(self._first[j] & ~self._first[i], -gap, gap)
        gap = np.where(self._first[i] == self._first[j], np.abs(gap), gap)
        inside = len(self._windows) - np.searchsorted(self._windows, np.abs(gap), side="left")
        level = np.where(inside > 0, 2 * inside - 1 + (gap >= 0), 0)
        return np.where(self._valid[ca] & self._valid[cb], level, 0).astype(np.int8)

    def _fuzzy(self, ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
        gap = np.abs(self._days[ca] - self._days[cb])
        inside = len(self._windows) - np.searchsorted(self._windows, gap, side="left")
        out = np.where(self._valid[ca] & self._valid[cb], inside, 0).astype(np.int8)
        out[self._one_edit(ca, cb)] = self._typo
        return out


# --------------------------------------------------------------------------- address


@dataclasses.dataclass(frozen=True)
class AddressComparison(Comparison):
    """A street address by token-set similarity, guarded by house numbers.

    Levels: ``"else"``, ``"ts>=<t>"`` for each threshold (lowest first), ``"exact"``.
    The similarity is ``rapidfuzz.fuzz.token_set_ratio / 100``.  When both addresses
    contain numbers and their sets of number tokens differ, the level is capped at the
    lowest fuzzy level: a different house number is a different address.

    Examples:
        >>> records = pd.DataFrame({"address_std": [
        ...     "12 main st", "12 main street", "14 main st", "9 elm rd"]})
        >>> AddressComparison().prepare(records).levels(
        ...     np.zeros(3, dtype=np.int64), np.arange(1, 4)).tolist()
        [1, 1, 0]
    """

    field: str = "address"
    thresholds: tuple[float, ...] = (0.9, 0.7)

    type_name: ClassVar[str] = "address"
    _params: ClassVar[dict[str, v.Param]] = {**Comparison._params, "thresholds": v.THRESHOLDS}

    @property
    def level_names(self) -> tuple[str, ...]:
        fuzzy = tuple(f"ts>={_fmt(t)}" for t in sorted(self.thresholds))
        return ("else", *fuzzy, "exact")

    def prepare(self, records: pd.DataFrame) -> PreparedComparison:
        codes, uniques = self._factorize(records)
        numbers = k.recode(uniques, lambda s: " ".join(sorted(set(_DIGITS.findall(s)))) or None)
        return _PreparedAddress(self, codes, uniques, numbers)


class _PreparedAddress(_Cascade):
    comparison: AddressComparison

    def __init__(
        self,
        comparison: AddressComparison,
        codes: np.ndarray,
        uniques: np.ndarray,
        numbers: np.ndarray,
    ) -> None:
        super().__init__(comparison, codes)
        self._uniques = uniques
        self._numbers = numbers
        self._ascending = np.array(sorted(comparison.thresholds))

    def _fuzzy(self, ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
        scores = (
            k.pair_scores(
                self._uniques,
                ca,
                cb,
                fuzz.token_set_ratio,
                score_cutoff=_cutoff(self._ascending[0], 100),
            )
            / 100
        )
        out = _count_at_least(scores, self._ascending)
        na, nb = self._numbers[ca], self._numbers[cb]
        differ = (na >= 0) & (nb >= 0) & (na != nb)
        out[differ] = np.minimum(out[differ], 1)
        return out


# -------------------------------------------------------------------------- postcode


@dataclasses.dataclass(frozen=True)
class PostcodeComparison(Comparison):
    """A postcode: exact, or the same first ``prefix`` characters.

    Levels: ``"else"``, ``"prefix"``, ``"exact"``.

    Examples:
        >>> records = pd.DataFrame({"postcode_std": ["SW1A 1AA", "SW1A 2BB", "E1 6AN"]})
        >>> PostcodeComparison().prepare(records).levels(
        ...     np.array([0, 0]), np.array([1, 2])).tolist()
        [1, 0]
    """

    field: str = "postcode"
    prefix: int = 3

    type_name: ClassVar[str] = "postcode"
    _params: ClassVar[dict[str, v.Param]] = {**Comparison._params, "prefix": v.POSITIVE_INT}

    @property
    def level_names(self) -> tuple[str, ...]:
        return ("else", "prefix", "exact")

    def prepare(self, records: pd.DataFrame) -> PreparedComparison:
        codes, uniques = self._factorize(records)
        n = self.prefix
        return _PreparedPrefix(self, codes, k.recode(uniques, lambda s: s[:n]))


class _PreparedPrefix(PreparedComparison):
    def __init__(
        self, comparison: PostcodeComparison, codes: np.ndarray, prefix: np.ndarray
    ) -> None:
        super().__init__(comparison, codes)
        self._prefix = prefix

    def _refine(self, ca: np.ndarray, cb: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return (self._prefix[ca] == self._prefix[cb]).astype(np.int8)


# ---------------------------------------------------------------------------- string


_METRICS: dict[str, tuple[Callable[..., float], float]] = {
    # metric -> (rapidfuzz scorer, factor that maps its score to [0, 1])
    "jaro_winkler": (JaroWinkler.normalized_similarity, 1.0),
    "levenshtein": (Levenshtein.normalized_similarity, 1.0),
    "token_set": (fuzz.token_set_ratio, 100.0),
    "token_sort": (fuzz.token_sort_ratio, 100.0),
}
METRICS = (*_METRICS, "jaccard")
_ABBREVIATIONS = {
    "jaro_winkler": "jw",
    "levenshtein": "lev",
    "token_set": "ts",
    "token_sort": "tsort",
    "jaccard": "jaccard",
}


@dataclasses.dataclass(frozen=True)
class StringComparison(Comparison):
    """Any string field by a similarity metric in [0, 1].

    Metrics: ``"jaro_winkler"``, ``"levenshtein"`` (normalised similarity),
    ``"token_set"``, ``"token_sort"`` (rapidfuzz ratios / 100) and ``"jaccard"``
    (whitespace token sets).  Levels: ``"else"``, ``"<metric>>=<t>"`` for each threshold
    (lowest first), ``"exact"``.

    Examples:
        >>> records = pd.DataFrame({"company_std": ["acme corp", "corp acme", "acme"]})
        >>> c = StringComparison("company", metric="jaccard", thresholds=(0.5,))
        >>> c.level_names
        ('else', 'jaccard>=0.50', 'exact')
        >>> c.prepare(records).levels(np.array([0, 0]), np.array([1, 2])).tolist()
        [1, 1]
    """

    metric: str = "jaro_winkler"
    thresholds: tuple[float, ...] = (0.9, 0.7)

    type_name: ClassVar[str] = "string"
    _params: ClassVar[dict[str, v.Param]] = {
        **Comparison._params,
        "metric": v.choice(METRICS),
        "thresholds": v.THRESHOLDS,
    }

    @property
    def level_names(self) -> tuple[str, ...]:
        short = _ABBREVIATIONS[self.metric]
        fuzzy = tuple(f"{short}>={_fmt(t)}" for t in sorted(self.thresholds))
        return ("else", *fuzzy, "exact")

    def prepare(self, records: pd.DataFrame) -> PreparedComparison:
        codes, uniques = self._factorize(records)
        return _PreparedString(self, codes, uniques)


class _PreparedString(_Cascade):
    comparison: StringComparison

    def __init__(
        self, comparison: StringComparison, codes: np.ndarray, uniques: np.ndarray
    ) -> None:
        super().__init__(comparison, codes)
        self._uniques = uniques
        self._ascending = np.array(sorted(comparison.thresholds))
        self._tokens = (token_matrix(uniques, _word_set)[0] if comparison.metric == "jaccard"
                        else None)

    def _jaccard(self, ua: np.ndarray, ub: np.ndarray) -> np.ndarray:
        assert self._tokens is not None
        both = np.asarray(self._tokens[ua].multiply(self._tokens[ub]).sum(axis=1)).ravel()
        sizes = np.asarray(self._tokens.sum(axis=1)).ravel()
        return both / (sizes[ua] + sizes[ub] - both)

    def _fuzzy(self, ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
        metric = self.comparison.metric
        if metric == "jaccard":
            scores = k.per_pair(ca, cb, self._jaccard)
        else:
            scorer, scale = _METRICS[metric]
            cutoff = _cutoff(self._ascending[0], scale)
            scores = k.pair_scores(self._uniques, ca, cb, scorer, score_cutoff=cutoff) / scale
        return _count_at_least(scores, self._ascending)


# --------------------------------------------------------------------------- numeric


@dataclasses.dataclass(frozen=True)
class NumericComparison(Comparison):
    """A number by relative difference ``|a - b| / max(|a|, |b|)``, or by absolute
    difference ``|a - b|`` when ``absolute`` tolerances are given (years, counts).

    Levels: ``"else"``, ``"within <r>%"`` (or ``"within ±<a>"``) for each tolerance
    (largest first), ``"exact"`` (numerically equal).  Currency signs, letters, spaces,
    brackets and thousands separators are dropped before parsing (``"$1,299.00"`` is
    1299, ``"(1990)."`` is 1990); values that still do not parse as numbers are null.

    Args:
        field: the numeric field.
        relative: tolerances in (0, 1] (any order).
        absolute: absolute tolerances (any order); when given they replace
            ``relative``.

    Examples:
        >>> records = pd.DataFrame({"income_std": ["100", "100.0", "105", "99.5", "x"]})
        >>> c = NumericComparison("income")
        >>> c.level_names
        ('else', 'within 10%', 'within 1%', 'exact')
        >>> c.prepare(records).levels(np.zeros(4, dtype=np.int64), np.arange(1, 5)).tolist()
        [3, 1, 2, -1]
        >>> years = pd.DataFrame({"year": ["(1990).", "1990", "1991", "1995"]})
        >>> y = NumericComparison("year", absolute=(1,))
        >>> y.level_names, y.prepare(years).levels(np.zeros(3, dtype=np.int64),
        ...                                        np.arange(1, 4)).tolist()
        (('else', 'within ±1', 'exact'), [2, 1, 0])
    """

    relative: tuple[float, ...] = (0.01, 0.1)
    absolute: tuple[float, ...] = ()

    type_name: ClassVar[str] = "numeric"
    _params: ClassVar[dict[str, v.Param]] = {**Comparison._params, "relative": v.RELATIVE,
                                             "absolute": v.GAPS}

    @property
    def level_names(self) -> tuple[str, ...]:
        if self.absolute:
            windows = tuple(f"within ±{a:g}" for a in sorted(self.absolute, reverse=True))
        else:
            windows = tuple(f"within {r * 100:g}%" for r in sorted(self.relative, reverse=True))
        return ("else", *windows, "exact")

    def prepare(self, records: pd.DataFrame) -> PreparedComparison:
        column = _resolve(records, self.field, self.name)
        codes, uniques = k.factorize(records[column], column=column)
        numbers = parse_numbers(uniques)
        values = np.where(codes >= 0, numbers[np.maximum(codes, 0)], np.nan)
        value_codes, _ = pd.factorize(values, use_na_sentinel=True)
        return _PreparedNumeric(self, value_codes.astype(np.int64), values)


class _PreparedNumeric(PreparedComparison):
    def __init__(
        self, comparison: NumericComparison, codes: np.ndarray, values: np.ndarray
    ) -> None:
        super().__init__(comparison, codes)
        self._values = values
        self._absolute = bool(comparison.absolute)
        self._tolerances = np.array(sorted(comparison.absolute or comparison.relative))

    def _refine(self, ca: np.ndarray, cb: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        a, b = self._values[i], self._values[j]
        gap = np.abs(a - b)
        if not self._absolute:
            gap = gap / np.maximum(np.abs(a), np.abs(b))
        return (len(self._tolerances) - np.searchsorted(self._tolerances, gap, side="left")
                ).astype(np.int8)


# ------------------------------------------------------------------------------ text


def _rowwise_dot(matrix: sp.csr_matrix, ua: np.ndarray, ub: np.ndarray,
                 chunk: int = 250_000, other: sp.csr_matrix | None = None) -> np.ndarray:
    """``matrix[ua[k]] . other[ub[k]]`` for every k (``other`` defaults to ``matrix``),
    in bounded chunks."""
    other = matrix if other is None else other
    out = np.empty(len(ua), dtype=np.float64)
    for start in range(0, len(ua), chunk):
        a = matrix[ua[start:start + chunk]]
        b = other[ub[start:start + chunk]]
        out[start:start + chunk] = np.asarray(a.multiply(b).sum(axis=1)).ravel()
    return out


#: Weight of a word one typo from the other value's word, as a share of a word both hold
#: (``TextComparison(typos=True)``).
TYPO_CREDIT = 0.8
#: Weight of a model code that is the other value's code with a short tail (a shop's
#: ``JFS516NA`` for the maker's ``JFS516``), as a share of a code both hold: most such
#: pairs are one item, some are its other colour.
STEM_CREDIT = 0.8


@dataclasses.dataclass(frozen=True)
class TextComparison(Comparison):
    """Free text (titles, descriptions, product names) by TF-IDF cosine over word tokens.

    Values are split into tokens (see :func:`unifyprofile.compare.tokenise`: ASCII-folded,
    lowercased, model codes such as ``KDL-40V3000`` kept whole).  Each token is weighted
    by its inverse document frequency over the records, times ``strong_weight`` when it
    holds a digit (numbers and model codes identify an item far better than words), and
    two values are compared by the cosine of their weight vectors.

    Levels: ``"else"``, ``"cos>=<t>"`` for each threshold (lowest first), ``"exact"``
    (the same set of tokens).  A model code and the same code with a short tail (a
    colour, region or pack suffix: ``LRBP1031W`` and ``LRBP1031WH``, see
    :func:`unifyprofile.compare.stem_pairs`) count as shared, with weight
    ``STEM_CREDIT``.  With ``codes_must_agree`` a pair whose values both hold strong
    tokens but share none (nor such a stem) is capped at the lowest cosine level: two
    product names alike in every word but the model number are different products.
    With ``typos`` a
    word one typo from a word of the other value counts as shared, with weight
    ``TYPO_CREDIT`` (see :func:`unifyprofile.compare.typo_pairs`): an organisation's name
    typed by hand ("Hecker Süssebier" and "Hecker Süsebier").

    Args:
        field: the text field.
        thresholds: cosine thresholds in (0, 1] (any order).
        strong_weight: factor (>= 1) on the weight of tokens with digits.
        codes_must_agree: cap pairs whose strong tokens are disjoint.
        typos: count words one typo apart as shared.

    Examples:
        >>> records = pd.DataFrame({"title": [
        ...     "Sony Bravia KDL-40V3000 LCD TV", "sony bravia kdl40v3000 lcd tv",
        ...     "Sony Bravia KDL-46V3000 LCD TV", "Canon EOS camera", "LCD TV Sony Bravia"]})
        >>> c = TextComparison("title")
        >>> c.level_names
        ('else', 'cos>=0.35', 'cos>=0.50', 'cos>=0.65', 'cos>=0.80', 'cos>=0.90', 'exact')
        >>> c.prepare(records).levels(np.zeros(4, dtype=np.int64), np.arange(1, 5)).tolist()
        [6, 0, 0, 2]
    """

    thresholds: tuple[float, ...] = (0.9, 0.8, 0.65, 0.5, 0.35)
    strong_weight: float = 2.0
    codes_must_agree: bool = True
    typos: bool = False

    type_name: ClassVar[str] = "text"
    _params: ClassVar[dict[str, v.Param]] = {
        **Comparison._params,
        "thresholds": v.THRESHOLDS,
        "strong_weight": v.AT_LEAST_ONE,
        "codes_must_agree": v.BOOLEAN,
        "typos": v.BOOLEAN,
    }

    @property
    def level_names(self) -> tuple[str, ...]:
        fuzzy = tuple(f"cos>={_fmt(t)}" for t in sorted(self.thresholds))
        return ("else", *fuzzy, "exact")

    @staticmethod
    def key(value: str) -> str | None:
        """The value's set of tokens: one key whatever the case or punctuation."""
        return " ".join(sorted(tokenise(value))) or None

    def prepare(self, records: pd.DataFrame) -> PreparedComparison:
        raw_codes, raw_uniques = self._factorize(records)
        # Exact agreement means the same set of tokens, whatever the case or punctuation.
        keys = np.empty(len(raw_uniques), dtype=object)
        keys[:] = [self.key(str(u)) for u in raw_uniques]
        key_codes, uniques = pd.factorize(keys, use_na_sentinel=True)
        codes = np.where(raw_codes >= 0, key_codes[np.maximum(raw_codes, 0)], -1)
        codes = codes.astype(np.int64)
        binary, vocabulary = token_matrix(np.asarray(uniques, dtype=object))
        counts = np.bincount(codes[codes >= 0], minlength=len(uniques)).astype(np.float64)
        documents = max(float(counts.sum()), 1.0)
        df = np.asarray(binary.T @ counts).ravel()
        idf = np.log1p(documents / np.maximum(df, 1.0))
        strong = np.fromiter((is_strong(str(t)) for t in vocabulary), dtype=bool,
                             count=len(vocabulary))
        if len(strong) < binary.shape[1]:
            strong = np.zeros(binary.shape[1], dtype=bool)
        idf = np.where(strong, idf * self.strong_weight, idf)
        weighted = binary @ sp.diags(idf)
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        unit = sp.csr_matrix(sp.diags(1.0 / np.maximum(norms, 1e-12)) @ weighted)
        strong_part = sp.csr_matrix(binary @ sp.diags(strong.astype(np.float64)))
        # Soft cosine: a code with a short tail, and with ``typos`` a word one typo
        # off, counts as shared with a part of its weight.
        n = unit.shape[1]
        stems = _credited(*stem_pairs(vocabulary), STEM_CREDIT, n)
        soft = sp.csr_matrix(unit @ stems)
        strong_part = sp.csr_matrix(strong_part @ stems)
        if self.typos:
            soft = sp.csr_matrix(soft @ _credited(*typo_pairs(vocabulary), TYPO_CREDIT, n))
        return _PreparedText(self, codes, unit, soft, strong_part)


def _credited(i: np.ndarray, j: np.ndarray, credit: float, n: int) -> sp.csr_matrix:
    """The identity over ``n`` tokens plus ``credit`` between the tokens of each pair
    ``(i, j)``, both ways: a value's weights times it credit the near tokens too."""
    near = sp.coo_matrix((np.full(2 * len(i), credit),
                          (np.concatenate([i, j]), np.concatenate([j, i]))), shape=(n, n))
    return sp.csr_matrix(sp.identity(n, format="csr") + near.tocsr())


class _PreparedText(_Cascade):
    comparison: TextComparison

    def __init__(self, comparison: TextComparison, codes: np.ndarray, unit: sp.csr_matrix,
                 soft: sp.csr_matrix, strong: sp.csr_matrix) -> None:
        super().__init__(comparison, codes)
        self._unit = unit
        self._soft = soft
        self._strong = strong
        self._has_strong = np.diff(strong.indptr) > 0
        self._ascending = np.array(sorted(comparison.thresholds))

    def _fuzzy(self, ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
        def levels(ua: np.ndarray, ub: np.ndarray) -> np.ndarray:
            scores = _rowwise_dot(self._soft, ua, ub, other=self._unit)
            out = _count_at_least(scores + 1e-9, self._ascending)
            if self.comparison.codes_must_agree:
                both = self._has_strong[ua] & self._has_strong[ub]
                if both.any():
                    shared = np.zeros(len(ua), dtype=np.float64)
                    shared[both] = _rowwise_dot(self._strong, ua[both], ub[both])
                    conflict = both & (shared == 0)
                    out[conflict] = np.minimum(out[conflict], 1)
            return out

        return k.per_pair(ca, cb, levels).astype(np.int8)


def _word_set(text: str) -> list[str]:
    """The distinct whitespace-separated words of a value (Jaccard's token set)."""
    return sorted(set(text.split()))


# --------------------------------------------------------------------------- reference

#: A date inside a text ("VOM 12.03.2024", "2024-03-12"): no code, however many digits.
_DATE_IN_TEXT = re.compile(r"\b(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2})\b")
_DIGIT_RUN = re.compile(r"\d{4,}")


def _code_numbers(text: str) -> tuple[str, ...]:
    """The numbers of four digits or more in a text's code tokens, dates left out:
    ``"SVWZ+RE2024-0556 VOM 02.05.2024"`` -> ``("20240556",)``."""
    text = _DATE_IN_TEXT.sub(" ", text)
    return tuple(dict.fromkeys(run for token in tokenise(text) if _DIGITS.search(token)
                               for run in _DIGIT_RUN.findall(token)))



@dataclasses.dataclass(frozen=True)
class ReferenceComparison(Comparison):
    """A code on one side and a text that may name it on the other: an invoice number
    and a payment's purpose ("RE 2024-0585 VIELEN DANK"), an order number and a ticket.

    Each value is read as the numbers (four digits or more) of its code tokens, with
    separators dropped and dates left out, so "RE 2024/0585", "SVWZ+RE2024-0585" and
    "2024-0585" all hold 20240585.  A value holding no such number is missing: a
    purpose without a reference says nothing about the invoice.

    Levels: ``"other code"`` (the two hold numbers of one length and none names the
    other: the purpose names another invoice), ``"else"`` (numbers of other kinds, such
    as a customer number beside an invoice number), ``"named"`` (a number of one is a
    number of the other, or ends it: "RECHN 0585" names 2024-0585), ``"exact"`` (the
    same numbers).

    Examples:
        >>> records = pd.DataFrame({"ref": [
        ...     "2024-0585", "RE 2024/0585 DANKE", "RE 2023-3048", "KD-NR 10112", "MIETE",
        ...     "RECHN 0585 VOM 12.03.2024"]})
        >>> ReferenceComparison("ref").prepare(records).levels(
        ...     np.zeros(5, dtype=np.int64), np.arange(1, 6)).tolist()
        [3, 0, 1, -1, 2]
    """

    type_name: ClassVar[str] = "reference"

    @property
    def level_names(self) -> tuple[str, ...]:
        return ("other code", "else", "named", "exact")

    def prepare(self, records: pd.DataFrame) -> PreparedComparison:
        raw_codes, uniques = self._factorize(records)
        # One value per set of numbers: "RE 2024-0585" and "2024/0585" are one reference.
        keys = np.empty(len(uniques), dtype=object)
        keys[:] = [self.key(str(u)) for u in uniques]
        key_codes, distinct = pd.factorize(keys, use_na_sentinel=True)
        codes = np.append(key_codes, -1)[raw_codes]  # -1 (null) reads the appended -1
        runs = [tuple(str(u).split()) for u in distinct]
        return _PreparedReference(self, codes.astype(np.int64), runs)

    @staticmethod
    def key(value: str) -> str | None:
        """The value's numbers, one key however the value is written (None: none)."""
        return " ".join(sorted(_code_numbers(value))) or None


class _PreparedReference(_Cascade):
    comparison: ReferenceComparison

    def __init__(self, comparison: ReferenceComparison, codes: np.ndarray,
                 runs: list[tuple[str, ...]]) -> None:
        super().__init__(comparison, codes)
        self._runs = runs

    def _fuzzy(self, ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
        def level(a: tuple[str, ...], b: tuple[str, ...]) -> int:
            conflict = False
            for x in a:
                for y in b:
                    short, long = (x, y) if len(x) <= len(y) else (y, x)
                    if long.endswith(short):
                        return 2
                    conflict |= len(x) == len(y)
            return 0 if conflict else 1

        def levels(ua: np.ndarray, ub: np.ndarray) -> np.ndarray:
            return np.fromiter((level(self._runs[a], self._runs[b])
                                for a, b in zip(ua.tolist(), ub.tolist(), strict=True)),
                               dtype=np.int8, count=len(ua))

        return k.per_pair(ca, cb, levels).astype(np.int8)
