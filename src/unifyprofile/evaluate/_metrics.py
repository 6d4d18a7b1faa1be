"""Pair and cluster metrics against ground truth.

Conventions shared by every function here:

- A ratio with a zero denominator is ``0.0`` (scikit-learn's ``zero_division=0``): no
  predicted pairs gives precision 0, no true pairs gives recall 0, and F1 is 0 whenever
  precision + recall is 0.
- Cluster labels are Series ``record_id -> label``.  Scores are computed over the union
  of both indexes; a record absent from one side, or with a null label, is a singleton.
- Pair tables have ``record_id_l`` and ``record_id_r``.  Pairs are unordered (``(a, b)``
  is ``(b, a)``) unless ``link=True``, where the left id always comes from the left
  table; self pairs and duplicates are ignored.
- Nothing enumerates pairs implied by clusters except :func:`true_pairs` (asked for
  explicitly); cluster metrics come from the contingency table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from unifyprofile._columns import isin_ints, unique_ints
from unifyprofile.errors import DataError

__all__ = [
    "Scores",
    "blocking_recall",
    "bcubed",
    "cluster_pair_scores",
    "labelled_pair_scores",
    "link_truth_clusters",
    "pair_scores",
    "threshold_sweep",
    "true_pairs",
]

PAIR_COLUMNS = ("record_id_l", "record_id_r")
SIDES = ("left", "right")


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 with the counts they come from.

    Args:
        precision: ``tp / (tp + fp)``, 0.0 when nothing is predicted.
        recall: ``tp / (tp + fn)``, 0.0 when nothing is true.
        f1: harmonic mean of precision and recall, 0.0 when both are 0.
        tp: true positives (pairs); None for B-cubed, which averages over records.
        fp: false positives; None for B-cubed.
        fn: false negatives; None for B-cubed.

    Examples:
        >>> s = Scores.from_counts(tp=3, fp=1, fn=3)
        >>> s.as_dict()
        {'precision': 0.75, 'recall': 0.5, 'f1': 0.6, 'tp': 3, 'fp': 1, 'fn': 3}
        >>> Scores.from_counts(0, 0, 0).f1
        0.0
    """

    precision: float
    recall: float
    f1: float
    tp: int | None = None
    fp: int | None = None
    fn: int | None = None

    @classmethod
    def from_counts(cls, tp: int, fp: int, fn: int) -> Scores:
        """Scores from pair counts, with 0.0 for an undefined ratio."""
        tp, fp, fn = int(tp), int(fp), int(fn)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        return cls(precision, recall, _f1(precision, recall), tp, fp, fn)

    def as_dict(self) -> dict[str, float | int | None]:
        """The scores as a plain dict (for reports and JSON)."""
        return asdict(self)


def _f1(precision: float, recall: float) -> float:
    total = precision + recall
    return 2 * precision * recall / total if total > 0 else 0.0


