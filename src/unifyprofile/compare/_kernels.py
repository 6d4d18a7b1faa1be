"""Vectorised building blocks shared by the comparisons.

Everything here works on integer codes: a column is factorised once per table into
``codes`` (int64 per record, ``-1`` for null) and ``uniques`` (one object array of the
distinct strings).  Pair kernels gather codes with numpy, and string metrics run through
:func:`rapidfuzz.process.cpdist` only on the distinct ``(code_a, code_b)`` pairs of a chunk,
so the cost follows the number of distinct value pairs rather than the number of pairs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import process

from unifyprofile._columns import FEW, arrow_codes, few_codes
from unifyprofile.errors import DataError

Scorer = Callable[..., Any]

_WORD = re.compile(r"\w")


def _clean(value: Any) -> str | None:
    """One distinct raw value as a comparable string (``None`` when blank)."""
    text = value if isinstance(value, str) else str(value)
    return text if text.strip() else None


def factorize(values: pd.Series | np.ndarray, *, column: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Codes and uniques of a column of strings.

    ``None``, ``NaN``, ``pd.NA`` and blank strings are missing; other non-string scalars
    are compared as ``str(value)``.  Cleaning runs once per distinct value.

    Args:
        values: the column (object dtype with ``str``/``None``, or pandas string dtype).
        column: name used in error messages.

    Returns:
        ``(codes, uniques)``: int64 codes per record (``-1`` for missing) and an object
        array of the distinct non-missing strings.

    Raises:
        DataError: when the column holds unhashable values such as lists.

    >>> codes, uniques = factorize(pd.Series(["ann", None, "bob", "ann", " "]))
    >>> codes.tolist(), uniques.tolist()
    ([0, -1, 1, 0, -1], ['ann', 'bob'])
    >>> codes, uniques = factorize(pd.Series(["ann", pd.NA], dtype="string"))
    >>> codes.tolist(), uniques.tolist()
    ([0, -1], ['ann'])
    """
    few = few_codes(values)
    # A value with no letter or digit may be blank (what is blank is Arrow's or Python's
    # call, by the column's type): those take the usual path.
    if few is not None and all(_WORD.search(u) for u in few[1]):
        return few[0], np.array(few[1], dtype=object)
    encoded = arrow_codes(values) if isinstance(values, pd.Series) else None
    if encoded is not None and pa.types.is_string(encoded[1].type):
        return _without_blanks(*encoded)
    try:
        raw_codes, raw_uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError as exc:  # lists or dicts in a cell
        raise DataError(
            f"column {column!r}: expected one string or null per record, got an unhashable "
            f"value ({exc}); explode multi-valued fields before comparing"
        ) from None
    raw_codes = np.asarray(raw_codes, dtype=np.int64)
    if len(raw_uniques) == 0:
        return np.full(len(raw_codes), -1, dtype=np.int64), np.empty(0, dtype=object)
    cleaned = np.empty(len(raw_uniques), dtype=object)
    cleaned[:] = [_clean(v) for v in np.asarray(raw_uniques, dtype=object)]
    remap, uniques = pd.factorize(cleaned, use_na_sentinel=True)
    codes = np.where(raw_codes >= 0, remap[raw_codes], -1).astype(np.int64, copy=False)
    return codes, np.asarray(uniques, dtype=object)


