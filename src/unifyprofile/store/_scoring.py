"""Scoring and clustering with the frozen context: the same stage functions a batch run
uses (``compare.compare_pairs``, ``score.score_pairs``, ``graph.cluster``), with the
model, term frequencies and hub values fixed at fit time (see :mod:`._context`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from unifyprofile import schema
from unifyprofile.compare import compare_pairs
from unifyprofile.graph import Clustering, cluster, constraints
from unifyprofile.score import Scored, kept_apart, prepare_rules, score_pairs, separator
from unifyprofile.store._core import StoreCore
from unifyprofile.store._db import chunks

__all__ = ["apart", "cluster_records", "clustered", "score", "side"]


def side(core: StoreCore, records: pd.DataFrame) -> np.ndarray | None:
    if core.config.link_type != "link_only":
        return None
    first = core.config.sources[0].name
    return (records[schema.SOURCE].to_numpy(dtype=object) != first).astype(np.int64)


def score(core: StoreCore, records: pd.DataFrame, i: np.ndarray, j: np.ndarray,
          frequencies: list[np.ndarray | None] | None = None) -> tuple[np.ndarray, Any]:
    model = core.context().model
    prepared = [c.prepare(records) for c in model.comparisons]
    levels = compare_pairs(prepared, i, j)
    rules = prepare_rules(records, core.config.rules)
    if frequencies is None:
        frequencies = core.context().frequencies(core.db, records)
    scored = score_pairs(levels, i, j, model, rules, frequencies,
                         threshold=core.config.threshold, guards=core.config.guards)
    return levels, scored


def apart(core: StoreCore, scored: Scored) -> np.ndarray:
    """Positions of the scored pairs that ``guards.keep_apart_below`` keeps apart (as
    the batch pipeline decides them)."""
    return np.flatnonzero(kept_apart(scored, core.config.guards))


def cluster_records(core: StoreCore, records: pd.DataFrame, i: np.ndarray, j: np.ndarray,
                    strength: np.ndarray, apart_i: np.ndarray, apart_j: np.ndarray
                    ) -> Clustering:
    config = core.config
    context = core.context()
    model = context.model
    prepared = [c.prepare(records) for c in model.comparisons]
    unique = [s.name for s in config.sources if s.unique_per_person]
    # The separator weighs pairs (and reads term frequencies) only for keep_apart_below.
    frequencies = (context.frequencies(core.db, records)
                   if config.guards.keep_apart_below is not None
                   else [None] * len(model.comparisons))
    return cluster(len(records), i, j, strength,
                   constraints=constraints(records, config.guards.unique_identifiers,
                                           unique),
                   max_cluster_size=config.guards.max_cluster_size,
                   apart=(apart_i, apart_j),
                   separate=separator(prepared, model, config.guards, frequencies))


def clustered(core: StoreCore, scope: list[str]) -> tuple[pd.DataFrame, Clustering] | None:
    """The stored records ``scope`` (whole components) clustered from their stored
    links and kept-apart pairs; None when none of them is stored."""
    records = core.load(scope)
    if records is None:
        return None
    records = core.context().apply_hubs(records)
    pos = pd.Index(records[schema.RECORD_ID])
    a, b, strength = [], [], []
    for part in chunks(scope):
        marks = ",".join("?" * len(part))
        for x, y, s in core.db.execute(
                f"SELECT a, b, strength FROM edges WHERE a IN ({marks})", part):
            a.append(x)
            b.append(y)
            strength.append(s)
    i = pos.get_indexer(a).astype(np.int64)
    j = pos.get_indexer(b).astype(np.int64)
    pairs: list[tuple[str, str]] = []
    for part in chunks(scope):
        marks = ",".join("?" * len(part))
        pairs += core.db.execute(f"SELECT a, b FROM apart WHERE a IN ({marks})", part)
    apart_i = pos.get_indexer([x for x, _ in pairs]).astype(np.int64)
    apart_j = pos.get_indexer([y for _, y in pairs]).astype(np.int64)
    inside = (apart_i >= 0) & (apart_j >= 0)  # the other side may be outside the scope
    return records, cluster_records(core, records, i, j,
                                    np.asarray(strength, dtype=np.float64),
                                    apart_i[inside], apart_j[inside])
