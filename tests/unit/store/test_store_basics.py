"""Building, ingesting, updating, reopening an identity store file."""

from __future__ import annotations

import dataclasses
import sqlite3

import pandas as pd
import pytest
from store_testdata import ROWS, entity_of, make_config, partition, people

import unifyprofile as up
from unifyprofile.errors import ConfigError, StoreError
from unifyprofile.score import Guards
from unifyprofile.store import SCHEMA_VERSION


def test_first_ingest_fits_and_resolves_like_a_batch_run(config, store_path):
    data = people()
    with up.IdentityStore(store_path, config) as store:
        changes = store.ingest(data, source="crm")
        assert store.fitted
        assert changes.records == 8
        assert len(changes.created) == 6
        clusters = store.clusters()
    batch = up.Resolver(config.with_sources(
        [up.Source("crm", data=data, id_column="id",
                   columns=dict(config.sources[0].columns))])).run()
    assert partition(clusters) == partition(batch.clusters)
    # A fresh store names entities as a batch run does.
    assert sorted(clusters["entity_id"]) == sorted(batch.clusters["entity_id"])
    assert ["crm:a1", "crm:a2"] in partition(clusters)


def test_reopen_without_config_uses_the_stored_one(config, store_path):
    with up.IdentityStore(store_path, config) as store:
        store.ingest(people(), source="crm")
    with up.IdentityStore(store_path) as store:
        assert store.config.threshold == config.threshold
        assert len(store.clusters()) == 8
        assert store.build().summary()["created"] == 0


def test_a_different_matching_config_is_refused(config, store_path):
    with up.IdentityStore(store_path, config) as store:
        store.ingest(people(), source="crm")
        before = store.clusters()
    looser = make_config(threshold=0.9)
    with pytest.raises(StoreError, match="resolver.*refit=True"):
        up.IdentityStore(store_path, looser)
    with up.IdentityStore(store_path) as store:
        with pytest.raises(StoreError, match="differs in resolver; pass refit=True"):
            store.build(config=looser)
        store.build(refit=True, config=looser)
        assert store.clusters().equals(before)  # same people, same ids
    with up.IdentityStore(store_path, looser) as store:  # the new config is now the stored one
        assert store.config.threshold == 0.9


def test_a_newer_schema_is_refused(config, store_path):
    up.IdentityStore(store_path, config).close()
    db = sqlite3.connect(store_path)
    db.execute("INSERT INTO schema_version VALUES (?, 'later')", (SCHEMA_VERSION + 1,))
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer than this unifyprofile supports"):
        up.IdentityStore(store_path)


