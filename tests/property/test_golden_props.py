"""Invariants of the golden merge, and evaluation metrics against brute-force references."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unifyprofile.evaluate import (
    bcubed,
    cluster_pair_scores,
    pair_scores,
    threshold_sweep,
    true_pairs,
)
from unifyprofile.golden import Survivorship, merge

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SINGLE_RULES = [
    "source_priority",
    "most_recent",
    "most_frequent",
    "most_complete",
    "longest",
    "first_non_null",
]
SOURCES = ["crm", "shop", "csm"]
TRUST = {"crm": 2.0, "shop": 1.0}
CITIES = [None, "Oslo", "oslo ", "Bergen", "Trondheim", " BERGEN"]
TIMES = [None, "2020-01-01", "2021-06-01", "2024-01-01"]


@st.composite
def record_sets(draw):
    n = draw(st.integers(1, 25))
    rows = []
    for i in range(n):
        city = draw(st.sampled_from(CITIES))
        company = draw(st.sampled_from([None, "Acme", "ACME", "Initech"]))
        rows.append(
            {
                "record_id": f"r{i:02d}",
                "entity_id": f"e{draw(st.integers(0, 5))}",
                "source": draw(st.sampled_from(SOURCES)),
                "updated_at_std": draw(st.sampled_from(TIMES)),
                "city": city,
                "city_std": city.strip().lower() if city else None,
                "company": company,
                "company_std": company.lower() if company else None,
            }
        )
    frame = pd.DataFrame(rows)
    frame["updated_at_std"] = pd.to_datetime(frame["updated_at_std"], utc=True)
    clusters = frame[["record_id", "entity_id"]]
    return frame.drop(columns="entity_id"), clusters


def _policies(rule):
    order = ("csm", "crm") if rule == "source_priority" else ()
    return {"city": Survivorship(rule, order), "company": Survivorship("most_frequent")}


@SETTINGS
@given(record_sets(), st.sampled_from(SINGLE_RULES))
def test_one_row_per_entity(data, rule):
    records, clusters = data
    golden = merge(records, clusters, _policies(rule), trust=TRUST)
    assert golden["entity_id"].tolist() == sorted(clusters["entity_id"].unique())
    assert golden["record_count"].sum() == len(records)
    # The surviving record belongs to the entity and holds the surviving value.
    owner = dict(zip(clusters["record_id"], clusters["entity_id"], strict=True))
    raw = dict(zip(records["record_id"], records["city"], strict=True))
    for _, row in golden.iterrows():
        has_value = (
            clusters.loc[clusters["entity_id"] == row["entity_id"], "record_id"].map(raw).notna()
        )
        assert pd.notna(row["city"]) == bool(has_value.any())
        if pd.notna(row["city"]):
            assert owner[row["city__record_id"]] == row["entity_id"]
            assert raw[row["city__record_id"]].strip() == row["city"]


@SETTINGS
@given(record_sets(), st.sampled_from(SINGLE_RULES), st.randoms(use_true_random=False))
def test_independent_of_input_row_order(data, rule, random):
    records, clusters = data
    expected = merge(records, clusters, _policies(rule), trust=TRUST)
    rows = list(range(len(records)))
    random.shuffle(rows)
    shuffled = records.iloc[rows].reset_index(drop=True)
    random.shuffle(rows)
    reclustered = clusters.iloc[rows].reset_index(drop=True)
    got = merge(shuffled, reclustered, _policies(rule), trust=TRUST)
    pd.testing.assert_frame_equal(got, expected)


@SETTINGS
@given(record_sets(), st.sampled_from(SINGLE_RULES))
def test_merge_is_idempotent(data, rule):
    records, clusters = data
    golden = merge(records, clusters, _policies(rule), trust=TRUST)
    again_records = pd.DataFrame(
        {
            "record_id": golden["entity_id"],
            "source": golden["city__source"].fillna("crm"),
            "updated_at_std": golden["city__updated_at"],
            "city": golden["city"],
            "city_std": golden["city"].map(lambda v: v.lower() if isinstance(v, str) else None),
            "company": golden["company"],
            "company_std": golden["company"].map(
                lambda v: v.lower() if isinstance(v, str) else None
            ),
        }
    )
    again_clusters = pd.DataFrame(
        {"record_id": golden["entity_id"], "entity_id": golden["entity_id"]}
    )
    again = merge(again_records, again_clusters, _policies(rule), trust=TRUST)
    assert again["city"].tolist() == golden["city"].tolist()
    assert again["company"].tolist() == golden["company"].tolist()


def _reference_choice(records, clusters, rule):
    """Brute force: sort each entity's candidates with Python tuples."""
    frame = records.merge(clusters, on="record_id")
    frame = frame[frame["city_std"].notna()]
    complete = records[["city_std", "company_std"]].notna().sum(axis=1)
    complete = dict(zip(records["record_id"], complete, strict=True))
    out = {}
    for entity, group in frame.groupby("entity_id"):
        rows = group.to_dict("records")
        counts = group["city_std"].value_counts().to_dict()

        def ts(row, default):
            return row["updated_at_std"].value if pd.notna(row["updated_at_std"]) else default

        def tiebreak(row):
            return (-TRUST.get(row["source"], 0.0), -ts(row, -(2**62)), row["record_id"])

        def recent(row):
            return (-ts(row, -(2**62)), -TRUST.get(row["source"], 0.0), row["record_id"])

        if rule == "most_recent":
            best = min(rows, key=recent)
        elif rule == "first_non_null":
            best = min(
                rows,
                key=lambda r: (ts(r, 2**62), -TRUST.get(r["source"], 0.0), r["record_id"]),
            )
        elif rule == "longest":
            best = min(rows, key=lambda r: (-len(r["city"].strip()), tiebreak(r)))
        elif rule == "most_complete":
            best = min(rows, key=lambda r: (-complete[r["record_id"]], tiebreak(r)))
        elif rule == "source_priority":
            rank = {"csm": 0, "crm": 1}
            best = min(rows, key=lambda r: (rank.get(r["source"], 2), tiebreak(r)))
        else:  # most_frequent
            top = min(rows, key=lambda r: (-counts[r["city_std"]], tiebreak(r)))
            same = [r for r in rows if r["city_std"] == top["city_std"]]
            best = min(same, key=recent)
        out[entity] = best["record_id"]
    return out


