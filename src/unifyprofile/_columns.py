"""Codes and orders of string columns, computed in Arrow; set operations on integer keys.

Sorting or hashing a million Python strings (``np.argsort`` on objects,
``pd.factorize``) costs seconds; Arrow does the same in a fraction of it, and text
columns are Arrow-backed already (:data:`~unifyprofile.schema.TEXT`).

Pairs and (code, code) combinations are packed into int64 keys. ``np.unique`` and
``np.isin`` hash such keys since numpy 2.3, which on millions of wide-range keys is ten
times slower than sorting them; :func:`unique_ints` and :func:`isin_ints` sort.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["FEW", "arrow_codes", "dense_rank", "few_codes", "isin_ints", "order_of",
           "unique_ints"]


def arrow_codes(values: pd.Series) -> tuple[np.ndarray, pa.Array] | None:
    """Codes (-1 for null) and distinct values of an Arrow-backed column, dictionary-encoded
    in Arrow (first-seen order, like ``pd.factorize``); None for any other column.

    Examples:
        >>> from unifyprofile.schema import TEXT
        >>> codes, uniques = arrow_codes(pd.Series(["b", None, "a", "b"], dtype=TEXT))
        >>> codes.tolist(), uniques.to_pylist()
        ([0, -1, 1, 0], ['b', 'a'])
    """
    if not isinstance(values.dtype, pd.ArrowDtype):
        return None
    encoded = values.array._pa_array.combine_chunks().dictionary_encode()  # noqa: SLF001
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, encoded.dictionary


#: Up to this many values, :func:`few_codes` factorises in Python: a record resolved
#: against a store and its few candidates, where each pandas or Arrow call costs more
#: than the work.
FEW = 64


def few_codes(values: Any) -> tuple[np.ndarray, list[str]] | None:
    """Codes (-1 for null) and distinct values, in first-seen order, of at most
    :data:`FEW` values that are all strings or null (None, NaN, ``pd.NA``): what
    ``pd.factorize`` and :func:`arrow_codes` give such values, without their per-call
    cost.  None for more values or any other value (the caller takes its usual path).

    Examples:
        >>> codes, uniques = few_codes(pd.Series(["b", None, "a", "b"]))
        >>> codes.tolist(), uniques
        ([0, -1, 1, 0], ['b', 'a'])
        >>> few_codes(pd.Series([1, 2])) is None
        True
    """
    if len(values) > FEW:
        return None
    seen: dict[str, int] = {}
    codes = np.empty(len(values), dtype=np.int64)
    for n, v in enumerate(values.tolist() if hasattr(values, "tolist") else values):
        if v.__class__ is str:
            codes[n] = seen.setdefault(v, len(seen))
        elif v is None or v is pd.NA or (v.__class__ is float and v != v):
            codes[n] = -1
        else:
            return None
    return codes, list(seen)


def dense_rank(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """Codes of ``values`` in sorted order of the distinct values, and those values.

    Like ``pd.factorize(values, sort=True)`` for non-null values of one type.

    Examples:
        >>> codes, uniques = dense_rank(np.array(["b", "a", "b"], dtype=object))
        >>> codes.tolist(), uniques.tolist()
        ([1, 0, 1], ['a', 'b'])
    """
    array = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values
    try:
        arrow = pa.array(array)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types: pandas compares objects
        codes, uniques = pd.factorize(array, sort=True)
        return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)
    ranks = pc.rank(arrow, sort_keys="ascending", tiebreaker="dense")
    codes = ranks.to_numpy().astype(np.int64) - 1
    uniques = np.empty(int(codes.max()) + 1 if len(codes) else 0, dtype=object)
    uniques[codes] = array
    return codes, uniques


def order_of(values: Any) -> np.ndarray:
    """The permutation that sorts ``values`` (stable), like ``np.argsort(kind="stable")``."""
    array = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values
    try:
        arrow = pa.array(array)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types: numpy compares objects
        return np.argsort(np.asarray(array, dtype=str), kind="stable")
    return pc.sort_indices(arrow).to_numpy().astype(np.int64)


def unique_ints(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of an integer array, like ``np.unique(values)``.

    Examples:
        >>> unique_ints(np.array([5, 1, 5, 3])).tolist()
        [1, 3, 5]
    """
    ordered = np.sort(np.asarray(values).ravel())
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def isin_ints(values: np.ndarray, test: np.ndarray) -> np.ndarray:
    """For each value of an integer array, whether it is in ``test``, like ``np.isin``.

    Examples:
        >>> isin_ints(np.array([4, 1, 7]), np.array([7, 2, 4, 4])).tolist()
        [True, False, True]
    """
    values = np.asarray(values)
    table = unique_ints(test)
    if not len(table):
        return np.zeros(values.shape, dtype=bool)
    at = np.minimum(np.searchsorted(table, values), len(table) - 1)
    return table[at] == values