def test_a_second_writer_waits_then_says_why(config, store_path):
    with up.IdentityStore(store_path, config) as store:
        store.ingest(people(), source="crm")
    other = sqlite3.connect(store_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    try:
        with up.IdentityStore(store_path, wait=0.2) as store:
            # Reading does not wait for the writer...
            assert store.resolve({"first_name": "Ann", "last_name": "Lee",
                                  "email": "ann.lee@mail.com"}).entity_id is not None
            # ...writing waits, then fails naming the cause and the fix.
            with pytest.raises(StoreError, match="another process.*0.2 s.*wait="):
                store.ingest(people()[:1], source="crm")
    finally:
        other.execute("ROLLBACK")
        other.close()
    with up.IdentityStore(store_path) as store:  # and the store is unharmed
        assert store.ingest(people()[:1], source="crm").summary()["created"] == 0


def test_not_a_store_file(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not a unifyprofile store"):
        up.IdentityStore(path)


def test_store_without_model_says_how_to_get_one(config, store_path):
    with up.IdentityStore(store_path, config) as store, \
            pytest.raises(StoreError, match="first ingest fits one"):
        store.resolve({"email": "x@y.org"})


def test_unknown_source_is_named(config, store_path):
    with up.IdentityStore(store_path, config) as store, \
            pytest.raises(ConfigError, match="no source named 'shop'.*crm"):
        store.ingest(people(), source="shop")


def test_update_replaces_the_stored_record(config, store_path):
    with up.IdentityStore(store_path, config) as store:
        store.ingest(people(), source="crm")
        before = store.lookup(store.clusters().set_index("record_id").at["crm:c1", "entity_id"])
        assert before is not None and before.golden["email"] == ["chen.wei@web.cn"]
        changed = people()[people()["id"] == "c1"].assign(email="chen.new@web.cn")
        changes = store.ingest(changed, source="crm")
        assert changes.records == 1
        assert changes.updated == [before.entity_id]
        after = store.lookup(before.entity_id)
        assert after is not None and after.golden["email"] == ["chen.new@web.cn"]
        records = store.records()
        assert len(records) == 8
        assert records.set_index("record_id").at["crm:c1", "email"] == "chen.new@web.cn"


def test_rejected_rows_are_reported_not_dropped(config, store_path):
    data = pd.concat([people(), people().iloc[[0]]], ignore_index=True)  # repeated id
    with up.IdentityStore(store_path, config) as store:
        changes = store.ingest(data, source="crm")
        assert len(changes.rejects) >= 1
        assert "crm" in set(changes.rejects["source"])


def test_consent_opt_out_wins_in_the_golden_profile(config, store_path):
    with up.IdentityStore(store_path, config) as store:
        store.ingest(people(), source="crm")
        entity = store.clusters().set_index("record_id").at["crm:a1", "entity_id"]
        profile = store.lookup(entity)
        assert profile is not None
        # a1 says false, a2 says true: the opt-out survives, with its record as provenance.
        assert profile.golden["marketing_opt_out"] is True
        assert profile.golden["marketing_opt_out__record_id"] == "crm:a2"
        assert profile.golden["marketing_opt_out__rule"] == "any"


def test_canonical_records_can_be_ingested(config, store_path):
    with up.IdentityStore(store_path, config) as store:
        store.ingest(people(), source="crm")
        records = store.records()
        copy = store_path.with_name("copy.db")
        with up.IdentityStore(copy, config) as other:
            other.ingest(records[["record_id", "source", "source_record_id", "first_name",
                                  "last_name", "email", "phone", "dob", "marketing_opt_out"]])
            assert partition(other.clusters()) == partition(store.clusters())


def test_cli_ingest_matches_the_file_to_its_source(tmp_path):
    import json
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    demo = Path(__file__).resolve().parents[3] / "examples" / "cx_demo"
    for name in ("unify.toml", "crm_contacts.csv", "csm_cases.csv",
                 "ecommerce_customers.parquet", "support_chats.jsonl"):
        shutil.copy(demo / name, tmp_path / name)
    crm = pd.read_csv(demo / "crm_contacts.csv", dtype=str, on_bad_lines="skip")
    daily = tmp_path / "crm_contacts_2026-11-23.csv"
    crm.head(5).assign(Email="someone.new@example.org").to_csv(daily, index=False)
    store = tmp_path / "profiles.db"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "unifyprofile.cli", *args],
                              capture_output=True, text=True, timeout=600)

    first = cli("ingest", str(tmp_path / "unify.toml"), "--store", str(store), "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["created"] > 1000
    second = cli("ingest", str(tmp_path / "unify.toml"), str(daily), "--store", str(store),
                 "--json")
    assert second.returncode == 0, second.stderr
    summary = json.loads(second.stdout)
    assert summary["records"] == 5
    assert summary["store"]["records"] == json.loads(first.stdout)["store"]["records"]
    unknown = tmp_path / "mystery.csv"
    crm.head(2).to_csv(unknown, index=False)
    third = cli("ingest", str(tmp_path / "unify.toml"), str(unknown), "--store", str(store))
    assert third.returncode == 2
    assert "matches no source" in third.stderr and "--source" in third.stderr


def test_fit_then_ingest_in_steps(config, store_path):
    with up.IdentityStore(store_path, config) as store:
        store.fit(people(), source="crm")
        assert store.fitted and store.stats()["records"] == 0
        assert store.build().records == 0
        first = store.ingest(people().iloc[:3], source="crm")
        second = store.ingest(people().iloc[3:], source="crm")
        assert first.records + second.records == 8
        assert ["crm:b1", "crm:b2"] in partition(store.clusters())
        with pytest.raises(StoreError, match="already holds records.*refit=True"):
            store.fit(people(), source="crm")


def test_hub_values_are_frozen_at_fit_time(store_path):
    from unifyprofile.score import Guards

    config = dataclasses.replace(make_config(), guards=Guards(hub_fields=("phone",),
                                                              max_people_per_value=2))
    shop_phone = "+1 800 555 0100"
    fit_rows = [(f"s{k}", name, "Doe", None, shop_phone, None, None)
                for k, name in enumerate(["Ann", "Ben", "Cid"])]
    with up.IdentityStore(store_path, config) as store:
        store.ingest(people(fit_rows), source="crm")
        assert len(store.clusters()["entity_id"].unique()) == 3
        # A later record with the shop's phone and Ann's first name: without the frozen
        # hub list the phone rule would link it to Ann.
        changes = store.ingest(people([("s9", "Ann", "Roe", None, shop_phone, None, None)]),
                               source="crm")
        assert len(changes.created) == 1
        assert store.edges().empty
        stored = store.records().set_index("record_id")
        assert stored.at["crm:s9", "phone_std"] == "+18005550100"  # kept, not used


def test_cli_erase(config, store_path):
    import subprocess
    import sys

    with up.IdentityStore(store_path, config) as store:
        store.ingest(people(), source="crm")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "unifyprofile.cli", "erase", "--store",
                               str(store_path), *args], capture_output=True, text=True,
                              timeout=300)

    done = cli("--match", "email=boris@post.org", "--yes")
    assert done.returncode == 0, done.stderr
    assert "erased 2 record(s)" in done.stdout
    assert b"boris@post.org" not in store_path.read_bytes()
    assert cli("--match", "email").returncode == 2
    both = cli("--record-id", "crm:a1", "--entity-id", "E1")
    assert both.returncode == 7 and "exactly one" in both.stderr


