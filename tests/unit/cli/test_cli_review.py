"""Explain without a store (``Result.explain``, ``explain --out``), ``review`` and
``run --labels`` on the demo."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import unifyprofile as up
from unifyprofile.result import EVIDENCE_COLUMNS, Result
from unifyprofile.store import Explanation, IdentityStore

CliMain = Callable[..., tuple[int, str, str]]
DEMO = Path(__file__).resolve().parents[3] / "examples" / "cx_demo"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path, Path]:
    """The demo resolved in a batch (and written), and ingested into a store."""
    where = tmp_path_factory.mktemp("demo")
    result = up.Resolver(up.load_config(DEMO / "unify.toml")).run()
    result.write(where / "out")
    with IdentityStore(where / "s.db", DEMO / "unify.toml") as store:
        store.ingest()
    return result, where / "out", where / "s.db"


def _linked_pair(result: Result) -> tuple[str, str]:
    """Two records of the largest entity that no single link joins, if there are."""
    sizes = result.clusters.groupby("entity_id").size()
    members = result.clusters.loc[result.clusters["entity_id"] == sizes.idxmax(),
                                  "record_id"].astype(str).tolist()
    return members[0], members[-1]


def _apart_pair(result: Result) -> tuple[str, str]:
    """Two compared records of different entities."""
    entity = result.clusters.set_index("record_id")["entity_id"]
    pairs = result.pairs
    apart = pairs[entity.reindex(pairs["record_id_l"].astype(str)).to_numpy()
                  != entity.reindex(pairs["record_id_r"].astype(str)).to_numpy()]
    row = apart.sort_values("match_probability").iloc[-1]
    return str(row["record_id_l"]), str(row["record_id_r"])


def _same(batch: Explanation, stored: Explanation) -> None:
    assert batch.record_ids == stored.record_ids
    assert batch.same_entity == stored.same_entity
    assert batch.reason == stored.reason
    assert list(batch.path.columns) == list(stored.path.columns)
    pd.testing.assert_frame_equal(batch.path.reset_index(drop=True),
                                  stored.path.reset_index(drop=True), check_dtype=False)
    assert list(batch.direct.columns) == list(stored.direct.columns)
    pd.testing.assert_frame_equal(batch.direct, stored.direct, check_dtype=False)
    assert list(batch.evidence.columns) == list(EVIDENCE_COLUMNS)
    pd.testing.assert_frame_equal(batch.evidence, stored.evidence, check_dtype=False)


@pytest.mark.parametrize("which", [_linked_pair, _apart_pair])
def test_result_explain_matches_the_store_explain(
        demo: tuple[Result, Path, Path], which: Callable[[Result], tuple[str, str]]) -> None:
    result, _, db = demo
    a, b = which(result)
    with IdentityStore(db) as store:
        stored = store.explain(a, b)
    batch = result.explain(a, b)
    _same(batch, stored)
    if batch.same_entity:
        assert len(batch.path) >= 1 and batch.path["linked"].all()
        # The evidence of each link adds up to its weight.
        names = [c.name for c in result.model.comparisons]
        np.testing.assert_allclose(batch.path[names].sum(axis=1), batch.path["match_weight"])
    else:
        assert batch.direct["compared"].iloc[0] and batch.path.empty
    # Values and level labels: each row's label is a level of its comparison.
    for row, comparison in zip(batch.evidence.to_dict("records"), result.model.comparisons,
                               strict=True):
        assert row["label"] == ("null" if row["level"] < 0
                                else comparison.level_names[row["level"]])
        if row["level"] >= 0:
            assert row["value_l"] is not None and row["value_r"] is not None


def test_explain_of_a_written_run_is_the_explain_of_the_run(
        demo: tuple[Result, Path, Path]) -> None:
    result, out, _ = demo
    read = Result.read(out)
    for a, b in (_linked_pair(result), _apart_pair(result)):
        _same(read.explain(a, b), result.explain(a, b))
    with pytest.raises(up.errors.DataError, match="no record 'crm:nobody'"):
        read.explain("crm:nobody", a)


def test_cli_explain_out_and_store_agree(demo: tuple[Result, Path, Path],
                                         cli_main: CliMain) -> None:
    result, out, db = demo
    a, b = _linked_pair(result)
    code, batch, err = cli_main("explain", a, b, "--out", str(out), "--json")
    assert code == 0, err
    code, stored, err = cli_main("explain", a, b, "--store", str(db), "--json")
    assert code == 0, err
    answer, other = json.loads(batch), json.loads(stored)
    assert answer.keys() == other.keys()
    assert answer["reason"] == other["reason"]
    assert [(s["record_id_l"], s["record_id_r"]) for s in answer["path"]] == [
        (s["record_id_l"], s["record_id_r"]) for s in other["path"]]
    assert [e["label"] for e in answer["evidence"]] == [e["label"] for e in other["evidence"]]
    assert answer["record_ids"] == [a, b] and answer["evidence"]
    code, shown, _ = cli_main("explain", a, b, "--out", str(out))
    assert code == 0 and "values and levels" in shown
    code, _, err = cli_main("explain", a, b, "--out", str(out), "--store", str(db))
    assert code == 2 and "not both" in err
    code, _, err = cli_main("explain", a, b, "--out", str(out.parent / "nowhere"))
    assert code == 2 and "output folder" in err


def test_review_writes_the_least_sure_pairs_deterministically(
        demo: tuple[Result, Path, Path], cli_main: CliMain, tmp_path: Path) -> None:
    result, out, _ = demo
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    code, said, err = cli_main("review", str(out), "-n", "50", "-o", str(first), "--json")
    assert code == 0, err
    assert json.loads(said)["pairs"] == 50
    assert cli_main("review", str(out), "-n", "50", "-o", str(second))[0] == 0
    assert first.read_bytes() == second.read_bytes()
    table = pd.read_csv(first, dtype=str, keep_default_na=False)
    assert len(table) == 50 and (table["is_match"] == "").all()
    assert {"record_id_l", "record_id_r", "match_probability", "why", "source_l",
            "source_r", "email_l", "email_r", "first_name_l", "first_name_r"} <= set(
        table.columns)
    # Values side by side are the records' own.
    records = result.records.set_index("record_id")
    for row in table.head(10).to_dict("records"):
        for side in ("l", "r"):
            held = records.at[row[f"record_id_{side}"], "email"]
            assert row[f"email_{side}"] == ("" if pd.isna(held) else str(held))
    # Those picked as near the threshold are nearer than any pair not picked.
    threshold = result.config.threshold
    target = np.log2(threshold / (1 - threshold)) - result.model.prior_weight
    pairs = result.pairs[result.pairs["rule"].isna()]
    distance = (pairs["match_weight"] - target).abs()
    keys = pairs["record_id_l"].astype(str) + "|" + pairs["record_id_r"].astype(str)
    near = table[table["why"] == "near the threshold"]
    picked = set(near["record_id_l"] + "|" + near["record_id_r"])
    assert len(picked) == 40
    inside = keys.isin(picked).to_numpy()
    assert distance[inside].max() <= distance[~inside].min() + 1e-9
    # The rest come from the probability bands.
    assert table.loc[table["why"] != "near the threshold", "why"].str.startswith("band").all()


def test_run_with_labels_uses_them(demo: tuple[Result, Path, Path], cli_main: CliMain,
                                   tmp_path: Path) -> None:
    result, out, _ = demo
    to_label = tmp_path / "to_label.csv"
    assert cli_main("review", str(out), "-n", "30", "-o", str(to_label))[0] == 0
    table = pd.read_csv(to_label, dtype=str, keep_default_na=False)
    truth = pd.read_csv(DEMO / "truth.csv", dtype=str)
    person = dict(zip(truth.iloc[:, 0], truth.iloc[:, 1], strict=True))
    table["is_match"] = [int(person.get(a) == person.get(b)) for a, b in zip(
        table["record_id_l"], table["record_id_r"], strict=True)]
    table.to_csv(to_label, index=False)
    code, summary, err = cli_main("run", str(DEMO / "unify.toml"), "--out",
                                  str(tmp_path / "out"), "--labels", str(to_label), "--json")
    assert code == 0, err
    assert any(note.startswith("labels:") for note in json.loads(summary)["notes"])
    bad = tmp_path / "bad.csv"
    table.assign(record_id_r="crm:nobody").to_csv(bad, index=False)
    code, _, err = cli_main("run", str(DEMO / "unify.toml"), "--out", str(tmp_path / "o2"),
                            "--labels", str(bad))
    assert code == 3 and "bad.csv: row 2, column record_id_r" in err