@SETTINGS
@given(record_sets(), st.sampled_from(SINGLE_RULES))
def test_vectorised_rules_match_brute_force(data, rule):
    records, clusters = data
    golden = merge(records, clusters, _policies(rule), trust=TRUST)
    got = {e: r for e, r in zip(golden["entity_id"], golden["city__record_id"], strict=True)
           if pd.notna(r)}
    assert got == _reference_choice(records, clusters, rule)


# ---------------------------------------------------------------------------------------
# metrics


@st.composite
def clusterings(draw):
    n = draw(st.integers(0, 30))
    ids = [f"r{i}" for i in range(n)]
    predicted = pd.Series(draw(st.lists(st.integers(0, 6), min_size=n, max_size=n)), index=ids)
    truth = pd.Series(draw(st.lists(st.integers(0, 6), min_size=n, max_size=n)), index=ids)
    # Some records missing from one side: they are singletons there.
    drop_p = draw(st.integers(0, n))
    drop_t = draw(st.integers(0, n))
    return predicted.iloc[drop_p // 2 :], truth.iloc[: n - drop_t // 3], ids


def _brute_pairs(labels: pd.Series):
    pairs = set()
    for a, b in itertools.combinations(labels.index, 2):
        if labels[a] == labels[b]:
            pairs.add(frozenset((a, b)))
    return pairs


def _ratio(a, b):
    return a / b if b else 0.0


@SETTINGS
@given(clusterings(), st.booleans())
def test_cluster_pair_scores_match_enumeration(data, link):
    predicted, truth, ids = data
    pred_pairs, true_set = _brute_pairs(predicted), _brute_pairs(truth)
    sides = None
    if link:
        sides = pd.Series(["left" if int(i[1:]) % 2 else "right" for i in ids], index=ids)

        def cross(pairs):
            return {p for p in pairs if len({sides[x] for x in p}) == 2}

        pred_pairs, true_set = cross(pred_pairs), cross(true_set)
    scores = cluster_pair_scores(predicted, truth, sides)
    tp = len(pred_pairs & true_set)
    assert (scores.tp, scores.fp, scores.fn) == (
        tp,
        len(pred_pairs) - tp,
        len(true_set) - tp,
    )
    assert np.isclose(scores.precision, _ratio(tp, len(pred_pairs)))
    assert np.isclose(scores.recall, _ratio(tp, len(true_set)))


@SETTINGS
@given(clusterings())
def test_bcubed_matches_reference(data):
    predicted, truth, _ = data
    ids = list(dict.fromkeys([*predicted.index, *truth.index]))
    known_p, known_t = predicted.to_dict(), truth.to_dict()
    p = {i: known_p.get(i, f"p-alone-{i}") for i in ids}
    t = {i: known_t.get(i, f"t-alone-{i}") for i in ids}
    precision = recall = 0.0
    for i in ids:
        same_p = {j for j in ids if p[j] == p[i]}
        same_t = {j for j in ids if t[j] == t[i]}
        precision += len(same_p & same_t) / len(same_p)
        recall += len(same_p & same_t) / len(same_t)
    scores = bcubed(predicted, truth)
    n = len(ids)
    assert np.isclose(scores.precision, precision / n if n else 0.0)
    assert np.isclose(scores.recall, recall / n if n else 0.0)


@SETTINGS
@given(clusterings())
def test_true_pairs_and_pair_scores_match_enumeration(data):
    predicted, truth, _ = data
    enumerated = true_pairs(truth)
    assert {frozenset(p) for p in enumerated.itertuples(index=False)} == _brute_pairs(truth)
    assert (enumerated["record_id_l"] < enumerated["record_id_r"]).all()
    assert not enumerated.duplicated().any()
    from_pairs = pair_scores(true_pairs(predicted), enumerated)
    from_clusters = cluster_pair_scores(predicted, truth)
    # pair_scores only knows the pairs, so records outside both Series do not matter.
    assert (from_pairs.tp, from_pairs.fp, from_pairs.fn) == (
        from_clusters.tp,
        from_clusters.fp,
        from_clusters.fn,
    )


@SETTINGS
@given(
    st.lists(
        st.tuples(st.integers(0, 7), st.integers(0, 7), st.sampled_from([0.1, 0.3, 0.5, 0.9])),
        max_size=30,
    ),
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=15),
)
def test_threshold_sweep_matches_brute_force(scored, truth):
    scored_frame = pd.DataFrame(
        {
            "record_id_l": [f"r{a}" for a, _, _ in scored],
            "record_id_r": [f"r{b}" for _, b, _ in scored],
            "match_probability": [p for _, _, p in scored],
        }
    )
    truth_frame = pd.DataFrame(
        {"record_id_l": [f"r{a}" for a, _ in truth], "record_id_r": [f"r{b}" for _, b in truth]}
    )
    true_set = {frozenset((f"r{a}", f"r{b}")) for a, b in truth if a != b}
    best: dict[frozenset, float] = {}
    for a, b, p in scored:
        if a != b:
            key = frozenset((f"r{a}", f"r{b}"))
            best[key] = max(p, best.get(key, 0.0))
    thresholds = [0.0, 0.2, 0.3, 0.5, 0.7, 0.9, 1.0]
    sweep = threshold_sweep(scored_frame, truth_frame, thresholds)
    for row in sweep.itertuples():
        predicted = {k for k, p in best.items() if p >= row.threshold}
        tp = len(predicted & true_set)
        assert row.predicted == len(predicted)
        assert np.isclose(row.precision, _ratio(tp, len(predicted)))
        assert np.isclose(row.recall, _ratio(tp, len(true_set)))