def test_keep_apart_like_a_batch_run(store_path):
    # g1 - g2 (same e-mail) and g2 - g3 (same phone) are rule links, but g1 and g3 share
    # nothing but the name: a non-match (the model of so few records scores it 0.13), kept
    # apart in the store as in a batch run, also when g3 arrives later.
    chain = [("g1", "Gina", "Park", "gina.park@mail.com", "+1 206 555 0111", "1970-01-01", None),
             ("g2", "Gina", "Park", "gina.park@mail.com", "+1 503 555 0122", "1982-08-08", None),
             ("g3", "Gina", "Park", "g.park@work.com", "+1 503 555 0122", "1982-08-08", None)]
    config = dataclasses.replace(make_config(), guards=Guards(veto=("first_name",),
                                                             keep_apart_below=0.2))
    data = people(ROWS + chain)
    batch = up.Resolver(config.with_sources(
        [up.Source("crm", data=data, id_column="id",
                   columns=dict(config.sources[0].columns))])).run()
    entity = dict(zip(batch.clusters["record_id"], batch.clusters["entity_id"], strict=True))
    assert entity["crm:g1"] != entity["crm:g3"]
    with up.IdentityStore(store_path, config) as store:
        store.ingest(data, source="crm")
        assert partition(store.clusters()) == partition(batch.clusters)
        # g3 again, after the others: its pairs are scored on ingest and kept apart.  (The
        # erasure does not suppress g3, so that it can come back.)
        store.erase(["crm:g3"], suppress=False)
        store.ingest(data[data["id"] == "g3"], source="crm")
        assert partition(store.clusters()) == partition(batch.clusters)


def test_cli_resolve_and_lookup(config, store_path):
    import json
    import subprocess
    import sys

    with up.IdentityStore(store_path, config) as store:
        store.ingest(people(), source="crm")
        boris = entity_of(store, "crm:b1")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "unifyprofile.cli", *args],
                              capture_output=True, text=True, timeout=300)

    found = cli("resolve", "first_name=Boris", "last_name=Ivanov", "email=BORIS@post.org",
                "--store", str(store_path), "--source", "crm")
    assert found.returncode == 0, found.stderr
    answer = json.loads(found.stdout)
    assert answer["entity_id"] == boris and answer["probability"] > 0.9
    assert answer["golden"]["email"] == ["boris@post.org"]
    assert answer["candidates"][0]["rule"] == "email"
    looked = cli("lookup", boris, "--store", str(store_path))
    assert looked.returncode == 0, looked.stderr
    assert json.loads(looked.stdout)["record_ids"] == ["crm:b1", "crm:b2"]
    assert cli("resolve", "email", "--store", str(store_path)).returncode == 2
    missing = cli("lookup", boris, "--store", str(store_path.with_name("nope.db")))
    assert missing.returncode == 2 and "no such" in missing.stderr.replace("\n", " ")