def _without_blanks(codes: np.ndarray, dictionary: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Blank distinct strings (found in Arrow) become missing."""
    blank = pc.equal(pc.utf8_trim_whitespace(dictionary), "").to_numpy(zero_copy_only=False)
    if blank.any():
        remap = np.where(blank, -1, np.cumsum(~blank) - 1)
        codes = np.where(codes >= 0, remap[codes], -1)
        dictionary = dictionary.filter(pa.array(~blank))
    return codes, dictionary.to_numpy(zero_copy_only=False).astype(object)


def factorize_together(*columns: pd.Series | np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Factorise several string columns over one shared vocabulary (as :func:`factorize`
    does one column: codes in first-seen order over the columns one after the other).

    Needed when values of different columns are compared with each other (a first name
    against a last name for swapped names).  Arrow-backed columns are joined and encoded
    in Arrow.

    >>> (a, b), uniques = factorize_together(
    ...     np.array(["ann", "lee"], dtype=object), np.array(["lee", None], dtype=object))
    >>> a.tolist(), b.tolist(), uniques.tolist()
    ([0, 1], [1, -1], ['ann', 'lee'])
    """
    lengths = [len(c) for c in columns]
    arrow = [c.array._pa_array for c in columns  # noqa: SLF001
             if isinstance(c, pd.Series) and isinstance(c.dtype, pd.ArrowDtype)
             and pa.types.is_string(c.dtype.pyarrow_dtype)]
    if len(arrow) == len(columns) and sum(lengths) > FEW:
        joined = pd.Series(pd.arrays.ArrowExtensionArray(
            pa.chunked_array([chunk for a in arrow for chunk in a.chunks], pa.string())))
        codes, uniques = factorize(joined)
    else:
        codes, uniques = factorize(np.concatenate(
            [c.to_numpy(dtype=object) if isinstance(c, pd.Series) else c for c in columns]))
    parts = np.split(codes, np.cumsum(lengths)[:-1])
    return parts, uniques


def recode(uniques: np.ndarray, derive: Callable[[Any], Any]) -> np.ndarray:
    """Code of a value derived from each unique string (``-1`` where it is ``None``).

    Runs ``derive`` once per distinct value, never per record.

    >>> recode(np.array(["ann@x.com", "ann@y.org", "bob@x.com"], dtype=object),
    ...        lambda s: s.split("@")[0]).tolist()
    [0, 0, 1]
    """
    derived = np.empty(len(uniques), dtype=object)
    derived[:] = [derive(u) for u in uniques]
    codes, _ = pd.factorize(derived, use_na_sentinel=True)
    return codes.astype(np.int64, copy=False)


def recode_ascii(
    uniques: np.ndarray, pattern: str, replacement: str, derive: Callable[[str], str], *,
    text: pa.Array | None = None,
) -> np.ndarray:
    """:func:`recode` for a ``derive`` that is one regex replacement on ASCII text: the
    ASCII values are rewritten in Arrow, the others by ``derive`` one by one.  ``text``:
    ``uniques`` as an Arrow string array, when the caller holds one already.

    >>> recode_ascii(np.array(["a1b2", "x12", "é3"], dtype=object), "[^0-9]", "",
    ...              lambda s: "".join(c for c in s if c.isdigit())).tolist()
    [0, 0, 1]
    """
    if text is None:
        text = pa.array(uniques, pa.string())
    derived = pc.replace_substring_regex(text, pattern, replacement)
    ascii_text = pc.string_is_ascii(text).to_numpy(zero_copy_only=False)
    if not ascii_text.all():
        values = derived.to_numpy(zero_copy_only=False).astype(object)
        for k in np.flatnonzero(~ascii_text):
            values[k] = derive(uniques[k])
        derived = pa.array(values, pa.string())
    return derived.dictionary_encode().indices.fill_null(-1).to_numpy().astype(np.int64)


def gather(codes: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``codes[positions]`` for int64 arrays (a named step so profiles read well)."""
    return codes[positions]


def frequencies(codes: np.ndarray) -> np.ndarray:
    """Share of non-null records holding each record's value (``NaN`` where null).

    >>> frequencies(np.array([0, 0, 1, -1])).round(3).tolist()
    [0.667, 0.667, 0.333, nan]
    """
    out = np.full(len(codes), np.nan)
    present = codes >= 0
    total = int(present.sum())
    if total:
        counts = np.bincount(codes[present])
        out[present] = counts[codes[present]] / total
    return out


def distinct_pairs(
    a: np.ndarray, b: np.ndarray, *, symmetric: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct ``(a, b)`` code pairs and the inverse index back to every pair.

    Args:
        a: non-negative int64 codes of the left values.
        b: non-negative int64 codes of the right values.
        symmetric: the metric does not care about order, so ``(x, y)`` and ``(y, x)``
            are one pair.

    Returns:
        ``(ua, ub, inverse)`` with ``ua[inverse] == a`` and ``ub[inverse] == b`` (up to
        order when ``symmetric``).

    >>> ua, ub, inv = distinct_pairs(np.array([3, 1, 3]), np.array([1, 3, 2]))
    >>> sorted(zip(ua.tolist(), ub.tolist())), inv.tolist()
    ([(1, 3), (2, 3)], [0, 0, 1])
    """
    if symmetric:
        a, b = np.minimum(a, b), np.maximum(a, b)
    if len(a) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    width = np.int64(max(int(a.max()), int(b.max())) + 1)
    key = a * width + b
    # Hash-based factorisation: same result as np.unique(return_inverse=True) without
    # the sort, which matters for chunks of millions of pairs.
    inverse, keys = pd.factorize(key, size_hint=len(key))
    keys = np.asarray(keys, dtype=np.int64)
    return keys // width, keys % width, inverse.astype(np.int64, copy=False)


#: Distinct value pairs from which ``cpdist`` runs on all cores.
_THREADED_MIN = 2_000


def pair_scores(
    uniques: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    scorer: Scorer,
    *,
    dtype: type = np.float64,
    symmetric: bool = True,
    score_cutoff: float | None = None,
) -> np.ndarray:
    """Score of ``scorer`` for each pair of codes, computed once per distinct pair.

    Args:
        uniques: the distinct strings the codes index.
        a: left codes (non-negative).
        b: right codes (non-negative).
        scorer: a rapidfuzz scorer (similarity or distance).
        dtype: result dtype passed to ``cpdist``.
        symmetric: whether ``scorer(x, y) == scorer(y, x)``.
        score_cutoff: passed to the scorer; scores past it are reported as the scorer's
            "no match" value, which only matters when it is below the lowest threshold.

    Returns:
        One score per pair, aligned with ``a`` and ``b``.
    """
    if len(a) == 0:
        return np.empty(0, dtype=dtype)
    ua, ub, inverse = distinct_pairs(a, b, symmetric=symmetric)
    scores = process.cpdist(
        uniques[ua],
        uniques[ub],
        scorer=scorer,
        score_cutoff=score_cutoff,
        dtype=dtype,
        # Threads pay off on big chunks; on a handful of values (the store resolving one
        # record) starting them costs more than the comparisons.
        workers=-1 if len(ua) >= _THREADED_MIN else 1,
    ).reshape(-1)
    return scores[inverse]


def per_pair(
    a: np.ndarray, b: np.ndarray, func: Callable[[np.ndarray, np.ndarray], np.ndarray]
) -> np.ndarray:
    """Apply a vectorised ``func(ua, ub)`` to the distinct pairs and map it back."""
    if len(a) == 0:
        return func(a, b)
    ua, ub, inverse = distinct_pairs(a, b)
    return func(ua, ub)[inverse]
