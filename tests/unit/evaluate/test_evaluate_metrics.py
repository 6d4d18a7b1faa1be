"""Literal cases for the pair and cluster metrics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import unifyprofile.evaluate as ev
from unifyprofile.errors import DataError
from unifyprofile.evaluate import (
    Scores,
    bcubed,
    blocking_recall,
    cluster_pair_scores,
    labelled_pair_scores,
    link_truth_clusters,
    pair_scores,
    threshold_sweep,
    true_pairs,
)


def pairs(*items):
    return pd.DataFrame(
        {"record_id_l": [a for a, _ in items], "record_id_r": [b for _, b in items]}
    )


def test_public_names():
    assert set(ev.__all__) == {
        "Benchmark",
        "Scores",
        "bcubed",
        "blocking_recall",
        "cluster_pair_scores",
        "evaluate_directory",
        "evaluate_result",
        "labelled_pair_scores",
        "link_truth_clusters",
        "load_benchmark",
        "pair_scores",
        "threshold_sweep",
        "true_pairs",
    }


@pytest.mark.parametrize(
    ("tp", "fp", "fn", "expected"),
    [
        (0, 0, 0, (0.0, 0.0, 0.0)),
        (0, 3, 0, (0.0, 0.0, 0.0)),
        (0, 0, 2, (0.0, 0.0, 0.0)),
        (2, 0, 0, (1.0, 1.0, 1.0)),
        (1, 1, 3, (0.5, 0.25, 1 / 3)),
    ],
)
def test_scores_zero_division_convention(tp, fp, fn, expected):
    s = Scores.from_counts(tp, fp, fn)
    assert (s.precision, s.recall) == expected[:2]
    assert np.isclose(s.f1, expected[2])
    assert s.as_dict()["tp"] == tp


@pytest.mark.parametrize(
    ("predicted", "truth", "counts"),
    [
        ({"a": 1, "b": 1, "c": 2}, {"a": 1, "b": 1, "c": 2}, (1, 0, 0)),
        ({"a": 1, "b": 1, "c": 1}, {"a": 1, "b": 2, "c": 3}, (0, 3, 0)),
        ({"a": 1, "b": 2, "c": 3}, {"a": 1, "b": 1, "c": 1}, (0, 0, 3)),
        ({"a": 1, "b": 1}, {"a": 1, "b": 1, "c": 1}, (1, 0, 2)),  # c: singleton predicted
        ({"a": "x", "b": None}, {"a": 1, "b": 1}, (0, 0, 1)),  # null label: singleton
        ({}, {}, (0, 0, 0)),
    ],
)
def test_cluster_pair_scores_counts(predicted, truth, counts):
    s = cluster_pair_scores(pd.Series(predicted, dtype=object), pd.Series(truth, dtype=object))
    assert (s.tp, s.fp, s.fn) == counts


def test_cluster_pair_scores_link_counts_only_cross_pairs():
    predicted = pd.Series({"l1": 1, "l2": 1, "r1": 1, "r2": 2})
    truth = pd.Series({"l1": 1, "l2": 2, "r1": 1, "r2": 2})
    sides = pd.Series({"l1": "left", "l2": "left", "r1": "right", "r2": "right"})
    s = cluster_pair_scores(predicted, truth, sides)
    # predicted cross pairs: (l1,r1), (l2,r1); true: (l1,r1), (l2,r2)
    assert (s.tp, s.fp, s.fn) == (1, 1, 1)


def test_cluster_pair_scores_errors():
    with pytest.raises(DataError, match="duplicate record_ids"):
        cluster_pair_scores(pd.Series([1, 1], index=["a", "a"]), pd.Series({"a": 1}))
    with pytest.raises(DataError, match="sides has no"):
        cluster_pair_scores(pd.Series({"a": 1}), pd.Series({"a": 1}), pd.Series({"b": "left"}))
    with pytest.raises(DataError, match="'left' or 'right'"):
        cluster_pair_scores(pd.Series({"a": 1}), pd.Series({"a": 1}), pd.Series({"a": "up"}))


def test_bcubed_literal():
    predicted = pd.Series({"a": 1, "b": 1, "c": 1, "d": 2})
    truth = pd.Series({"a": 1, "b": 1, "c": 2, "d": 2})
    s = bcubed(predicted, truth)
    # precision per record: a 2/3, b 2/3, c 1/3, d 1 ; recall: a 1, b 1, c 1/2, d 1/2
    assert np.isclose(s.precision, (2 / 3 + 2 / 3 + 1 / 3 + 1) / 4)
    assert np.isclose(s.recall, (1 + 1 + 0.5 + 0.5) / 4)
    assert s.tp is None and bcubed(pd.Series(dtype=object), pd.Series(dtype=object)).f1 == 0.0


def test_pair_scores_unordered_duplicates_and_self_pairs():
    predicted = pairs(("b", "a"), ("a", "b"), ("c", "c"), ("a", "c"))
    truth = pairs(("a", "b"), ("c", "d"))
    s = pair_scores(predicted, truth)
    assert (s.tp, s.fp, s.fn) == (1, 1, 1)


def test_pair_scores_link_keeps_order():
    predicted = pairs(("l1", "r1"), ("r2", "l2"))
    truth = pairs(("l1", "r1"), ("l2", "r2"))
    s = pair_scores(predicted, truth, link=True)
    assert (s.tp, s.fp, s.fn) == (1, 1, 1)


def test_pair_scores_missing_column():
    with pytest.raises(DataError, match="missing column"):
        pair_scores(pd.DataFrame({"i": [1]}), pairs(("a", "b")))


def test_true_pairs_literal():
    got = true_pairs(pd.Series({"d": 2, "b": 1, "a": 1, "e": 2, "c": 1, "f": 3, "g": None}))
    assert list(got.itertuples(index=False, name=None)) == [
        ("a", "b"),
        ("a", "c"),
        ("b", "c"),
        ("d", "e"),
    ]
    assert true_pairs(pd.Series(dtype=object)).empty


def test_blocking_recall():
    truth = pairs(("a", "b"), ("a", "c"), ("b", "c"))
    assert blocking_recall(pairs(("c", "a"), ("b", "a"), ("x", "y")), truth) == 2 / 3
    assert blocking_recall(pairs(("a", "b")), pairs()) == 0.0


def test_threshold_sweep_literal():
    scored = pd.DataFrame(
        {
            "record_id_l": ["a", "b", "a", "c", "a"],
            "record_id_r": ["b", "a", "c", "d", "d"],
            "match_probability": [0.2, 0.9, 0.5, 0.7, 0.1],  # (a,b) scored twice: max 0.9
        }
    )
    truth = pairs(("a", "b"), ("c", "d"), ("e", "f"))
    sweep = threshold_sweep(scored, truth, [0.0, 0.6, 0.8, 1.0])
    assert list(sweep.columns) == ["threshold", "precision", "recall", "f1", "predicted"]
    assert sweep["predicted"].tolist() == [4, 2, 1, 0]
    assert np.allclose(sweep["precision"], [0.5, 1.0, 1.0, 0.0])
    assert np.allclose(sweep["recall"], [2 / 3, 2 / 3, 1 / 3, 0.0])
    assert len(threshold_sweep(scored, truth)) == 101


def test_labelled_pair_scores():
    scored = pd.DataFrame(
        {
            "record_id_l": ["a", "a", "b"],
            "record_id_r": ["b", "c", "c"],
            "match_probability": [0.9, 0.4, 0.8],
        }
    )
    labels = pd.DataFrame(
        {
            "record_id_l": ["b", "a", "b", "x"],
            "record_id_r": ["a", "c", "c", "y"],
            "is_match": ["true", "1", "no", True],
        }
    )
    s = labelled_pair_scores(scored, labels, 0.5)
    # (a,b) tp; (a,c) fn (below threshold); (b,c) fp; (x,y) fn (never scored)
    assert (s.tp, s.fp, s.fn) == (1, 1, 2)
    conflict = pd.DataFrame(
        {"record_id_l": ["a", "b"], "record_id_r": ["b", "a"], "is_match": [True, False]}
    )
    with pytest.raises(DataError, match="both as a match and as a non-match"):
        labelled_pair_scores(scored, conflict, 0.5)
    with pytest.raises(DataError, match="true/false"):
        labelled_pair_scores(scored, conflict.assign(is_match=["maybe", "yes"]), 0.5)


def test_link_truth_clusters():
    truth = pd.DataFrame({"left_id": ["a1", "a2", "a3"], "right_id": ["b1", "b1", "b3"]})
    clusters = link_truth_clusters(["a1", "a2", "a3", "a4"], ["b1", "b2", "b3"], truth)
    assert clusters.index.tolist() == ["a1", "a2", "a3", "a4", "b1", "b2", "b3"]
    assert clusters.tolist() == [0, 0, 1, 2, 0, 3, 1]
    with pytest.raises(DataError, match="both left and right ids"):
        link_truth_clusters(["x"], ["x"], truth.iloc[:0])
    with pytest.raises(DataError, match="not right ids"):
        link_truth_clusters(["a1", "a2", "a3"], ["b1"], truth)


def _result(ids, entities, candidates, linked):
    """What evaluate_result reads of a Result: records, clusters, pairs, config, model."""
    from types import SimpleNamespace

    position = {r: k for k, r in enumerate(ids)}
    pair_table = pd.DataFrame({
        "i": [position[a] for a, _ in candidates], "j": [position[b] for _, b in candidates],
        "record_id_l": [a for a, _ in candidates], "record_id_r": [b for _, b in candidates],
        "linked": linked,
    })
    return SimpleNamespace(
        records=pd.DataFrame({"record_id": ids}),
        clusters=pd.DataFrame({"record_id": ids, "entity_id": entities}),
        pairs=pair_table, config=SimpleNamespace(threshold=0.9), model=None)


def test_evaluate_result_scores_positions_as_the_id_metrics_do():
    """The report works on record positions and int64 pair keys; its figures are those of
    the id-based metrics, with a record the run rejected (r6) counted as a missed one."""
    ids = [f"records:r{k}" for k in range(1, 6)]
    entities = ["e1", "e1", "e1", "e2", "e3"]
    candidates = [("records:r1", "records:r2"), ("records:r3", "records:r2"),
                  ("records:r4", "records:r5"), ("records:r1", "records:r4")]
    linked = [True, True, False, True]  # r1-r4 linked, then cut: not in one entity
    truth = pd.Series(["a", "a", "b", "b", "b", "a"], index=[f"r{k}" for k in range(1, 7)])
    bench = ev.Benchmark(name="tiny", task="dedup", truth=truth)

    report = ev.evaluate_result(_result(ids, entities, candidates, linked), bench)

    truth_ids = pd.Series(truth.to_numpy(), index="records:" + truth.index)
    expected_pairs = true_pairs(truth_ids)
    kept = pairs(*[c for c, on in zip(candidates, linked, strict=True) if on][:2])
    assert report["pairwise"] == pair_scores(kept, expected_pairs).as_dict()
    assert report["blocking_recall"] == blocking_recall(pairs(*candidates), expected_pairs)
    predicted = pd.Series(entities, index=ids)
    assert report["cluster"] == cluster_pair_scores(predicted, truth_ids).as_dict()
    assert report["bcubed"] == bcubed(predicted, truth_ids).as_dict()
    assert report["cluster"]["fn"] == 5  # r6 is in no entity of the run
    assert (report["entities"], report["largest_entity"]) == (3, 3)


def test_evaluate_result_of_a_link_task_counts_pairs_across_the_sides():
    ids = ["left:a1", "left:a2", "right:b1", "right:b2"]
    candidates = [("left:a1", "right:b1"), ("left:a2", "right:b1"), ("left:a2", "right:b2")]
    run = _result(ids, ["e1", "e2", "e1", "e2"], candidates, [True, False, True])
    bench = ev.Benchmark(
        name="pairs", task="link",
        truth=pd.DataFrame({"left_id": ["a1", "a2"], "right_id": ["b1", "b1"]}),
        left=pd.DataFrame({"record_id": ["a1", "a2"]}),
        right=pd.DataFrame({"record_id": ["b1", "b2"]}))

    report = ev.evaluate_result(run, bench)

    assert report["pairwise"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5,
                                  "tp": 1, "fp": 1, "fn": 1}
    assert report["blocking_recall"] == 1.0
    # Truth clusters {a1, a2, b1} and {b2}: of the cross pairs a1-b1, a2-b1, the run
    # puts a1-b1 together, and a2-b2 (predicted) is no true pair.
    assert report["cluster"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5,
                                 "tp": 1, "fp": 1, "fn": 1}
    assert report["bcubed"] is None
