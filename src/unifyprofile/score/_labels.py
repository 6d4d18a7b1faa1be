"""Pairs a person labelled (``unifyprofile review`` writes them to label; ``run --labels``
reads them back): what they teach the model.

A labelled match counts as an observation of each comparison's level among matches, so
``m`` becomes a Beta/Dirichlet posterior mean with EM's ``m`` as the prior::

    m[level] = (labelled matches at level + PSEUDO_COUNT * m_em[level])
               / (labelled matches holding the field + PSEUDO_COUNT)

With few labels EM's estimate dominates; with many, the labels do.  ``u`` (what
strangers share) stays EM's: random pairs estimate it better than a few hundred labelled
non-matches can.

The threshold becomes the one that maximises F1 over every candidate pair, a labelled
pair counting as its label and any other as its probability, chosen only inside the
*labelled zone*: the pairs nearest the threshold, every one of them labelled (what
``review`` asks first), when it holds :data:`MIN_EACH` labels of each kind.  Outside
it only the model's probability would speak, and the threshold a config (or
zero-config) chose is also a judgement on how calibrated those probabilities are; F1 on
the labelled pairs alone would favour what is best for the uncertain pairs only.
Finally a pair labelled different is
never put in one entity (a cannot-link constraint: clustering's ``apart`` pairs).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from unifyprofile.errors import SourceError
from unifyprofile.score._fellegi_sunter import FellegiSunter, monotone_m

__all__ = ["LABEL_COLUMNS", "MIN_EACH", "PSEUDO_COUNT", "Labels", "best_threshold",
           "blend_m", "read_labels"]

#: The columns a labels file must have (others, such as the values `review` shows, are
#: ignored).
LABEL_COLUMNS = ("record_id_l", "record_id_r", "is_match")
#: How many pairs EM's ``m`` counts for, against the labelled matches.
PSEUDO_COUNT = 20.0
#: Labels of each kind (match, non-match) needed before the threshold is chosen on them.
MIN_EACH = 10

_TRUE = {"1", "true", "yes", "y", "match", "t"}
_FALSE = {"0", "false", "no", "n", "non-match", "nonmatch", "f"}


@dataclass(frozen=True)
class Labels:
    """Labelled pairs: ``record_id_l``, ``record_id_r``, ``is_match`` (bool) and ``row``
    (the line of the file, for messages), read from ``where``."""

    pairs: pd.DataFrame
    where: str

    def __repr__(self) -> str:
        matches = int(self.pairs["is_match"].sum())
        return (f"Labels({self.where!r}, matches={matches}, "
                f"non_matches={len(self.pairs) - matches})")

    @property
    def matches(self) -> pd.DataFrame:
        """The pairs labelled one person."""
        return self.pairs[self.pairs["is_match"]]

    @property
    def non_matches(self) -> pd.DataFrame:
        """The pairs labelled two people."""
        return self.pairs[~self.pairs["is_match"]]

    def positions(self, record_ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """Row positions in ``record_ids`` of each labelled pair's two records.

        Raises:
            SourceError: a label names a record that is not in the data.
        """
        index = pd.Index(record_ids.astype(str))
        out = []
        for column in ("record_id_l", "record_id_r"):
            at = index.get_indexer(self.pairs[column])
            if (at < 0).any():
                k = int(np.flatnonzero(at < 0)[0])
                row = self.pairs.iloc[k]
                raise SourceError(
                    f"{self.where}: row {row['row']}, column {column}: no record "
                    f"{row[column]!r} in the data ({int((at < 0).sum())} label(s) name "
                    "unknown records); record ids look like '<source>:<source id>' as in "
                    "the review file; label pairs of this config's records")
            out.append(at.astype(np.int64))
        return out[0], out[1]


def read_labels(labels: str | Path | pd.DataFrame | Labels) -> Labels:
    """Labelled pairs from a CSV file (``review``'s output with ``is_match`` filled in)
    or a table.  Rows with an empty ``is_match`` are not labelled yet and are skipped.

    Raises:
        SourceError: the file cannot be read, lacks a column, or holds an ``is_match``
            that is neither yes nor no; the message names the file, row and column.

    Examples:
        >>> table = pd.DataFrame({"record_id_l": ["crm:1", "crm:1", "crm:2"],
        ...                       "record_id_r": ["crm:2", "crm:3", "crm:3"],
        ...                       "is_match": ["1", "no", None]})
        >>> read_labels(table)
        Labels('labels', matches=1, non_matches=1)
        >>> read_labels(table.assign(is_match=["maybe", "1", "0"]))
        Traceback (most recent call last):
        ...
        unifyprofile.errors.SourceError: labels: row 2, column is_match: 'maybe' is neither \
a match (1, true, yes) nor a non-match (0, false, no); write one of those or leave it empty
    """
    if isinstance(labels, Labels):
        return labels
    if isinstance(labels, pd.DataFrame):
        table, where = labels.astype(object), "labels"
    else:
        path = Path(labels)
        where = str(path)
        if not path.is_file():
            raise SourceError(f"{where}: no such file; give the CSV `unifyprofile review` "
                              "wrote, with its is_match column filled in")
        try:
            table = pd.read_csv(path, dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            raise SourceError(f"{where}: not a readable CSV file ({exc}); give the CSV "
                              "`unifyprofile review` wrote") from None
    missing = [c for c in LABEL_COLUMNS if c not in table.columns]
    if missing:
        raise SourceError(f"{where}: no column {', '.join(missing)} (columns: "
                          f"{', '.join(map(str, table.columns))}); a labels file has "
                          f"{', '.join(LABEL_COLUMNS)}, as `unifyprofile review` writes")
    # Line numbers as a spreadsheet shows them: the header is row 1.
    table = table.assign(row=np.arange(2, len(table) + 2))
    answer = table["is_match"].map(lambda v: "" if v is None or (
        isinstance(v, float) and np.isnan(v)) else str(v).strip().lower())
    table = table[answer != ""]
    answer = answer[answer != ""]
    if not len(table):
        raise SourceError(f"{where}: no row has is_match filled in; write 1 (one person) or "
                          "0 (two people) in the is_match column of the pairs you checked")
    bad = ~answer.isin(_TRUE | _FALSE)
    if bad.any():
        row = table[bad].iloc[0]
        raise SourceError(f"{where}: row {row['row']}, column is_match: "
                          f"{row['is_match']!r} is neither a match (1, true, yes) nor a "
                          "non-match (0, false, no); write one of those or leave it empty")
    for column in ("record_id_l", "record_id_r"):
        empty = table[column].map(lambda v: v is None or str(v).strip() in ("", "nan"))
        if empty.any():
            row = table[empty].iloc[0]
            raise SourceError(f"{where}: row {row['row']}, column {column}: empty; a "
                              "labelled pair names both records")
    pairs = pd.DataFrame({"record_id_l": table["record_id_l"].astype(str).str.strip(),
                          "record_id_r": table["record_id_r"].astype(str).str.strip(),
                          "is_match": answer.isin(_TRUE).to_numpy(),
                          "row": table["row"].to_numpy()}).reset_index(drop=True)
    itself = pairs["record_id_l"] == pairs["record_id_r"]
    if itself.any():
        row = pairs[itself].iloc[0]
        raise SourceError(f"{where}: row {row['row']}, column record_id_r: the same record "
                          f"as record_id_l ({row['record_id_l']!r}); a label is about two "
                          "records")
    left, right = pairs["record_id_l"], pairs["record_id_r"]
    key = pd.Series(np.where(left < right, left + "\x1f" + right, right + "\x1f" + left),
                    index=pairs.index)
    answers = pairs.groupby(key)["is_match"].nunique()
    if (answers > 1).any():
        rows = pairs.loc[key == answers[answers > 1].index[0], "row"].tolist()
        raise SourceError(f"{where}: rows {', '.join(map(str, rows))}, column is_match: one "
                          "pair labelled both a match and a non-match; keep one answer")
    return Labels(pairs, where)


def blend_m(model: FellegiSunter, levels: np.ndarray,
            pseudo_count: float = PSEUDO_COUNT) -> FellegiSunter:
    """A copy of ``model`` whose ``m`` blends EM's with the levels of labelled matches
    (``levels``: one row per labelled match, one column per comparison; -1 where a side
    is missing, which says nothing).  ``u`` and ``lambda_`` are kept; ``m`` stays
    non-decreasing in ``m/u`` on ordered comparisons, as EM keeps it.

    Examples:
        >>> from unifyprofile.compare import ExactMatch
        >>> em = FellegiSunter([ExactMatch("email")]).set_params(
        ...     m=[[0.5, 0.5]], u=[[0.99, 0.01]], lambda_=0.01)
        >>> blended = blend_m(em, np.array([[1]] * 20, dtype=np.int8), pseudo_count=20)
        >>> blended.m_[0].round(2).tolist()
        [0.25, 0.75]
    """
    m = []
    for k, comparison in enumerate(model.comparisons):
        size = len(comparison.level_names)
        held = levels[:, k][levels[:, k] >= 0].astype(np.int64)
        counts = np.bincount(held, minlength=size)[:size].astype(np.float64)
        blended = (counts + pseudo_count * model.m_[k]) / (counts.sum() + pseudo_count)
        if comparison.ordered:
            blended = monotone_m(blended, model.u_[k])
        m.append(np.clip(blended, 1e-9, None))
    out = copy.copy(model)  # its settings and diagnosis; new parameter lists below
    return out.set_params(m=m, u=[u.copy() for u in model.u_], lambda_=model.lambda_)


def best_threshold(probability: np.ndarray, share: np.ndarray, linkable: np.ndarray,
                   fired: np.ndarray, current: float, *,
                   within: tuple[float, float] | None = None) -> tuple[float, float]:
    """The threshold that maximises F1 over candidate pairs, and that F1.

    Args:
        probability: each candidate pair's match probability.
        share: how much each pair counts as a match: its label where it is labelled,
            its probability elsewhere.
        linkable: whether the pair can be a link at some threshold (not vetoed).
        fired: whether a deterministic rule links it whatever the threshold.
        current: the configured threshold, preferred among equally good ones.
        within: the probabilities the threshold may take (default: any).  Labels picked
            near the threshold (``review``) say what the pairs there are; far from it
            only the model's probability speaks, and moving the threshold there would
            trust the model's calibration the labels were meant to check.

    Examples:
        >>> p = np.array([0.1, 0.3, 0.6, 0.8, 0.9, 0.97])
        >>> truth = np.array([0, 0, 1, 1, 1, 1], dtype=float)
        >>> yes = np.ones(6, dtype=bool)
        >>> t, f1 = best_threshold(p, truth, yes, ~yes, 0.95)
        >>> round(t, 3), round(float(f1), 3)
        (0.45, 1.0)
    """
    free = linkable & ~fired
    # Pairs by probability, highest first: those linked at a threshold are a prefix.
    order = np.argsort(-probability[free], kind="stable")
    ranked = probability[free][order]
    gained = np.concatenate([[0.0], np.cumsum(share[free][order])])
    base_tp, base_links = float(share[fired].sum()), int(fired.sum())
    total = float(share[linkable | fired].sum())
    low, high = within if within is not None else (0.0, 1.0)
    values = np.unique(ranked[(ranked >= low) & (ranked <= high)])
    candidates = np.unique(np.clip(np.concatenate(
        [(values[:-1] + values[1:]) / 2, [current]]), 1e-6, 1.0))
    best, best_f1 = current, -1.0
    for t in candidates.tolist():
        k = int(np.searchsorted(-ranked, -t, side="right"))  # pairs with p >= t
        tp, links = base_tp + gained[k], base_links + k
        f1 = 2 * tp / (links + total) if links + total else 0.0
        if f1 > best_f1 + 1e-12 or (abs(f1 - best_f1) <= 1e-12
                                    and abs(t - current) < abs(best - current)):
            best, best_f1 = float(t), f1
    return best, best_f1
