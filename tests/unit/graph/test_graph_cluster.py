"""Clustering: components, constraint-aware splitting, deterministic entity ids."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unifyprofile.graph import Constraint, cluster, clusters_table, entity_ids


def _arr(values, dtype=np.int64):
    return np.asarray(values, dtype=dtype)


def _partition(labels) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for record, label in enumerate(np.asarray(labels).tolist()):
        groups.setdefault(label, set()).add(record)
    return {frozenset(g) for g in groups.values()}


def _assert_valid_labels(labels: np.ndarray, n: int) -> None:
    """Every record has exactly one label, numbered 0..k-1 by first appearance."""
    assert labels.shape == (n,)
    if n == 0:
        return
    _, first = np.unique(labels, return_index=True)
    assert np.array_equal(np.unique(labels), np.arange(labels.max() + 1))
    assert np.array_equal(labels[np.sort(first)], np.arange(labels.max() + 1))


# --------------------------------------------------------------------------- literal cases


def test_connected_components_on_literal_edges():
    # 0-1-2 chain, 3-4 pair, 5 alone, 6-7 via a duplicate edge in both directions.
    c = cluster(8, _arr([0, 1, 3, 6, 7]), _arr([1, 2, 4, 7, 6]), _arr([1, 1, 1, 1, 1], float))
    assert c.labels.tolist() == [0, 0, 0, 1, 1, 2, 3, 3]
    assert c.n_clusters == 4
    assert c.cut.empty
    assert list(c.cut.columns) == ["i", "j", "weight", "reason"]


def test_no_links_gives_singletons():
    c = cluster(3, _arr([]), _arr([]), _arr([], float))
    assert c.labels.tolist() == [0, 1, 2]
    assert cluster(0, _arr([]), _arr([]), _arr([], float)).n_clusters == 0


def test_cannot_link_cuts_the_weakest_link_of_a_chain():
    # 0 -5- 1 -1- 2 -3- 3; records 0 and 3 hold different ids, so the chain must break,
    # and the weakest link (1, 2) is the one cut.
    c = cluster(
        4,
        _arr([0, 1, 2]),
        _arr([1, 2, 3]),
        _arr([5.0, 1.0, 3.0]),
        constraints=[Constraint("ssn", _arr([7, -1, -1, 8]))],
    )
    assert _partition(c.labels) == {frozenset({0, 1}), frozenset({2, 3})}
    assert c.cut.to_dict("records") == [
        {"i": 1, "j": 2, "weight": 1.0, "reason": "cannot-link: ssn"}
    ]


def test_cannot_link_cut_moves_with_the_weights():
    c = cluster(
        4,
        _arr([0, 1, 2]),
        _arr([1, 2, 3]),
        _arr([1.0, 5.0, 3.0]),
        constraints=[Constraint("ssn", _arr([7, -1, -1, 8]))],
    )
    assert _partition(c.labels) == {frozenset({0}), frozenset({1, 2, 3})}
    assert c.cut[["i", "j"]].values.tolist() == [[0, 1]]


def test_records_with_the_same_identifier_stay_together():
    c = cluster(
        3,
        _arr([0, 1]),
        _arr([1, 2]),
        _arr([1.0, 1.0]),
        constraints=[Constraint("ssn", _arr([7, 7, -1]))],
    )
    assert c.labels.tolist() == [0, 0, 0]
    assert c.cut.empty


def test_a_triangle_is_split_by_cutting_every_link_across_the_constraint():
    # 0 and 2 differ on the identifier; both links that join them into one group are cut.
    c = cluster(
        3,
        _arr([0, 1, 0]),
        _arr([1, 2, 2]),
        _arr([3.0, 2.0, 1.0]),
        constraints=[Constraint("id", _arr([1, -1, 2]))],
    )
    assert _partition(c.labels) == {frozenset({0, 1}), frozenset({2})}
    assert sorted(map(tuple, c.cut[["i", "j"]].values.tolist())) == [(0, 2), (1, 2)]
    assert set(c.cut["reason"]) == {"cannot-link: id"}


def test_max_cluster_size_splits_at_weak_links():
    # A chain of six; no group may exceed three.
    c = cluster(
        6,
        _arr([0, 1, 2, 3, 4]),
        _arr([1, 2, 3, 4, 5]),
        _arr([9.0, 8.0, 1.0, 7.0, 6.0]),
        max_cluster_size=3,
    )
    assert _partition(c.labels) == {frozenset({0, 1, 2}), frozenset({3, 4, 5})}
    assert c.cut.to_dict("records") == [
        {"i": 2, "j": 3, "weight": 1.0, "reason": "max_cluster_size 3"}
    ]


def test_small_components_are_not_touched_by_the_size_limit():
    c = cluster(5, _arr([0, 2, 3]), _arr([1, 3, 4]), _arr([1.0, 1.0, 1.0]), max_cluster_size=3)
    assert c.labels.tolist() == [0, 0, 1, 1, 1]
    assert c.cut.empty


def test_constraint_split_leaves_other_components_alone():
    c = cluster(
        6,
        _arr([0, 1, 3, 4]),
        _arr([1, 2, 4, 5]),
        _arr([2.0, 1.0, 1.0, 1.0]),
        constraints=[Constraint("id", _arr([1, -1, 2, 3, -1, 3]))],
    )
    assert _partition(c.labels) == {frozenset({0, 1}), frozenset({2}), frozenset({3, 4, 5})}
    _assert_valid_labels(c.labels, 6)


# --------------------------------------------------------------------------- invariants


@st.composite
def graphs(draw, max_n: int = 25):
    n = draw(st.integers(1, max_n))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    edges = [(a, b) for a, b in edges if a != b]
    # Distinct weights, so which link is weakest never depends on order.
    weights = draw(st.permutations(list(range(1, len(edges) + 1))))
    codes = draw(st.lists(st.integers(-1, 3), min_size=n, max_size=n))
    return n, edges, [float(w) for w in weights], codes


def _run(n, edges, weights, codes=None, max_size=None):
    i = _arr([a for a, _ in edges])
    j = _arr([b for _, b in edges])
    constraints = [] if codes is None else [Constraint("id", _arr(codes))]
    return cluster(
        n, i, j, _arr(weights, float), constraints=constraints, max_cluster_size=max_size
    )


@settings(max_examples=100, deadline=None)
@given(graphs())
def test_without_constraints_clusters_are_the_connected_components(graph):
    n, edges, weights, _ = graph
    c = _run(n, edges, weights)
    _assert_valid_labels(c.labels, n)
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges)
    assert _partition(c.labels) == {frozenset(x) for x in nx.connected_components(g)}
    assert c.cut.empty


@settings(max_examples=100, deadline=None)
@given(graphs(), st.one_of(st.none(), st.integers(1, 6)))
def test_splitting_respects_constraints_and_refines_components(graph, max_size):
    n, edges, weights, codes = graph
    c = _run(n, edges, weights, codes, max_size)
    _assert_valid_labels(c.labels, n)
    plain = _run(n, edges, weights).labels
    codes_arr = _arr(codes)
    kept = set(map(tuple, edges)) - set(map(tuple, c.cut[["i", "j"]].values.tolist()))
    for group in _partition(c.labels):
        members = sorted(group)
        assert len({plain[m] for m in members}) == 1  # a split never joins components
        held = {codes_arr[m] for m in members if codes_arr[m] >= 0}
        assert len(held) <= 1
        if max_size is not None:
            assert len(members) <= max_size
        # Each cluster is held together by links that were not cut.
        g = nx.Graph()
        g.add_nodes_from(members)
        g.add_edges_from((a, b) for a, b in kept if a in group and b in group)
        assert nx.is_connected(g)
    # A cut link always joins two different clusters.
    for a, b in c.cut[["i", "j"]].values.tolist():
        assert c.labels[a] != c.labels[b]


@settings(max_examples=60, deadline=None)
@given(graphs(), st.randoms(use_true_random=False), st.booleans())
def test_entity_ids_do_not_depend_on_input_order(graph, rnd, constrained):
    n, edges, weights, codes = graph
    ids = pd.Series([f"src:{k:03d}" for k in range(n)])
    c = _run(n, edges, weights, codes if constrained else None, 3 if constrained else None)
    before = dict(zip(ids, entity_ids(ids, c.labels), strict=True))

    perm = list(range(n))
    rnd.shuffle(perm)  # new position p holds old record perm[p]
    where = {old: new for new, old in enumerate(perm)}
    order = list(range(len(edges)))
    rnd.shuffle(order)
    new_edges = [(where[edges[e][1]], where[edges[e][0]]) for e in order]
    new_weights = [weights[e] for e in order]
    new_codes = [codes[old] for old in perm]
    new_ids = ids.iloc[perm].reset_index(drop=True)
    c2 = _run(
        n, new_edges, new_weights, new_codes if constrained else None, 3 if constrained else None
    )
    after = dict(zip(new_ids, entity_ids(new_ids, c2.labels), strict=True))
    assert after == before


def test_entity_id_is_a_hash_of_the_smallest_record_id():
    ids = pd.Series(["b", "a", "c", "d"])
    labels = np.array([0, 0, 1, 2])
    out = entity_ids(ids, labels)
    assert out[0] == out[1] != out[2]
    assert len(set(out)) == 3
    assert all(isinstance(e, str) and e.startswith("E") and len(e) == 17 for e in out)
    # Same members under other labels and another order: same id.
    again = entity_ids(pd.Series(["a", "d", "b"]), np.array([5, 1, 5]))
    assert again[0] == again[2] == out[0]
    assert again[1] == out[3]


def test_clusters_table_lists_every_record_once():
    ids = pd.Series(["crm:1", "crm:2", "shop:9"])
    table = clusters_table(ids, np.array([0, 1, 0]))
    assert list(table.columns) == ["record_id", "entity_id"]
    assert table["record_id"].tolist() == ids.tolist()
    assert table["entity_id"].nunique() == 2
    assert table.loc[0, "entity_id"] == table.loc[2, "entity_id"]


@pytest.mark.parametrize("n", [1, 4])
def test_self_links_are_harmless(n):
    c = cluster(n, _arr([0]), _arr([0]), _arr([1.0]))
    assert c.labels.tolist() == list(range(n))


def test_apart_pairs_break_a_chain_at_its_weakest_link():
    # 0 -5- 1 -1- 2 -4- 3: records 0 and 3 were scored a clear non-match.
    c = cluster(4, _arr([0, 1, 2]), _arr([1, 2, 3]), _arr([5.0, 1.0, 4.0]),
                apart=(_arr([0]), _arr([3])))
    assert _partition(c.labels) == {frozenset({0, 1}), frozenset({2, 3})}
    assert c.cut["reason"].str.startswith("kept apart").all()
    assert c.cut[["i", "j"]].values.tolist() == [[1, 2]]


def test_apart_pairs_in_different_components_change_nothing():
    c = cluster(4, _arr([0, 2]), _arr([1, 3]), _arr([1.0, 1.0]), apart=(_arr([0]), _arr([2])))
    assert _partition(c.labels) == {frozenset({0, 1}), frozenset({2, 3})}
    assert c.cut.empty


def test_apart_pair_that_is_itself_linked_strongly_still_separates():
    # A triangle 0-1-2 where 1 and 2 are apart: 0 joins the stronger side.
    c = cluster(3, _arr([0, 0, 1]), _arr([1, 2, 2]), _arr([3.0, 2.0, 1.0]),
                apart=(_arr([1]), _arr([2])))
    assert _partition(c.labels) == {frozenset({0, 1}), frozenset({2})}
