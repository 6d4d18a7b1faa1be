"""The compare stage: pairs of row positions in, one level column per comparison out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from unifyprofile.errors import ConfigError, DataError
from unifyprofile.schema import std
from unifyprofile.standardise.numbers import parse_numbers

from . import _kernels as k
from ._levels import (
    PERSON_KEYS,
    Comparison,
    DateComparison,
    NumericComparison,
    PreparedComparison,
    ReferenceComparison,
    TextComparison,
    _resolve,
    date_spellings,
)

__all__ = ["CHUNK_PAIRS", "compare", "compare_pairs", "person_keys", "prepare", "value_keys"]

#: Pairs compared at a time; bounds memory.
CHUNK_PAIRS = 2_000_000


def prepare(records: pd.DataFrame, comparisons: Sequence[Comparison]) -> list[PreparedComparison]:
    """Prepare every comparison once for a records table (reuse across pair chunks).

    Args:
        records: standardised records, rows addressed by position.
        comparisons: the comparisons.

    Returns:
        One prepared comparison per comparison, in order.

    Raises:
        ConfigError: when two comparisons share an output column name.
        DataError: when the records lack a column a comparison reads.
    """
    _check_names(comparisons)
    return [c.prepare(records) for c in comparisons]


def _check_names(comparisons: Sequence[Comparison]) -> None:
    counts = Counter(c.name for c in comparisons)
    clashes = sorted(name for name, n in counts.items() if n > 1 or name in ("i", "j"))
    if clashes:
        raise ConfigError(
            [
                f"comparisons: output column {name!r} is used by more than one comparison "
                "(or is a pair key); give each a distinct `name`"
                for name in clashes
            ]
        )


def compare(
    records: pd.DataFrame,
    i: np.ndarray,
    j: np.ndarray,
    comparisons: Sequence[Comparison],
    prepared: Sequence[PreparedComparison] | None = None,
) -> pd.DataFrame:
    """Comparison levels of candidate pairs.

    Args:
        records: standardised records (see :mod:`unifyprofile.schema`); ``i``/``j`` are
            row positions into it.
        i: int64 row positions of the left records.
        j: int64 row positions of the right records.
        comparisons: the comparisons to compute.
        prepared: the result of :func:`prepare` for these records and comparisons; pass
            it when comparing many chunks of pairs so columns are factorised once.

    Returns:
        A pairs table with ``i``, ``j`` (int64) and one int8 column per comparison, named
        ``comparison.name`` (``-1`` = a side is null, ``0`` = else, higher = closer).

    Raises:
        ConfigError: when two comparisons share an output column name.
        DataError: when columns are missing, ``prepared`` does not match ``comparisons``,
            or a position is outside the records table.

    Examples:
        >>> from unifyprofile.compare import ExactMatch, NameComparison
        >>> records = pd.DataFrame({"first_name_std": ["jon", "john", None],
        ...                         "email_std": ["a@x.io", "a@x.io", "a@x.io"]})
        >>> compare(records, np.array([0, 0]), np.array([1, 2]),
        ...         [NameComparison("first_name"), ExactMatch("email")])
           i  j  first_name  email
        0  0  1           2      1
        1  0  2          -1      1
    """
    if prepared is None:
        prepared = prepare(records, comparisons)
    else:
        _check_names(comparisons)
        if len(prepared) != len(comparisons) or any(
            p.comparison != c for p, c in zip(prepared, comparisons, strict=False)
        ):
            raise DataError(
                "compare: `prepared` must be prepare(records, comparisons) for the same "
                f"comparisons in the same order ({len(prepared)} prepared, "
                f"{len(comparisons)} comparisons)"
            )
        if any(p.n_records != len(records) for p in prepared):
            raise DataError(
                f"compare: `prepared` was built for a records table of "
                f"{prepared[0].n_records} rows, these records have {len(records)}; "
                "prepare again for these records"
            )
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    levels = compare_pairs(prepared, i, j)
    columns: dict[str, np.ndarray] = {"i": i, "j": j}
    for n, c in enumerate(comparisons):
        columns[c.name] = levels[:, n]
    return pd.DataFrame(columns, copy=False)


def compare_pairs(prepared: Sequence[PreparedComparison], i: np.ndarray, j: np.ndarray,
                  progress: Callable[[str, int, int], None] | None = None) -> np.ndarray:
    """Comparison levels of the pairs ``(i, j)``: int8, one column per prepared
    comparison (the array :func:`compare` puts in a table; what every engine scores).

    Pairs are compared in chunks of :data:`CHUNK_PAIRS` so memory stays bounded;
    ``progress("compare", done, total)`` is called after each.
    """
    levels = np.empty((len(i), len(prepared)), dtype=np.int8)
    for start in range(0, len(i), CHUNK_PAIRS):
        stop = min(start + CHUNK_PAIRS, len(i))
        for n, prep in enumerate(prepared):
            levels[start:stop, n] = prep.levels(i[start:stop], j[start:stop])
        if progress:
            progress("compare", stop, len(i))
    return levels


def value_keys(records: pd.DataFrame, comparison: Comparison) -> np.ndarray:
    """The value behind ``comparison.prepare(records).value_codes``, per record.

    Two records get equal keys exactly when they get equal value codes (``None`` where
    the code is ``-1``), and a key means the same in every table, so an engine that
    prepares comparisons on parts of the records can still count term frequencies over
    all of them.

    >>> from unifyprofile.compare import ExactMatch
    >>> value_keys(pd.DataFrame({"city_std": ["paris", "paris", " ", None]}),
    ...            ExactMatch("city")).tolist()
    ['paris', 'paris', None, None]
    """
    column = _resolve(records, comparison.field, comparison.name)
    keyed = comparison.key if isinstance(comparison, (TextComparison, ReferenceComparison)) \
        else None
    return _keys(records[column], column, numeric=isinstance(comparison, NumericComparison),
                 date=isinstance(comparison, DateComparison), keyed=keyed)


def given_keys(records: pd.DataFrame, comparison: Comparison) -> np.ndarray:
    """Per record, the key of the value a name comparison's term frequency is counted
    within (``tf_given``: the surname), as :func:`value_keys` writes keys; ``None``
    where the record holds none, everywhere without ``tf_given``.

    >>> from unifyprofile.compare import NameComparison
    >>> given_keys(pd.DataFrame({"first_name_std": ["ann", "bo"],
    ...                          "last_name_std": ["lee", None]}),
    ...            NameComparison("first_name", tf_given="last_name")).tolist()
    ['lee', None]
    """
    given = getattr(comparison, "tf_given", None)
    column = std(given) if given else None
    if column is None or column not in records.columns:
        return np.full(len(records), None, dtype=object)
    return _keys(records[column], column)


def person_keys(records: pd.DataFrame) -> np.ndarray:
    """Per record, the key by which a name comparison's term frequencies count people
    (see ``Comparison.tf_counts_people``): the first of :data:`PERSON_KEYS` the record
    holds, as text that is equal exactly when the values are; ``None`` where it holds
    none.  An engine that prepares comparisons on parts of the records counts people
    over all of them with it.

    >>> person_keys(pd.DataFrame({"email_std": ["a@x.org", None, None],
    ...                           "city_std": ["paris", "paris", None]})).tolist()
    ['email_std:a@x.org', 'city_std:paris', None]
    """
    out = np.full(len(records), None, dtype=object)
    for column in PERSON_KEYS:
        if column not in records.columns:
            continue
        keys = _keys(records[column], column)
        fill = pd.isna(out) & ~pd.isna(keys)
        out[fill] = [f"{column}:{key}" for key in keys[fill]]
    return out


def _keys(values: pd.Series, column: str, *, numeric: bool = False, date: bool = False,
          keyed: Callable[[str], str | None] | None = None) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(values):
        values = values.dt.strftime("%Y-%m-%d")
    codes, uniques = k.factorize(values, column=column)
    keys = np.asarray(uniques, dtype=object)
    if numeric:
        numbers = parse_numbers(keys)
        keys = np.asarray([repr(float(x)) if np.isfinite(x) else None for x in numbers],
                          dtype=object)
    if date:
        keys = date_spellings(keys)
    if keyed is not None:
        keys = np.asarray([keyed(str(x)) for x in keys], dtype=object)
    out = np.full(len(codes), None, dtype=object)
    present = codes >= 0
    out[present] = keys[codes[present]]
    return out