def _choose2(n: np.ndarray) -> int:
    n = n.astype(np.int64)
    return int((n * (n - 1) // 2).sum())


def _labels(series: pd.Series, name: str) -> pd.Series:
    if not isinstance(series, pd.Series):
        raise DataError(f"{name} must be a pandas Series record_id -> label (got {type(series)})")
    if not series.index.is_unique:
        dup = series.index[series.index.duplicated()].unique()[:5].tolist()
        raise DataError(f"{name} has duplicate record_ids in its index, e.g. {dup}")
    return series


def _contingency(predicted: pd.Series, truth: pd.Series) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Union of record_ids, and predicted / true cluster codes with singletons filled in."""
    predicted = _labels(predicted, "predicted")
    truth = _labels(truth, "truth")
    ids = predicted.index.union(truth.index, sort=False)
    every = np.arange(len(ids))
    codes = [cluster_codes(len(ids), every, series.reindex(ids).to_numpy())
             for series in (predicted, truth)]
    return ids, codes[0], codes[1]


def cluster_codes(n: int, at: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Cluster codes of ``n`` positions from ``labels`` given at positions ``at``; a
    position without a label, or with a null one, is a cluster of its own.

    Examples:
        >>> cluster_codes(4, np.array([0, 1, 3]), np.array(["a", "a", None])).tolist()
        [0, 0, 1, 2]
    """
    codes = np.full(n, -1, dtype=np.int64)
    codes[at] = pd.factorize(labels, use_na_sentinel=True)[0]
    lonely = codes < 0
    codes[lonely] = codes.max(initial=-1) + 1 + np.arange(int(lonely.sum()))
    return codes


def _cell_codes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return pd.factorize(a * (int(b.max(initial=0)) + 1) + b)[0]


def cluster_pair_scores(
    predicted: pd.Series, truth: pd.Series, sides: pd.Series | None = None
) -> Scores:
    """Pairwise precision / recall / F1 of a clustering, from its contingency table.

    A pair counts as predicted when both records share a predicted cluster and as true
    when they share a true cluster.  With ``n_ij`` records in predicted cluster ``i`` and
    true cluster ``j``: ``tp = Σ C(n_ij, 2)``, predicted pairs ``Σ C(n_i, 2)``, true pairs
    ``Σ C(n_j, 2)``; no pair is ever enumerated.

    Args:
        predicted: record_id (index) -> predicted cluster (e.g. ``entity_id``).
        truth: record_id (index) -> true cluster.
        sides: for a link task, record_id -> ``"left"`` / ``"right"``; then only pairs
            with one record from each side count (``tp = Σ l_ij · r_ij``).

    Returns:
        The scores; records absent from one Series are singletons there.

    Raises:
        DataError: for duplicate record_ids, or ``sides`` that misses a record or holds
            another value than ``"left"`` / ``"right"``.

    Examples:
        >>> predicted = pd.Series({"a": 1, "b": 1, "c": 1, "d": 2})
        >>> truth = pd.Series({"a": "x", "b": "x", "c": "y", "d": "y"})
        >>> cluster_pair_scores(predicted, truth).as_dict()
        {'precision': 0.3333333333333333, 'recall': 0.5, 'f1': 0.4, 'tp': 1, 'fp': 2, 'fn': 1}
        >>> sides = pd.Series({"a": "left", "b": "right", "c": "right", "d": "left"})
        >>> cluster_pair_scores(predicted, truth, sides).as_dict()
        {'precision': 0.5, 'recall': 0.5, 'f1': 0.5, 'tp': 1, 'fp': 1, 'fn': 1}
    """
    ids, p, t = _contingency(predicted, truth)
    if sides is None:
        cell = _cell_codes(p, t)
        tp = _choose2(np.bincount(cell))
        n_pred = _choose2(np.bincount(p))
        n_true = _choose2(np.bincount(t))
        return Scores.from_counts(tp, n_pred - tp, n_true - tp)
    left = _left_mask(sides, ids)
    cell = _cell_codes(p, t)

    def cross(code: np.ndarray) -> int:
        n_left = np.bincount(code[left], minlength=code.max(initial=-1) + 1)
        n_right = np.bincount(code[~left], minlength=code.max(initial=-1) + 1)
        return int((n_left.astype(np.int64) * n_right).sum())

    tp, n_pred, n_true = cross(cell), cross(p), cross(t)
    return Scores.from_counts(tp, n_pred - tp, n_true - tp)


def _left_mask(sides: pd.Series, ids: pd.Index) -> np.ndarray:
    sides = _labels(sides, "sides")
    aligned = sides.reindex(ids)
    missing = aligned.isna()
    if missing.any():
        lost = ids[missing.to_numpy()][:5].tolist()
        raise DataError(
            f"sides has no 'left'/'right' for {int(missing.sum())} record(s), e.g. {lost}; "
            "give every scored record its side"
        )
    bad = ~aligned.isin(SIDES)
    if bad.any():
        raise DataError(
            f"sides must hold 'left' or 'right' (got {sorted(map(str, aligned[bad].unique()))[:5]})"
        )
    return (aligned == "left").to_numpy()


def bcubed(predicted: pd.Series, truth: pd.Series) -> Scores:
    """B-cubed precision / recall / F1 (averaged over records).

    For a record in predicted cluster ``i`` and true cluster ``j``, precision is
    ``n_ij / n_i`` and recall ``n_ij / n_j``; the scores are their means over all
    records, computed per contingency cell (``Σ n_ij² / n_i / N``).  The count fields of
    the result are None.

    Args:
        predicted: record_id (index) -> predicted cluster.
        truth: record_id (index) -> true cluster.

    Returns:
        The scores over the union of both indexes (absent records are singletons); all
        0.0 when there are no records.

    Examples:
        >>> predicted = pd.Series({"a": 1, "b": 1, "c": 2})
        >>> truth = pd.Series({"a": 1, "b": 2, "c": 2})
        >>> s = bcubed(predicted, truth)
        >>> round(s.precision, 4), round(s.recall, 4), s.tp
        (0.6667, 0.6667, None)
    """
    ids, p, t = _contingency(predicted, truth)
    if len(ids) == 0:
        return Scores(0.0, 0.0, 0.0)
    cell = _cell_codes(p, t)
    n_cell = np.bincount(cell).astype(np.float64)
    first = np.unique(cell, return_index=True)[1]  # a record of each cell: its i and j
    n_pred = np.bincount(p).astype(np.float64)[p[first]]
    n_true = np.bincount(t).astype(np.float64)[t[first]]
    n_cell = n_cell[cell[first]]
    precision = float((n_cell**2 / n_pred).sum() / len(ids))
    recall = float((n_cell**2 / n_true).sum() / len(ids))
    return Scores(precision, recall, _f1(precision, recall))


# ---------------------------------------------------------------------------------------
# pairs


def _pair_frame(pairs: pd.DataFrame, name: str, extra: Sequence[str] = ()) -> pd.DataFrame:
    if not isinstance(pairs, pd.DataFrame):
        raise DataError(f"{name} must be a DataFrame (got {type(pairs).__name__})")
    missing = [c for c in (*PAIR_COLUMNS, *extra) if c not in pairs.columns]
    if missing:
        raise DataError(f"{name} is missing column(s) {missing}; it has {list(pairs.columns)}")
    if pairs[list(PAIR_COLUMNS)].isna().any().any():
        raise DataError(f"{name} has null record_id_l / record_id_r values")
    return pairs


class _PairCoder:
    """Integer keys for pairs of record_ids, shared by every table of one call."""

    def __init__(self, tables: Iterable[pd.DataFrame], link: bool) -> None:
        ids = [t[c].astype(str).to_numpy() for t in tables for c in PAIR_COLUMNS]
        self.index = pd.Index(pd.unique(np.concatenate(ids) if ids else np.array([], str)))
        self.width = np.int64(len(self.index) + 1)
        self.link = link

    def keys(self, pairs: pd.DataFrame) -> np.ndarray:
        """One int64 per pair, row by row (``-1`` for a self pair)."""
        left = self.index.get_indexer(pairs[PAIR_COLUMNS[0]].astype(str)).astype(np.int64)
        right = self.index.get_indexer(pairs[PAIR_COLUMNS[1]].astype(str)).astype(np.int64)
        if not self.link:
            left, right = np.minimum(left, right), np.maximum(left, right)
        return np.where(left == right, -1, left * self.width + right)

    def unique_keys(self, pairs: pd.DataFrame) -> np.ndarray:
        keys = unique_ints(self.keys(pairs))
        return keys[keys >= 0]


def pair_scores(
    predicted_pairs: pd.DataFrame, true_pairs: pd.DataFrame, *, link: bool = False
) -> Scores:
    """Precision / recall / F1 of a set of predicted pairs against the true pairs.

    Args:
        predicted_pairs: ``record_id_l``, ``record_id_r`` (other columns are ignored).
        true_pairs: ``record_id_l``, ``record_id_r``.
        link: pairs are ordered (left table, right table) instead of unordered.

    Returns:
        The scores; duplicates and self pairs are ignored.

    Examples:
        >>> predicted = pd.DataFrame({"record_id_l": ["a", "c", "b"],
        ...                           "record_id_r": ["b", "a", "a"]})
        >>> truth = pd.DataFrame({"record_id_l": ["a", "b"], "record_id_r": ["b", "d"]})
        >>> pair_scores(predicted, truth).as_dict()
        {'precision': 0.5, 'recall': 0.5, 'f1': 0.5, 'tp': 1, 'fp': 1, 'fn': 1}
    """
    predicted_pairs = _pair_frame(predicted_pairs, "predicted_pairs")
    true_pairs = _pair_frame(true_pairs, "true_pairs")
    coder = _PairCoder((predicted_pairs, true_pairs), link)
    return pair_key_scores(coder.keys(predicted_pairs), coder.keys(true_pairs))


def true_pairs(truth: pd.Series) -> pd.DataFrame:
    """Every pair of records that share a true cluster.

    Pairs are enumerated here on purpose (for blocking recall and pair metrics); the
    cluster metrics never do.  The number of rows is ``Σ C(n_j, 2)``, which can be large
    for big clusters.

    Args:
        truth: record_id (index) -> true cluster; null labels are singletons.

    Returns:
        ``record_id_l`` < ``record_id_r`` (as strings), sorted.

    Examples:
        >>> true_pairs(pd.Series({"c": 1, "a": 1, "b": 1, "d": 2}))
          record_id_l record_id_r
        0           a           b
        1           a           c
        2           b           c
    """
    truth = _labels(truth, "truth").dropna()
    frame = pd.DataFrame(
        {"id": truth.index.astype(str), "cluster": pd.factorize(truth)[0]}
    ).sort_values(["cluster", "id"], kind="stable", ignore_index=True)
    ids = frame["id"].to_numpy(dtype=object)
    left, right = pairs_within(frame["cluster"].to_numpy())
    result = pd.DataFrame({PAIR_COLUMNS[0]: ids[left], PAIR_COLUMNS[1]: ids[right]})
    return result.sort_values(list(PAIR_COLUMNS), ignore_index=True)


def pairs_within(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every two positions that share a code (``-1`` is no cluster), as positions
    ``(a, b)`` with ``a`` before ``b``.

    Examples:
        >>> a, b = pairs_within(np.array([1, 0, 1, -1, 1]))
        >>> list(zip(a.tolist(), b.tolist()))
        [(0, 2), (0, 4), (2, 4)]
    """
    codes = np.asarray(codes)
    keep = np.flatnonzero(codes >= 0)
    order = keep[np.argsort(codes[keep], kind="stable")]
    cluster = codes[order]
    starts = np.flatnonzero(np.r_[True, cluster[1:] != cluster[:-1]]) if len(cluster) else (
        np.zeros(0, dtype=np.int64))
    size = np.diff(np.r_[starts, len(cluster)]).astype(np.int64)
    end = np.repeat(np.asarray(starts, dtype=np.int64) + size, size)  # one past each cluster
    position = np.arange(len(cluster), dtype=np.int64)
    partners = end - position - 1  # later records of the same cluster
    left = np.repeat(position, partners)
    offset = np.arange(len(left), dtype=np.int64) - np.repeat(
        np.cumsum(partners) - partners, partners
    )
    return order[left], order[left + 1 + offset]


def pair_keys(i: np.ndarray, j: np.ndarray, n: int) -> np.ndarray:
    """One int64 per unordered pair of positions below ``n`` (``-1`` for a self pair)."""
    i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    return np.where(lo == hi, -1, lo * np.int64(n) + hi)


def pair_key_scores(predicted: np.ndarray, true: np.ndarray) -> Scores:
    """Scores of predicted against true pair keys (see :func:`pair_keys`); duplicates
    and self pairs (``-1``) are ignored."""
    predicted, true = unique_ints(predicted), unique_ints(true)
    predicted, true = predicted[predicted >= 0], true[true >= 0]
    tp = len(np.intersect1d(predicted, true, assume_unique=True))
    return Scores.from_counts(tp, len(predicted) - tp, len(true) - tp)


def blocking_recall(
    candidate_pairs: pd.DataFrame, true_pairs: pd.DataFrame, *, link: bool = False
) -> float:
    """Share of the true pairs that blocking kept as candidates.

    Args:
        candidate_pairs: ``record_id_l``, ``record_id_r`` of the candidate pairs.
        true_pairs: ``record_id_l``, ``record_id_r`` (e.g. from :func:`true_pairs`).
        link: pairs are ordered (left, right) instead of unordered.

    Returns:
        Recall in [0, 1]; 0.0 when there are no true pairs.

    Examples:
        >>> candidates = pd.DataFrame({"record_id_l": ["b", "a"], "record_id_r": ["a", "c"]})
        >>> truth = pd.DataFrame({"record_id_l": ["a", "c"], "record_id_r": ["b", "d"]})
        >>> blocking_recall(candidates, truth)
        0.5
    """
    return pair_scores(candidate_pairs, true_pairs, link=link).recall


def threshold_sweep(
    scored_pairs: pd.DataFrame,
    true_pairs: pd.DataFrame,
    thresholds: Sequence[float] | np.ndarray | None = None,
    *,
    link: bool = False,
) -> pd.DataFrame:
    """Pairwise scores of the scored pairs at each match-probability threshold.

    A pair is predicted a match at threshold ``t`` when ``match_probability >= t``.
    Recall is relative to *all* true pairs, so true pairs that blocking never scored
    cap it.  One sort and cumulative sums serve every threshold.

    Args:
        scored_pairs: ``record_id_l``, ``record_id_r``, ``match_probability``; a pair
            scored twice keeps its highest probability.
        true_pairs: ``record_id_l``, ``record_id_r``.
        thresholds: the thresholds; default 0.00, 0.01, ..., 1.00.
        link: pairs are ordered (left, right) instead of unordered.

    Returns:
        ``threshold``, ``precision``, ``recall``, ``f1``, ``predicted`` (pairs at or above
        the threshold), one row per threshold in the given order.

    Examples:
        >>> scored = pd.DataFrame({"record_id_l": ["a", "a", "b"],
        ...                        "record_id_r": ["b", "c", "c"],
        ...                        "match_probability": [0.9, 0.6, 0.2]})
        >>> truth = pd.DataFrame({"record_id_l": ["a", "c"], "record_id_r": ["b", "d"]})
        >>> threshold_sweep(scored, truth, [0.5, 0.95])
           threshold  precision  recall   f1  predicted
        0       0.50        0.5     0.5  0.5          2
        1       0.95        0.0     0.0  0.0          0
    """
    scored_pairs = _pair_frame(scored_pairs, "scored_pairs", ("match_probability",))
    true_pairs = _pair_frame(true_pairs, "true_pairs")
    coder = _PairCoder((scored_pairs, true_pairs), link)
    probability = pd.to_numeric(scored_pairs["match_probability"], errors="coerce").to_numpy(
        dtype=np.float64
    )
    if np.isnan(probability).any():
        raise DataError("scored_pairs.match_probability must hold numbers, without nulls")
    keys = coder.keys(scored_pairs)
    valid = keys >= 0
    best = (
        pd.Series(probability[valid]).groupby(keys[valid], sort=True).max()
        if valid.any()
        else pd.Series(dtype=np.float64)
    )
    true = coder.unique_keys(true_pairs)
    is_true = isin_ints(best.index.to_numpy(dtype=np.int64), true)
    order = np.argsort(best.to_numpy(), kind="stable")
    ascending = best.to_numpy()[order]
    true_before = np.r_[0, np.cumsum(is_true[order])]
    if thresholds is None:
        thresholds = np.round(np.linspace(0.0, 1.0, 101), 2)
    t = np.asarray(thresholds, dtype=np.float64)
    below = np.searchsorted(ascending, t, side="left")
    predicted = len(ascending) - below
    tp = true_before[-1] - true_before[below]
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted > 0, tp / np.maximum(predicted, 1), 0.0)
        recall = tp / len(true) if len(true) else np.zeros(len(t))
        total = precision + recall
        f1 = np.where(total > 0, 2 * precision * recall / np.where(total > 0, total, 1), 0.0)
    return pd.DataFrame(
        {
            "threshold": t,
            "precision": precision.astype(np.float64),
            "recall": np.asarray(recall, dtype=np.float64),
            "f1": f1.astype(np.float64),
            "predicted": predicted.astype(np.int64),
        }
    )


_TRUE_WORDS = {"true", "t", "yes", "y", "1", "match"}
_FALSE_WORDS = {"false", "f", "no", "n", "0", "non-match", "nonmatch"}


def _as_bool(values: pd.Series, name: str) -> np.ndarray:
    if pd.api.types.is_bool_dtype(values.dtype) and not values.isna().any():
        return values.to_numpy(dtype=bool)
    text = values.astype(str).str.strip().str.lower()
    is_true, is_false = text.isin(_TRUE_WORDS), text.isin(_FALSE_WORDS)
    bad = ~(is_true | is_false)
    if bad.any():
        raise DataError(
            f"{name} must hold true/false (or 1/0) for every pair "
            f"(got {sorted(values[bad].astype(str).unique())[:5]})"
        )
    return is_true.to_numpy()


def labelled_pair_scores(
    scored_pairs: pd.DataFrame,
    labels: pd.DataFrame,
    threshold: float,
    *,
    link: bool = False,
) -> Scores:
    """Scores on a user's own labelled pairs: only the labelled pairs are judged.

    A labelled pair is predicted a match when it was scored with
    ``match_probability >= threshold``; a labelled pair that was never scored (blocking
    dropped it) is predicted a non-match.

    Args:
        scored_pairs: ``record_id_l``, ``record_id_r``, ``match_probability``.
        labels: ``record_id_l``, ``record_id_r``, ``is_match`` (bool, 1/0 or
            ``"true"``/``"false"``).
        threshold: the match-probability threshold.
        link: pairs are ordered (left, right) instead of unordered.

    Returns:
        The scores over the labelled pairs.

    Raises:
        DataError: if a pair is labelled both a match and a non-match.

    Examples:
        >>> scored = pd.DataFrame({"record_id_l": ["a", "a"], "record_id_r": ["b", "c"],
        ...                        "match_probability": [0.9, 0.8]})
        >>> labels = pd.DataFrame({"record_id_l": ["b", "a", "c"],
        ...                        "record_id_r": ["a", "c", "d"],
        ...                        "is_match": [True, False, True]})
        >>> labelled_pair_scores(scored, labels, 0.5).as_dict()
        {'precision': 0.5, 'recall': 0.5, 'f1': 0.5, 'tp': 1, 'fp': 1, 'fn': 1}
    """
    scored_pairs = _pair_frame(scored_pairs, "scored_pairs", ("match_probability",))
    labels = _pair_frame(labels, "labels", ("is_match",))
    coder = _PairCoder((scored_pairs, labels), link)
    label = pd.Series(_as_bool(labels["is_match"], "labels.is_match"), index=coder.keys(labels))
    label = label[label.index >= 0]
    per_pair = label.groupby(level=0).agg(["min", "max"])
    conflict = per_pair["min"] != per_pair["max"]
    if conflict.any():
        raise DataError(
            f"labels mark {int(conflict.sum())} pair(s) both as a match and as a non-match; "
            "keep one label per pair"
        )
    is_match = per_pair["max"].to_numpy(dtype=bool)
    probability = pd.to_numeric(scored_pairs["match_probability"], errors="coerce")
    hit_keys = coder.keys(scored_pairs)[(probability >= threshold).to_numpy()]
    predicted = isin_ints(per_pair.index.to_numpy(dtype=np.int64), hit_keys)
    tp = int((predicted & is_match).sum())
    fp = int((predicted & ~is_match).sum())
    fn = int((~predicted & is_match).sum())
    return Scores.from_counts(tp, fp, fn)


def link_truth_clusters(
    left_ids: Iterable[str], right_ids: Iterable[str], truth_pairs: pd.DataFrame
) -> pd.Series:
    """Turn link truth pairs into clusters, so cluster metrics work for a link task.

    Clusters are the connected components of the truth pairs (so a 1:n or chained truth
    gives one cluster); unmatched records are singletons.

    Args:
        left_ids: record_ids of the left table.
        right_ids: record_ids of the right table (none may also be a left id).
        truth_pairs: ``left_id``, ``right_id``.

    Returns:
        record_id -> cluster number, left ids first, then right ids.

    Raises:
        DataError: if an id is on both sides, or a truth pair names an unknown id.

    Examples:
        >>> truth = pd.DataFrame({"left_id": ["a1", "a2"], "right_id": ["b1", "b1"]})
        >>> link_truth_clusters(["a1", "a2", "a3"], ["b1", "b2"], truth).tolist()
        [0, 0, 1, 0, 2]
    """
    left = pd.Index(pd.Series(list(left_ids), dtype=object).astype(str))
    right = pd.Index(pd.Series(list(right_ids), dtype=object).astype(str))
    for name, ids in (("left_ids", left), ("right_ids", right)):
        if not ids.is_unique:
            raise DataError(f"{name} has duplicates, e.g. {ids[ids.duplicated()][:5].tolist()}")
    both = left.intersection(right)
    if len(both):
        raise DataError(
            f"{len(both)} record_id(s) are both left and right ids, e.g. {both[:5].tolist()}; "
            "prefix them (e.g. 'left:' / 'right:') so that every id is unique"
        )
    missing = [c for c in ("left_id", "right_id") if c not in truth_pairs.columns]
    if missing:
        raise DataError(
            f"truth_pairs is missing column(s) {missing}; it has {list(truth_pairs.columns)}"
        )
    i = left.get_indexer(truth_pairs["left_id"].astype(str))
    j = right.get_indexer(truth_pairs["right_id"].astype(str))
    for side, codes, column in (("left", i, "left_id"), ("right", j, "right_id")):
        if (codes < 0).any():
            lost = truth_pairs[column][codes < 0].head(5).tolist()
            raise DataError(f"truth_pairs.{column} names ids that are not {side} ids: {lost}")
    n = len(left) + len(right)
    graph = coo_matrix((np.ones(len(i)), (i, j + len(left))), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    # Number clusters by first appearance so that labels do not depend on scipy's order.
    labels = pd.factorize(labels)[0]
    return pd.Series(labels, index=left.append(right).rename("record_id"), name="cluster_id")
