"""Clustering: connected components over links, then constraint-aware splitting.

Links are the pairs a deterministic rule fired on plus the pairs whose match probability
reaches the threshold.  Connected components (scipy, for the bulk) give the first
partition.  A component that breaks a cannot-link constraint or is larger than the size
limit is rebuilt by a constrained maximum spanning forest: its links are added strongest
first, and a link is skipped when it would join two groups that hold different values of a
unique identifier, two records of a source declared one-record-per-person, or would grow a
group past the size limit.  The skipped links are kept with the reason, which is what
"why are these two records not one entity" answers.  No record is ever dropped: every
record ends in exactly one cluster.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from unifyprofile import schema
from unifyprofile._columns import order_of

__all__ = ["RULE_WEIGHT", "Clustering", "Constraint", "cluster", "clusters_table", "entity_ids"]

#: Weight given to links made by deterministic rules, above any probabilistic weight.
RULE_WEIGHT = 1e6


@dataclass(frozen=True)
class Constraint:
    """Records with different non-negative codes may not share a cluster.

    ``codes`` holds one int per record, -1 where the record does not take part.
    """

    name: str
    codes: np.ndarray


@dataclass
class Clustering:
    """Cluster labels (0..k-1 per record) and the links cut by constraints."""

    labels: np.ndarray
    #: Links removed by splitting: ``i``, ``j``, ``weight``, ``reason``.
    cut: pd.DataFrame

    @property
    def n_clusters(self) -> int:
        return int(self.labels.max()) + 1 if len(self.labels) else 0


def cluster(n_records: int, i: np.ndarray, j: np.ndarray, weight: np.ndarray, *,
            constraints: Sequence[Constraint] = (), max_cluster_size: int | None = None,
            apart: tuple[np.ndarray, np.ndarray] | None = None) -> Clustering:
    """Partition ``n_records`` records given their links.

    Args:
        n_records: number of records (labels are returned for all of them).
        i, j: row positions of the linked pairs.
        weight: strength of each link (higher is stronger); splitting cuts weak links
            first.
        constraints: cannot-link constraints.
        max_cluster_size: split clusters with more records than this.
        apart: pairs ``(i, j)`` known to be different entities (compared and scored as
            clear non-matches).  A component that chains such a pair together through
            other links is rebuilt strongest link first, skipping a link that would
            join the two records of an apart pair.

    Returns:
        A :class:`Clustering` with labels numbered by first appearance.

    Examples:
        >>> c = cluster(4, np.array([0, 1]), np.array([1, 2]), np.array([5.0, 1.0]),
        ...             constraints=[Constraint("id", np.array([7, -1, 8, -1]))])
        >>> c.labels.tolist(), c.cut["reason"].tolist()
        ([0, 0, 1, 2], ['cannot-link: id'])
    """
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    weight = np.asarray(weight, dtype=np.float64)
    graph = coo_matrix((np.ones(len(i), dtype=np.int8), (i, j)), shape=(n_records, n_records))
    _, labels = connected_components(graph, directed=False)
    labels = labels.astype(np.int64)
    ai = aj = np.zeros(0, dtype=np.int64)
    if apart is not None:
        ai = np.asarray(apart[0], dtype=np.int64)
        aj = np.asarray(apart[1], dtype=np.int64)
        inside = labels[ai] == labels[aj]
        ai, aj = ai[inside], aj[inside]
    bad = _offending(labels, constraints, max_cluster_size)
    if len(ai):
        bad = np.union1d(bad, labels[ai])
    apart_of: dict[int, set[int]] = {}
    for a, b in zip(ai.tolist(), aj.tolist(), strict=True):
        apart_of.setdefault(a, set()).add(b)
        apart_of.setdefault(b, set()).add(a)
    cut_rows: list[tuple[int, int, float, str]] = []
    if len(bad):
        next_label = int(labels.max()) + 1
        edge_comp = labels[i]
        in_bad = np.isin(edge_comp, bad)
        bad_edges = np.flatnonzero(in_bad)
        order = np.lexsort((j[bad_edges], i[bad_edges], -weight[bad_edges], edge_comp[bad_edges]))
        bad_edges = bad_edges[order]
        comp_of_edge = edge_comp[bad_edges]
        bounds = np.flatnonzero(np.diff(comp_of_edge)) + 1
        for chunk in np.split(bad_edges, bounds):
            members = np.flatnonzero(labels == edge_comp[chunk[0]])
            parts, cut = _split(members, i[chunk], j[chunk], weight[chunk], constraints,
                                max_cluster_size, apart_of)
            cut_rows.extend(cut)
            for part in parts[1:]:
                labels[part] = next_label
                next_label += 1
    _, labels = np.unique(labels, return_inverse=True)
    labels = _relabel_by_first(labels.reshape(-1))
    cut_df = pd.DataFrame(cut_rows, columns=["i", "j", "weight", "reason"])
    return Clustering(labels, cut_df)


def _relabel_by_first(labels: np.ndarray) -> np.ndarray:
    _, first = np.unique(labels, return_index=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first)] = np.arange(len(first))
    return rank[labels]


def _offending(labels: np.ndarray, constraints: Sequence[Constraint],
               max_cluster_size: int | None) -> np.ndarray:
    bad = []
    if max_cluster_size is not None:
        sizes = np.bincount(labels)
        bad.append(np.flatnonzero(sizes > max_cluster_size))
    for constraint in constraints:
        has = constraint.codes >= 0
        if not has.any():
            continue
        pairs = np.unique(np.column_stack([labels[has], constraint.codes[has]]), axis=0)
        comps, counts = np.unique(pairs[:, 0], return_counts=True)
        bad.append(comps[counts > 1])
    return np.unique(np.concatenate(bad)) if bad else np.zeros(0, dtype=np.int64)


def _split(members: np.ndarray, i: np.ndarray, j: np.ndarray, weight: np.ndarray,
           constraints: Sequence[Constraint], max_size: int | None,
           apart_of: dict[int, set[int]] | None = None
           ) -> tuple[list[np.ndarray], list[tuple[int, int, float, str]]]:
    """Constrained maximum spanning forest of one component (edges sorted strongest first)."""
    parent = {int(m): int(m) for m in members}
    apart_of = apart_of or {}
    group: dict[int, set[int]] = {int(m): {int(m)} for m in members}
    against: dict[int, set[int]] = {int(m): set(apart_of.get(int(m), ())) for m in members}
    size = dict.fromkeys(parent, 1)
    values: list[dict[int, set[int]]] = [
        {int(m): ({int(c.codes[m])} if c.codes[m] >= 0 else set()) for m in members}
        for c in constraints
    ]

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    cut = []
    for a, b, w in zip(i.tolist(), j.tolist(), weight.tolist(), strict=True):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        reason = None
        for c, vals in zip(constraints, values, strict=True):
            if vals[ra] and vals[rb] and vals[ra] != vals[rb]:
                reason = f"cannot-link: {c.name}"
                break
        if reason is None and max_size is not None and size[ra] + size[rb] > max_size:
            reason = f"max_cluster_size {max_size}"
        if reason is None and against and (
                not against[ra].isdisjoint(group[rb]) or not against[rb].isdisjoint(group[ra])):
            reason = "kept apart: a pair across the link was scored a non-match"
        if reason is not None:
            cut.append((a, b, w, reason))
            continue
        if size[ra] < size[rb]:
            ra, rb = rb, ra
        parent[rb] = ra
        size[ra] += size[rb]
        group[ra] |= group.pop(rb)
        against[ra] |= against.pop(rb)
        for vals in values:
            vals[ra] |= vals.pop(rb)
    roots = np.array([find(int(m)) for m in members])
    order = np.argsort(roots, kind="stable")
    groups = np.split(members[order], np.flatnonzero(np.diff(roots[order])) + 1)
    groups.sort(key=len, reverse=True)
    return groups, cut


def entity_ids(record_ids: pd.Series, labels: np.ndarray) -> np.ndarray:
    """Deterministic entity id per record: a hash of the cluster's smallest record id.

    The id does not depend on input order or on labels, only on the cluster's members
    (through its smallest record id).
    """
    rid = record_ids.to_numpy(dtype=object)
    order = order_of(rid)
    rank = np.empty(len(rid), dtype=np.int64)
    rank[order] = np.arange(len(rid))
    uniq, dense = np.unique(labels, return_inverse=True)
    smallest = np.full(len(uniq), len(rid), dtype=np.int64)
    np.minimum.at(smallest, dense.reshape(-1), rank)
    names = np.array([
        "E" + hashlib.blake2b(r.encode(), digest_size=8).hexdigest() for r in rid[order[smallest]]
    ], dtype=object)
    return names[dense.reshape(-1)]


def clusters_table(record_ids: pd.Series, labels: np.ndarray) -> pd.DataFrame:
    """The ``clusters`` table: ``record_id``, ``entity_id``."""
    return pd.DataFrame({schema.RECORD_ID: record_ids.to_numpy(dtype=object),
                         schema.ENTITY_ID: entity_ids(record_ids, labels)})
