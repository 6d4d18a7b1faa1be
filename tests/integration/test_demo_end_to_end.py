"""End to end on examples/cx_demo: four exports, planted rejects and an answer key."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import unifyprofile as up
from unifyprofile.evaluate import bcubed, cluster_pair_scores
from unifyprofile.graph import AMBIGUOUS
from unifyprofile.standardise import split_full_name

DEMO = Path(__file__).resolve().parents[2] / "examples" / "cx_demo"


@pytest.fixture(scope="module")
def result() -> up.Result:
    return up.Resolver(up.load_config(DEMO / "unify.toml")).run()


@pytest.fixture(scope="module")
def truth() -> pd.Series:
    table = pd.read_csv(DEMO / "truth.csv", dtype=str)
    return table.set_index("record_id")["person_id"]


def test_clusters_cover_every_record_exactly_once(result, truth):
    clusters = result.clusters
    assert list(clusters.columns) == ["record_id", "entity_id"]
    assert clusters["record_id"].is_unique
    assert clusters["entity_id"].notna().all()
    assert set(clusters["record_id"]) == set(result.records["record_id"])
    # Every valid row of every export, and nothing else, is a record.
    assert set(clusters["record_id"]) == set(truth.index)
    assert len(clusters) == len(truth)


def _blank(value) -> str:
    return "" if pd.isna(value) else str(value)


def test_rejects_are_exactly_the_planted_rows(result):
    planted = pd.read_csv(DEMO / "planted_rejects.csv", dtype={"row": int}, keep_default_na=False)
    got = result.rejects
    assert list(got.columns) == ["source", "row", "source_record_id", "column", "reason"]
    assert sorted(zip(got["source"], got["row"].astype(int), strict=True)) == sorted(
        zip(planted["source"], planted["row"], strict=True)
    )
    by_row = got.set_index(["source", got["row"].astype(int)])
    for row in planted.itertuples():
        reject = by_row.loc[(row.source, row.row)]
        assert reject["reason"].startswith(row.reason), (row, reject["reason"])
        if row.source_record_id:
            assert _blank(reject["source_record_id"]) == row.source_record_id


def test_cluster_quality_against_the_answer_key(result, truth):
    predicted = result.clusters.set_index("record_id")["entity_id"]
    pairs = cluster_pair_scores(predicted, truth)
    records = bcubed(predicted, truth)
    # Measured: pairwise P 0.960 / R 0.925 / F1 0.942; B-cubed P 0.987 / R 0.954 / F1 0.970.
    assert pairs.f1 >= 0.93, pairs
    assert pairs.precision >= 0.94, pairs
    assert records.f1 >= 0.96, records
    # Errs towards keeping people apart: at least as many entities as people (3,211 vs 3,000).
    assert predicted.nunique() >= truth.nunique()


def test_golden_has_one_row_per_entity(result):
    golden = result.golden
    assert golden["entity_id"].is_unique
    assert set(golden["entity_id"]) == set(result.clusters["entity_id"])
    sizes = result.clusters.groupby("entity_id").size()
    assert (
        golden.set_index("entity_id")["record_count"]
        .sort_index()
        .equals(sizes.sort_index().rename("record_count"))
    )


def test_golden_collect_all_provenance_is_aligned(result):
    records = result.records.set_index("record_id")
    members = result.clusters.groupby("entity_id")["record_id"].agg(set)
    golden = result.golden
    seen = multi = 0
    for row in golden.itertuples():
        values, rids, sources = row.email, row.email__record_id, row.email__source
        if not isinstance(values, list):
            assert rids is None or (not isinstance(rids, list) and pd.isna(rids))
            continue
        assert len(values) == len(rids) == len(sources) >= 1
        multi += len(values) > 1
        stds = [records.at[r, "email_std"] for r in rids]
        assert len(set(stds)) == len(stds)  # one entry per distinct standardised value
        for value, rid, source in zip(values, rids, sources, strict=True):
            assert rid in members[row.entity_id]
            assert records.at[rid, "email"] == value
            assert records.at[rid, "source"] == source
            seen += 1
    assert seen > 0.9 * len(golden)
    assert multi > 50  # people who changed address or use a Gmail variant keep them all


def test_golden_single_value_provenance(result):
    golden = result.golden
    records = result.records.set_index("record_id")
    order = ["crm", "ecommerce", "csm", "support"]
    have = golden[golden["first_name"].notna()]
    # csm and support hold only a full name: their first name is the parsed full name's.
    assert len(have) > 0.95 * len(golden)
    split = split_full_name(records["full_name"].dropna())["first"]
    for row in have.itertuples():
        assert row.first_name__source in row.sources
        assert row.first_name__source in order
        assert row.first_name__rule == "source_priority"
        assert records.at[row.first_name__record_id, "source"] == row.first_name__source
        given = records.at[row.first_name__record_id, "first_name"]
        if pd.isna(given):
            given = split[row.first_name__record_id]
        assert given == row.first_name
    # source_priority: an entity with a CRM record takes its first name from the CRM
    # whenever a CRM record has one.
    with_crm = have[have["sources"].map(lambda s: "crm" in s)]
    assert (with_crm["first_name__source"] == "crm").mean() > 0.95
    # dob only survives from the CRM.
    assert set(golden["dob__source"].dropna()) == {"crm"}


def test_write_produces_readable_outputs(result, tmp_path):
    written = result.write(tmp_path / "out")
    names = sorted(p.name for p in written)
    assert names == sorted(
        [
            f"{t}.{ext}"
            for t in ("clusters", "golden", "pairs", "rejects", "events")
            for ext in ("parquet", "csv")
        ]
        + ["model.json", "summary.json", "records.parquet", "links_cut.parquet", "config.toml"]
    )
    assert all(p.exists() and p.stat().st_size > 0 for p in written)
    out = tmp_path / "out"
    clusters = pd.read_parquet(out / "clusters.parquet")
    pd.testing.assert_frame_equal(
        clusters, result.clusters.reset_index(drop=True), check_dtype=False
    )
    assert len(pd.read_csv(out / "rejects.csv")) == len(result.rejects)
    golden_csv = pd.read_csv(out / "golden.csv")
    assert len(golden_csv) == len(result.golden)
    listed = golden_csv["email"].dropna().map(json.loads)
    assert listed.map(lambda v: isinstance(v, list)).all()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["entities"] == result.clusters["entity_id"].nunique()
    assert summary["rejects"] == len(result.rejects)
    model = up.FellegiSunter.load(out / "model.json")
    levels = result.pairs[[c.name for c in model.comparisons]].to_numpy(np.int8)
    np.testing.assert_array_equal(model.match_weight(levels), result.model.match_weight(levels))


def test_pairs_table_is_consistent_with_clusters(result):
    pairs = result.pairs
    entity = result.clusters.set_index("record_id")["entity_id"]
    linked = pairs[pairs["linked"]]
    assert len(linked) > 0
    # A link that survived clustering joins two records of one entity.  The links cut
    # are those that would put two records the vetoes tell apart (two first names, two
    # dates of birth) into one entity, or that hold a record which fits two such
    # entities equally well, each with its reason.
    cut = set(zip(result.cut["record_id_l"], result.cut["record_id_r"], strict=True))
    reasons = result.cut["reason"]
    assert (reasons.str.startswith("kept apart") | (reasons == AMBIGUOUS)).all()
    kept = linked[[(a, b) not in cut for a, b in zip(
        linked["record_id_l"].astype(str), linked["record_id_r"].astype(str), strict=True)]]
    same = (
        entity.loc[kept["record_id_l"].astype(str)].to_numpy()
        == entity.loc[kept["record_id_r"].astype(str)].to_numpy()
    )
    assert same.all()
    # Rule links are always linked; probabilistic links reach the threshold.
    assert pairs.loc[pairs["rule"].notna(), "linked"].all()
    prob_only = linked[linked["rule"].isna()]
    assert (prob_only["match_probability"] >= result.config.threshold).all()


def test_a_person_in_all_four_exports_has_one_journey_across_them(result, truth):
    """Every record is an event; one person's journey spans the four sources in time
    order, and the golden profile counts what the journey shows."""
    assert result.events["record_id"].tolist() == result.records["record_id"].tolist()
    assert result.events["at"].notna().all()
    sources = truth.index.str.split(":").str[0]
    per_person = pd.Series(sources, index=truth.index).groupby(truth.to_numpy()).nunique()
    entity = result.clusters.set_index("record_id")["entity_id"]
    journeys = 0
    for person in per_person[per_person == 4].index[:20]:
        entities = entity[truth[truth == person].index].unique()
        if len(entities) != 1:
            continue  # a person the run split: not one journey
        line = result.timeline(entities[0])
        assert set(line["source"]) == {"crm", "csm", "ecommerce", "support"}
        assert line["at"].is_monotonic_increasing
        golden = result.golden.set_index("entity_id").loc[entities[0]]
        assert golden["events"] == len(line)
        assert golden["first_seen"] == line["at"].iloc[0]
        assert golden["last_seen"] == line["at"].iloc[-1]
        assert json.loads(golden["events_by_source"]) == line["source"].value_counts().to_dict()
        journeys += 1
    assert journeys >= 15
