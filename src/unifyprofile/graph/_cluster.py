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
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

from unifyprofile import schema
from unifyprofile._columns import isin_ints, order_of, unique_ints
from unifyprofile.errors import ConfigError

__all__ = ["AMBIGUOUS", "RULE_WEIGHT", "Clustering", "Constraint", "Separator", "cluster",
           "clusters_table", "entity_ids", "link_strength", "within_component_pairs"]

#: Weight given to links made by deterministic rules, above any probabilistic weight.
RULE_WEIGHT = 1e6


def link_strength(weight: np.ndarray, fired: np.ndarray) -> np.ndarray:
    """Strength of links for :func:`cluster`: the match weight, with every link a
    deterministic rule made (``fired`` >= 0, the rule's index) ranked above every
    probabilistic one.

    >>> link_strength(np.array([3.0, -1.0]), np.array([-1, 0])).tolist()
    [3.0, 999999.0]
    """
    return np.where(fired >= 0, RULE_WEIGHT + weight, weight)
#: Components of at most this many records have every pair of their records checked.
ALL_PAIRS_UP_TO = 60
#: In larger components each record's pairs two links away are checked, through its
#: strongest links at most this many.
NEIGHBOURS = 30

#: A part of a group is detached when the link that holds it there is at most this many
#: bits (log2 Bayes factor) stronger than a refused link into a group kept apart from it.
AMBIGUOUS_BITS = 1.0
#: Reason of a link cut because the records it would join belong with two groups.
AMBIGUOUS = "ambiguous: links as strongly into an entity kept apart from this one"
#: Reason of a link cut because a pair across it is known to be two entities.
KEPT_APART = "kept apart: a pair across the link was scored a non-match"


@dataclass(frozen=True)
class Separator:
    """What tells records of one component apart.

    ``apart(i, j)`` tells which pairs of records are known to be different entities.
    ``blind`` marks the records that hold nothing it tells people apart by (no first
    name where different first names keep people apart): only such records can be
    left between two entities without a way to choose (see :data:`AMBIGUOUS`).  None:
    no record is.
    """

    apart: Callable[[np.ndarray, np.ndarray], np.ndarray]
    blind: np.ndarray | None = None


@dataclass(frozen=True)
class Constraint:
    """Records with different non-negative codes may not share a cluster.

    ``codes`` holds one int per record, -1 where the record does not take part.
    """

    name: str
    codes: np.ndarray


def constraint_columns(columns: Sequence[str], unique_identifiers: Sequence[str]
                       ) -> list[tuple[str, str]]:
    """``(name, column)`` of each field ``guards.unique_identifiers`` names: its
    standardised column where the records have one.

    Raises:
        ConfigError: when the records hold no such field.
    """
    out = []
    for name in unique_identifiers:
        column = schema.std(name) if schema.std(name) in columns else name
        if column not in columns:
            raise ConfigError(f"guards.unique_identifiers: no field '{name}' in the records; "
                              f"map a source column to it or remove it")
        out.append((name, column))
    return out


def constraints(records: pd.DataFrame, unique_identifiers: Sequence[str],
                unique_sources: Sequence[str]) -> list[Constraint]:
    """The cannot-link constraints on ``records``: records holding two values of a
    unique identifier, and two records of a source that holds one record per person.

    Args:
        records: standardised records (any subset: one component's, a whole run's).
        unique_identifiers: fields no person holds two values of.
        unique_sources: names of the sources with one record per person.

    Examples:
        >>> records = pd.DataFrame({"source": ["crm", "crm", "shop"],
        ...                         "tax_id": ["1", "2", None]})
        >>> [(c.name, c.codes.tolist()) for c in constraints(records, ["tax_id"], ["crm"])]
        [('tax_id', [0, 1, -1]), ("one record per person in 'crm'", [0, 1, -1])]
    """
    out = []
    for name, column in constraint_columns(list(records.columns), unique_identifiers):
        codes, _ = pd.factorize(records[column], use_na_sentinel=True)
        out.append(Constraint(name, codes.astype(np.int64)))
    for source in unique_sources:
        mine = (records[schema.SOURCE] == source).to_numpy()
        out.append(Constraint(f"one record per person in '{source}'",
                              np.where(mine, np.arange(len(records)), -1)))
    return out


@dataclass
class Clustering:
    """Cluster labels (0..k-1 per record) and the links cut by constraints."""

    labels: np.ndarray
    #: Links removed by splitting: ``i``, ``j``, ``weight``, ``reason``.
    cut: pd.DataFrame

    @property
    def n_clusters(self) -> int:
        return int(self.labels.max()) + 1 if len(self.labels) else 0


