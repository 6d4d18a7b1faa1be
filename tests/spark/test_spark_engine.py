"""The Spark engine gives the local engine's answer: same partition, golden profiles,
pair scores and (on the example data) the same fitted model."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from spark_compare import (
    assert_same_golden,
    assert_same_pairs,
    assert_same_partition,
    plain_rows,
    unreadable_by_kind,
)

import unifyprofile as up
from unifyprofile.errors import ConfigError
from unifyprofile.score import DeterministicRule, Guards

pytest.importorskip(
    "pyspark", reason="pyspark is not installed: pip install 'unifyprofile[spark]' to run "
    "the Spark engine tests")
from unifyprofile.engines.spark import SparkEngine, SparkPipeline  # noqa: E402

pytestmark = pytest.mark.spark

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "cx_demo" / "unify.toml"
FIELDS = ("first_name", "last_name", "dob", "email", "phone", "address", "city", "postcode")


@pytest.fixture(scope="module")
def demo(spark: Any) -> tuple[Any, Any]:
    """Both engines on the example data; Spark gets the CRM export as a Spark DataFrame
    (read as the local reader reads CSV: strings, quoted newlines, "" for a quote)."""
    config = _without_events(up.load_config(DEMO))
    crm = spark.read.options(header=True, multiLine=True, escape='"').csv(
        str(DEMO.parent / "crm_contacts.csv"))
    return (up.Resolver(config).run(),
            up.Resolver(config, engine=SparkEngine(spark)).run({"crm": crm}))


def _without_events(config: up.Config) -> up.Config:
    """The config with its event sources plain sources (Spark reads no events yet)."""
    return config.with_sources([dataclasses.replace(s, events=None) for s in config.sources])


def test_event_sources_are_refused_with_a_way_out(spark: Any) -> None:
    config = up.load_config(DEMO)
    with pytest.raises(ConfigError, match=r"source 'csm': events are not read by the Spark "
                                          r"engine yet; run this config with the local"):
        up.Resolver(config, engine=SparkEngine(spark)).run()


def test_demo_same_partition(demo: tuple[Any, Any]) -> None:
    local, spark = demo
    assert_same_partition(local.clusters, spark.clusters.toPandas())


def test_demo_same_model(demo: tuple[Any, Any]) -> None:
    local, spark = demo
    for a, b in zip(local.model.m_, spark.model.m_, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-9)
    for a, b in zip(local.model.u_, spark.model.u_, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-9)
    assert spark.model.lambda_ == pytest.approx(local.model.lambda_, rel=1e-9)


def test_demo_same_pairs(demo: tuple[Any, Any]) -> None:
    local, spark = demo
    assert_same_pairs(local.pairs, spark.pairs.toPandas())


def test_demo_results_share_one_interface(demo: tuple[Any, Any]) -> None:
    """Both results are :class:`RunResult`: the same graph of an entity, from pandas
    tables or collected from Spark."""
    from unifyprofile.result import RunResult

    local, spark = demo
    assert isinstance(local, RunResult) and isinstance(spark, RunResult)
    largest = local.clusters["entity_id"].value_counts().index[0]
    mine, theirs = local.graph(largest), spark.graph(largest)
    assert sorted(mine.nodes) == sorted(theirs.nodes) and len(mine.nodes) > 2
    assert {frozenset(e) for e in mine.edges} == {frozenset(e) for e in theirs.edges}
    assert repr(spark).startswith("SparkResult(tables=Spark DataFrames, model=FellegiSunter(")


def test_demo_same_golden(demo: tuple[Any, Any]) -> None:
    local, spark = demo
    assert_same_golden(local.golden, spark.golden.toPandas())


def test_demo_same_hubs_rejects_and_summary(demo: tuple[Any, Any]) -> None:
    local, spark = demo
    key = ["source", "row"]
    assert plain_rows(unreadable_by_kind(spark.rejects.toPandas()), key) == plain_rows(
        unreadable_by_kind(local.rejects), key)
    assert spark.notes == local.notes
    pd.testing.assert_frame_equal(spark.hubs.reset_index(drop=True),
                                  local.hubs.reset_index(drop=True), check_dtype=False)
    ours, theirs = spark.summary(), local.summary()
    for key in ("rows_read", "records", "rejects", "candidate_pairs", "matches",
                "rule_matches", "entities", "cluster_sizes", "largest_cluster",
                "hub_values_demoted", "links_cut_by_guards"):
        assert ours[key] == theirs[key], key


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--records",
                    "1500", "--seed", "3", "--out", str(out)], check=True)
    return out / "records.parquet"


def _generated_config(path: Path, **guards: Any) -> up.Config:
    source = up.Source("customers", path=path, id_column="record_id",
                       columns={c: c for c in FIELDS})
    return up.Config(
        sources=(source,),
        rules=tuple(DeterministicRule.from_config({"name": k, "keys": [k, "first_name:nick"]})
                    for k in ("email", "phone")),
        blocking=tuple(up.BlockingRule.parse(r) for r in (
            ["email"], ["phone"], ["last_name:soundex", "first_name:nick"],
            ["last_name", "postcode"], ["first_name:nick", "dob"], ["dob", "postcode"])),
        guards=Guards(veto=("first_name", "dob"), **guards),
        seed=1,
    )


@pytest.mark.parametrize("guards", [{}, {"max_cluster_size": 2,
                                         "unique_identifiers": ("email",)},
                                    {"keep_apart_below": 0.9}],
                         ids=["plain", "guards-split", "keep-apart"])
def test_generated_data_given_model(spark: Any, generated: Path,
                                    guards: dict[str, Any]) -> None:
    """Both engines score with one fitted model; the guards case splits components."""
    config = _generated_config(generated, **guards)
    local = up.Resolver(config).run()
    result = up.Resolver(config, engine=SparkEngine(spark), model=local.model).run()
    assert_same_partition(local.clusters, result.clusters.toPandas())
    assert_same_pairs(local.pairs, result.pairs.toPandas())
    assert_same_golden(local.golden, result.golden.toPandas())
    cut = result.cut.toPandas()
    assert len(cut) == len(local.cut)
    if guards:
        assert len(local.cut) > 0  # the guards did split something
        key = ["record_id_l", "record_id_r", "reason"]
        assert (sorted(map(tuple, cut[key].to_numpy().tolist()))
                == sorted(map(tuple, local.cut[key].to_numpy().tolist())))


def test_write(demo: tuple[Any, Any], tmp_path: Path) -> None:
    local, result = demo
    written = result.write(tmp_path, csv=True)
    clusters = pd.read_parquet(tmp_path / "clusters.parquet")
    assert_same_partition(local.clusters, clusters)
    assert (tmp_path / "model.json") in written
    # csv=True: each table also as a CSV directory, lists as JSON arrays as locally.
    assert (tmp_path / "golden.csv") in written
    golden = pd.concat([pd.read_csv(part, dtype=str, keep_default_na=False)
                        for part in sorted((tmp_path / "golden.csv").glob("part-*.csv"))])
    assert sorted(golden["entity_id"]) == sorted(local.golden["entity_id"])
    listed = [c for c in local.golden.columns
              if local.golden[c].map(lambda v: isinstance(v, (list, np.ndarray))).any()]
    assert listed, "the demo's golden profiles have a multi-valued field"
    for column in listed:
        assert golden[column].map(lambda v: v == "" or isinstance(json.loads(v), list)).all()
    rejects = pd.read_parquet(tmp_path / "rejects.parquet")
    assert len(rejects) == result.rejects.count() == result.summary()["rejects"]


def test_connected_components_long_chain(spark: Any) -> None:
    # A path of 40 nodes (worst case for label propagation) and a star, shuffled ids.
    rng = np.random.default_rng(0)
    ids = rng.permutation(100)
    edges = [(ids[k], ids[k + 1]) for k in range(39)] + [(ids[50], ids[60 + k])
                                                          for k in range(10)]
    frame = spark.createDataFrame(
        pd.DataFrame({"i": [int(min(e)) for e in edges], "j": [int(max(e)) for e in edges]}))
    run = SparkPipeline(up.load_config(DEMO), spark)
    labels, rounds = run.components(frame)
    got = labels.toPandas().set_index("node")["component"].to_dict()
    assert got == {**{int(n): int(ids[:40].min()) for n in ids[:40]},
                   **{int(n): int(min(ids[50], *ids[60:70])) for n in [ids[50], *ids[60:70]]}}
    assert rounds < 10


def test_bad_engine(spark: Any) -> None:
    config = up.load_config(DEMO)
    with pytest.raises(ConfigError, match="engine: expected one of local, spark"):
        up.Resolver(config, engine="dask")
    with pytest.raises(ConfigError, match="expected an Engine"):
        up.Resolver(config, engine=spark)  # a session is not an engine


def _link_config(generated: Path, directory: Path) -> up.Config:
    """The generated people split into two tables (even and odd rows) to be linked."""
    table = pd.read_parquet(generated).head(500)  # u's random pairs: 4 per possible pair
    sources = []
    for name, part in (("left", table.iloc[::2]), ("right", table.iloc[1::2])):
        part.to_parquet(directory / f"{name}.parquet", index=False)
        sources.append(up.Source(name, path=directory / f"{name}.parquet",
                                 id_column="record_id", columns={c: c for c in FIELDS}))
    base = _generated_config(generated)
    return up.Config(**{**{f: getattr(base, f) for f in base.__dataclass_fields__},
                        "sources": tuple(sources), "link_type": "link_only"})


def test_link_only_same_as_local(spark: Any, generated: Path, tmp_path: Path) -> None:
    """link_only on Spark fits the same model and finds the same pairs and entities,
    with blocks of more than 4 records salted on the way."""
    config = _link_config(generated, tmp_path)
    local = up.Resolver(config).run()
    spark.conf.set("spark.unifyprofile.saltAbove", "4")
    try:
        result = up.Resolver(config, engine=SparkEngine(spark)).run()
    finally:
        spark.conf.unset("spark.unifyprofile.saltAbove")
    pairs = result.pairs.toPandas()
    assert len(pairs) > 0
    assert (pairs["record_id_l"].str.split(":").str[0]
            != pairs["record_id_r"].str.split(":").str[0]).all()
    for a, b in zip(local.model.m_, result.model.m_, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-9)
    for a, b in zip(local.model.u_, result.model.u_, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-9)
    assert result.model.lambda_ == pytest.approx(local.model.lambda_, rel=1e-9)
    assert_same_pairs(local.pairs, pairs)
    assert_same_partition(local.clusters, result.clusters.toPandas())
    assert_same_golden(local.golden, result.golden.toPandas())


def test_salting_keeps_the_pair_set(spark: Any) -> None:
    """Salting large blocks changes where pairs are made, not which: blocks of up to 40
    records under two rules (so the second drops the first's pairs), nulls, and a link
    side, with blocks of more than 3 records salted into up to 14 salts."""
    rng = np.random.default_rng(5)
    n = 240
    keys = spark.createDataFrame(pd.DataFrame({
        "_pos": np.arange(n, dtype=np.int64),
        "k0": [None if v == 0 else f"a{v}" for v in rng.integers(0, 8, n)],
        "k1": [f"b{v}" for v in rng.zipf(1.6, n) % 12],
        "_side": rng.integers(0, 2, n).astype(np.int32),
    })).localCheckpoint()
    rules = [up.BlockingRule.parse("email"), up.BlockingRule.parse("phone")]
    config = up.load_config(DEMO)
    plain = SparkPipeline(config, spark, salt_above=10**9)
    salted = SparkPipeline(config, spark, salt_above=3)
    for table in (keys.drop("_side"), keys):  # dedupe, then link_only
        without = sorted(map(tuple, plain.block(table, rules).collect()))
        with_salt = sorted(map(tuple, salted.block(table, rules).collect()))
        assert len(without) > 1000
        assert with_salt == without
        assert len(set(with_salt)) == len(with_salt)


def test_cli_engine_spark(spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    """``unifyprofile run --engine spark`` writes Parquet outputs equal to the local run's."""
    from unifyprofile import cli

    crm = pd.read_csv(DEMO.parent / "crm_contacts.csv", dtype=str).head(60)
    crm.to_csv(tmp_path / "crm.csv", index=False)
    (tmp_path / "unify.toml").write_text(
        '[[sources]]\nname = "crm"\npreset = "salesforce_contacts"\npath = "crm.csv"\n'
        'default_region = "US"\n', encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["unifyprofile", "run", str(tmp_path / "unify.toml"),
                                      "--engine", "spark", "--json",
                                      "--out", str(tmp_path / "out")])
    try:
        cli.main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    assert code == 0, capsys.readouterr().err
    summary = json.loads(capsys.readouterr().out)
    assert summary["records"] == {"crm": 60}
    local = up.Resolver(up.load_config(tmp_path / "unify.toml")).run()
    assert_same_partition(local.clusters, pd.read_parquet(tmp_path / "out" / "clusters.parquet"))
    assert_same_golden(local.golden, pd.read_parquet(tmp_path / "out" / "golden.parquet"))


def test_shared_field_hubs_are_the_local_engines(spark: Any) -> None:
    """A junk address and a junk birth date that dozens of people give are demoted by
    both engines, the typical value's people measured by each on the whole data."""
    firsts = ["Anna", "Boris", "Carla", "Dmitri", "Elena", "Felix", "Greta", "Hugo", "Ines",
              "Jonas", "Klara", "Lukas", "Mona", "Nils", "Olga", "Paul", "Rita", "Sven",
              "Tina", "Udo", "Vera", "Willi", "Xenia", "Yvonne", "Zoe", "Arne", "Bea",
              "Carl", "Dora", "Emil"]
    rows = [(str(k), firsts[k % 30], f"Family{k // 2}",
             "12 Elm St" if k < 30 else f"{k} Oak St",
             "1970-01-01" if k < 30 else f"1980-01-{1 + k % 28:02d}")
            for k in range(90)]
    people = pd.DataFrame(rows, columns=["id", "first_name", "last_name", "address", "dob"])
    config = up.Config(
        sources=(up.Source("people", data=people, id_column="id",
                           columns={c: c for c in people.columns if c != "id"}),),
        blocking=(up.BlockingRule.parse(["last_name"]),), seed=1)
    local = up.Resolver(config).run()
    result = up.Resolver(config, engine=SparkEngine(spark)).run(
        {"people": spark.createDataFrame(people)})
    assert sorted(local.hubs["field"]) == ["address", "dob"]
    pd.testing.assert_frame_equal(
        result.hubs.sort_values("field").reset_index(drop=True),
        local.hubs.sort_values("field").reset_index(drop=True), check_dtype=False)


def test_names_with_lost_letters_score_as_locally(spark: Any) -> None:
    """A surname whose letters an export lost ("Buli?") agrees exactly with the names it
    spells, counted with their term frequency together, on both engines."""
    surnames = ["Bulic", "Matic", "Horvat", "Novak", "Kovac", "Babic", "Juric", "Knezevic",
                "Maric", "Petrovic", "Saric", "Vukovic", "Tomic", "Pavlovic", "Bozic"]
    firsts = ["Ivan", "Ana", "Marko", "Petra", "Luka", "Maja", "Josip", "Ivana", "Tomislav",
              "Marija", "Ante", "Kata", "Stjepan", "Mila", "Zoran"]
    rows = []
    for k, (first, last) in enumerate(zip(firsts, surnames, strict=True)):
        dob = f"19{60 + k}-0{1 + k % 9}-1{k % 10}"
        lost = last[:-1] + "?" if k % 2 else last  # every other person's ć became "?"
        rows += [(f"a{k}", first, last, dob), (f"b{k}", first, lost, dob),
                 (f"c{k}", first, last.replace("c", "d"), f"19{60 + k}-1{k % 3}-01")]
    people = pd.DataFrame(rows, columns=["id", "first_name", "last_name", "dob"])
    config = up.Config(
        sources=(up.Source("people", data=people, id_column="id",
                           columns={c: c for c in people.columns if c != "id"}),),
        blocking=(up.BlockingRule.parse(["first_name"]),), seed=1)
    local = up.Resolver(config).run()
    result = up.Resolver(config, engine=SparkEngine(spark), model=local.model).run(
        {"people": spark.createDataFrame(people)})
    pairs = local.pairs.set_index(["record_id_l", "record_id_r"])
    assert pairs.loc[("people:a1", "people:b1"), "last_name"] == pairs.loc[
        ("people:a0", "people:b0"), "last_name"]  # "buli?" and "bulic" agree exactly
    assert_same_pairs(local.pairs, result.pairs.toPandas())
