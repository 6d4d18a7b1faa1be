"""Erasure: gone from every table and, after compaction, from the file's bytes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from store_testdata import ROWS, entity_of, make_config, people

import unifyprofile as up
from unifyprofile.errors import StoreError

#: A second Ann record that bridges nothing new but carries its own personal values.
EXTRA = ("a3", "Annie", "Lee", "ann.lee@mail.com", "+1 415 555 0202", "1980-01-02", None)


def _bytes(path: Path) -> bytes:
    out = path.read_bytes()
    for suffix in ("-wal", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            out += side.read_bytes()
    return out


@pytest.fixture
def store(config, store_path):
    with up.IdentityStore(store_path, config) as s:
        s.ingest(people([*ROWS, EXTRA]), source="crm")
        yield s


def test_erase_by_email_removes_every_trace(store):
    secrets = [b"ann.lee@mail.com", b"+1 415 555 0202", b"+14155550202", b"annie",
               b"+14155550101", b"Annie"]
    assert all(s in _bytes(store.path) for s in secrets)
    entity = entity_of(store, "crm:a1")
    changes = store.erase(match={"email": "Ann.Lee@mail.com"})
    assert changes.records == 3
    assert changes.erased == [entity]
    assert store.lookup(entity) is None
    assert set(store.clusters()["record_id"]).isdisjoint({"crm:a1", "crm:a2", "crm:a3"})
    assert store.edges()["record_id_l"].str.startswith("crm:a").sum() == 0
    audit = store.audit()
    assert audit["records"].tolist() == [3]
    assert audit["selector"].tolist() == ["match:email"]
    store.close()
    data = _bytes(store.path)
    for secret in secrets:
        assert secret not in data, secret
    # The others are still there.
    with up.IdentityStore(store.path) as again:
        assert len(again.clusters()) == 6
        assert b"boris@post.org" in _bytes(again.path)


def test_erase_one_record_re_resolves_the_rest(store):
    entity = entity_of(store, "crm:a1")
    changes = store.erase(["crm:a3"])
    assert changes.records == 1
    assert changes.updated == [entity]
    profile = store.lookup(entity)
    assert profile is not None and profile.record_ids == ["crm:a1", "crm:a2"]
    assert "+1 415 555 0202" not in str(profile.golden)
    store.close()
    assert b"+14155550202" not in _bytes(store.path)
    assert b"Annie" not in _bytes(store.path)
    # Frozen term frequencies: a3's own first name is gone, the surname a1 and a2 share
    # stays.
    db = sqlite3.connect(store.path)
    frozen = {v for (v,) in db.execute("SELECT value FROM tf")}
    db.close()
    assert {"ann", "lee", "boris"} <= frozen
    assert "annie" not in frozen


def test_erase_needs_one_selector(store):
    with pytest.raises(StoreError, match="exactly one"):
        store.erase(["crm:a1"], entity_id="E1")
    with pytest.raises(StoreError, match="no field 'shoe_size'"):
        store.erase(match={"shoe_size": "42"})


def test_erasing_nothing_is_logged_too(store):
    changes = store.erase(["crm:nobody"])
    assert changes.records == 0
    assert store.audit()["records"].tolist() == [0]


def test_erase_by_a_code_matches_it_however_written(store_path):
    # A field compared as codes (a national id) is matched in its standardised form.
    import dataclasses

    from unifyprofile.compare import ExactMatch

    config = make_config()
    source = dataclasses.replace(config.sources[0],
                                 columns={**config.sources[0].columns, "national_id": "nid"})
    config = dataclasses.replace(config, sources=(source,), comparisons=(
        *config.comparisons, ExactMatch("national_id", codes=True)))
    rows = people().assign(nid=[f"80.226.{k:03d}-G" for k in range(len(ROWS))])
    with up.IdentityStore(store_path, config) as store:
        store.ingest(rows, source="crm")
        changes = store.erase(match={"national_id": "80226004g"})
        assert changes.records == 1
        assert "crm:c1" not in set(store.clusters()["record_id"])