def within_component_pairs(labels: np.ndarray, i: np.ndarray, j: np.ndarray,
                           weight: np.ndarray, *, all_up_to: int = ALL_PAIRS_UP_TO,
                           neighbours: int = NEIGHBOURS) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``(a, b)``, ``a < b``, of records in one component that no link joins.

    Every pair of a component of 3 to ``all_up_to`` records; in a larger component the
    pairs two links apart (each record through its ``neighbours`` strongest links), which
    is where a chain first joins two records that do not belong together.

    Args:
        labels: component of each record.
        i, j, weight: the links.

    Examples:
        >>> labels = np.array([0, 0, 0, 1, 1])
        >>> a, b = within_component_pairs(labels, np.array([0, 1, 3]), np.array([1, 2, 4]),
        ...                               np.ones(3))
        >>> list(zip(a.tolist(), b.tolist()))
        [(0, 2)]
    """
    n = len(labels)
    sizes = np.bincount(labels)
    size_of = sizes[labels]
    small = (size_of >= 3) & (size_of <= all_up_to)
    members = np.flatnonzero(small)
    members = members[np.argsort(labels[members], kind="stable")]
    # Within each small component, pair each member with the members after it.
    comp = labels[members]
    start = np.searchsorted(comp, comp, side="left")
    rank = np.arange(len(members)) - start
    after = size_of[members] - 1 - rank
    left = np.repeat(np.arange(len(members)), after)
    offset = np.arange(len(left)) - np.repeat(np.cumsum(after) - after, after)
    a, b = members[left], members[left + 1 + offset]
    big_edges = size_of[i] > all_up_to
    if big_edges.any():
        # Two links apart, through each record's strongest links.
        bi, bj, bw = i[big_edges], j[big_edges], weight[big_edges]
        src = np.concatenate([bi, bj])
        dst = np.concatenate([bj, bi])
        order = np.lexsort((-np.concatenate([bw, bw]), src))
        src, dst = src[order], dst[order]
        first = np.searchsorted(src, src, side="left")
        keep = (np.arange(len(src)) - first) < neighbours
        src, dst = src[keep], dst[keep]
        hop = csr_matrix((np.ones(len(src), dtype=np.float32), (src, dst)), shape=(n, n))
        two = (hop @ hop).tocoo()
        c, d = two.row.astype(np.int64), two.col.astype(np.int64)
        upper = c < d
        a = np.concatenate([a, c[upper]])
        b = np.concatenate([b, d[upper]])
    if len(a) == 0:
        return a.astype(np.int64), b.astype(np.int64)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    # Drop pairs a link already joins: they were scored and linked.
    linked = np.minimum(i, j).astype(np.int64) * n + np.maximum(i, j)
    code = unique_ints(lo.astype(np.int64) * n + hi)
    code = code[~isin_ints(code, linked)]
    return code // n, code % n


def cluster(n_records: int, i: np.ndarray, j: np.ndarray, weight: np.ndarray, *,
            constraints: Sequence[Constraint] = (), max_cluster_size: int | None = None,
            apart: tuple[np.ndarray, np.ndarray] | None = None,
            separate: Separator | None = None) -> Clustering:
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
        separate: tells which of the given pairs are different entities; asked about
            the pairs of records that links put in one component without joining them
            directly (see :func:`within_component_pairs`), so that an entity is
            consistent, not merely connected: the pairs it calls apart are kept apart.
            Records it is blind to that link about as strongly into two entities kept
            apart join neither (see :func:`_ambiguous`).

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
    if separate is not None and len(i):
        ci, cj = within_component_pairs(labels, i, j, weight)
        if len(ci):
            told = np.asarray(separate.apart(ci, cj), dtype=bool)
            ai = np.concatenate([ai, ci[told]])
            aj = np.concatenate([aj, cj[told]])
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
        in_bad = isin_ints(edge_comp, bad)
        bad_edges = np.flatnonzero(in_bad)
        order = np.lexsort((j[bad_edges], i[bad_edges], -weight[bad_edges], edge_comp[bad_edges]))
        bad_edges = bad_edges[order]
        comp_of_edge = edge_comp[bad_edges]
        bounds = np.flatnonzero(np.diff(comp_of_edge)) + 1
        # The records of each component to split, in order, found once (splitting
        # relabels only the records of the component at hand).
        held = np.flatnonzero(isin_ints(labels, bad))
        held = held[np.argsort(labels[held], kind="stable")]
        held_comp = labels[held]
        for chunk in np.split(bad_edges, bounds):
            comp = edge_comp[chunk[0]]
            members = held[np.searchsorted(held_comp, comp, side="left"):
                           np.searchsorted(held_comp, comp, side="right")]
            parts, cut = _split(members, i[chunk], j[chunk], weight[chunk], constraints,
                                max_cluster_size, apart_of,
                                None if separate is None else separate.blind)
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
           apart_of: dict[int, set[int]] | None = None, blind: np.ndarray | None = None
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
    tree: list[tuple[int, int, float]] = []
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
            reason = KEPT_APART
        if reason is not None:
            cut.append((a, b, w, reason))
            continue
        tree.append((a, b, w))
        if size[ra] < size[rb]:
            ra, rb = rb, ra
        parent[rb] = ra
        size[ra] += size[rb]
        group[ra] |= group.pop(rb)
        against[ra] |= against.pop(rb)
        for vals in values:
            vals[ra] |= vals.pop(rb)
    root_of = {int(m): find(int(m)) for m in members}

    def conflict(part: set[int], other: set[int]) -> bool:
        if blind is None or not blind[list(part)].all():
            return True  # the part holds what tells people apart: the cut stands
        if any(not apart_of.get(m, set()).isdisjoint(other) for m in part):
            return True
        for c in constraints:
            held = {int(c.codes[m]) for m in part} - {-1}
            theirs = {int(c.codes[m]) for m in other} - {-1}
            if held and theirs and held != theirs:
                return True
        return False

    detached = _ambiguous(tree, cut, root_of, conflict) if blind is not None else {}
    if detached:
        # A detached part leaves its group: the links across are cut.
        label = {m: (detached.get(m, -1), root_of[m]) for m in root_of}
        parent = {m: m for m in root_of}
        for a, b, w in zip(i.tolist(), j.tolist(), weight.tolist(), strict=True):
            if label[a] == label[b]:
                parent[find(a)] = find(b)
            elif root_of[a] == root_of[b]:
                cut.append((a, b, w, AMBIGUOUS))
    roots = np.array([find(int(m)) for m in members])
    order = np.argsort(roots, kind="stable")
    groups = np.split(members[order], np.flatnonzero(np.diff(roots[order])) + 1)
    groups.sort(key=len, reverse=True)
    return groups, cut


def _ambiguous(tree: list[tuple[int, int, float]], cut: list[tuple[int, int, float, str]],
               root_of: dict[int, int], conflict: Callable[[set[int], set[int]], bool]
               ) -> dict[int, int]:
    """Parts of groups that link about as strongly into another group they were kept
    apart from: ``{record: part}`` for the records to detach.

    A link ``(a, b)`` refused because the groups of ``a`` and ``b`` are kept apart says
    that ``a`` belongs with at most one of them.  The part of ``a``'s group that hangs
    on links no stronger than the refused one (plus :data:`AMBIGUOUS_BITS`) could as well
    have joined ``b``'s group: a guest checkout that shares only an address, or a family
    mailbox, with two people of a household.  Giving it to either is a guess, so it is
    given to neither (a missed link is cheaper than a merge of two people).
    """
    refused = [(a, b, w) for a, b, w, reason in cut if reason == KEPT_APART]
    if not refused:
        return {}
    adjacent: dict[int, list[tuple[int, float]]] = {}
    for a, b, w in tree:
        adjacent.setdefault(a, []).append((b, w))
        adjacent.setdefault(b, []).append((a, w))
    members: dict[int, set[int]] = {}
    for m, r in root_of.items():
        members.setdefault(r, set()).add(m)
    detached: dict[int, int] = {}
    for a, b, w in refused:
        for x, y in ((a, b), (b, a)):
            group, other = root_of[x], root_of[y]
            if group == other or x in detached:
                continue
            # x's part of its group: reached over links clearly stronger than (x, y).
            part, todo = {x}, [x]
            while todo:
                node = todo.pop()
                for nxt, link in adjacent.get(node, ()):
                    if link > w + AMBIGUOUS_BITS and nxt not in part:
                        part.add(nxt)
                        todo.append(nxt)
            if len(part) == len(members[group]):
                continue
            if conflict(part, members[other]):
                continue  # the part itself is kept apart from the other group
            for m in part:
                detached.setdefault(m, x)
    return detached


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
