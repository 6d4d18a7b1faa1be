"""Stable ids: the ledger rules on merges, splits and re-runs."""

from __future__ import annotations

import pytest
from store_testdata import ROWS, entity_of, people

import unifyprofile as up
from unifyprofile.errors import StoreError
from unifyprofile.store import assign_ids, new_entity_id

GRACE = ("g1", "Ann", "Smith", "ann.smith@x.org", "+1 808 555 0111", "1970-10-10", None)
#: Shares Grace's e-mail and Ann Lee's phone (same first name): bridges the two.
BRIDGE = ("n1", "Ann", None, "ann.smith@x.org", "+1 415 555 0101", None, None)


def rows(*ids: str) -> list[tuple]:
    every = {r[0]: r for r in [*ROWS, GRACE, BRIDGE]}
    return [every[i] for i in ids]


@pytest.fixture
def store(config, store_path):
    with up.IdentityStore(store_path, config) as s:
        s.fit(people(rows(*[r[0] for r in ROWS], "g1", "n1")), source="crm")
        s.ingest(people(rows(*[r[0] for r in ROWS])), source="crm")
        s.ingest(people(rows("g1")), source="crm")
        yield s


def test_merge_keeps_the_oldest_id(store):
    ann, grace = entity_of(store, "crm:a1"), entity_of(store, "crm:g1")
    assert ann != grace
    changes = store.ingest(people(rows("n1")), source="crm")
    assert changes.merged == [(grace, ann)]
    assert entity_of(store, "crm:g1") == entity_of(store, "crm:n1") == ann
    assert store.current_id(grace) == ann
    profile = store.lookup(grace)  # an old id still finds its profile
    assert profile is not None and profile.entity_id == ann
    assert profile.record_ids == ["crm:a1", "crm:a2", "crm:g1", "crm:n1"]
    events = store.history(grace)
    assert events["event"].tolist() == ["created", "merged_into"]
    assert events["other_id"].iloc[-1] == ann


def test_split_gives_the_largest_part_the_id(store):
    ann = entity_of(store, "crm:a1")
    store.ingest(people(rows("n1")), source="crm")
    changes = store.erase(["crm:n1"])
    assert entity_of(store, "crm:a1") == ann  # {a1, a2} is the larger part
    new = entity_of(store, "crm:g1")
    assert new != ann
    assert changes.split == [(ann, new)]
    assert store.current_id(ann) == ann
    assert store.history(new)["event"].tolist() == ["split_from"]


def test_a_batch_rerun_renames_no_one(store):
    before = store.clusters()
    changes = store.build()
    assert (changes.created, changes.merged, changes.split) == ([], [], [])
    assert store.clusters().equals(before)


def test_a_refit_rerun_maps_clusters_onto_old_ids(store):
    before = store.clusters().set_index("record_id")["entity_id"]
    store.build(refit=True)
    after = store.clusters().set_index("record_id")["entity_id"]
    assert (after == before).all()


def test_erasing_a_whole_entity_retires_its_id(store):
    chen = entity_of(store, "crm:c1")
    changes = store.erase(entity_id=chen)
    assert changes.erased == [chen]
    assert store.current_id(chen) is None
    assert store.lookup(chen) is None


def test_unknown_id_is_an_error(store):
    with pytest.raises(StoreError, match="no entity 'Enope'"):
        store.current_id("Enope")


def test_assign_ids_rules():
    age = {"A": 1, "B": 2, "C": 3}
    old = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "c1": "C"}
    taken = set(age)
    # A splits 2 / 1 and its big part merges with B; C's only record is gone.
    result = assign_ids([["a1", "a2", "b1"], ["a3"], ["n1"]], old, age, taken.intersection)
    assert result.ids[0] == "A"
    assert result.merged == [("B", "A")]
    assert result.split == [("A", result.ids[1])]
    assert result.created == [result.ids[2]] == [new_entity_id("n1")]
    assert result.erased == ["C"]


def test_assign_ids_ties_and_fresh_names():
    # A's records split 1 / 1: the part holding the smallest record id keeps the id.
    result = assign_ids([["a2"], ["a1"]], {"a1": "A", "a2": "A"}, {"A": 1},
                        lambda ids: {"A"} & set(ids))
    assert result.ids == [new_entity_id("a2"), "A"]
    # A name used before is never issued again.
    used = new_entity_id("x1")
    again = assign_ids([["x1"]], {}, {}, lambda ids: {used} & set(ids))
    assert again.ids[0] != used and again.ids[0] == new_entity_id("x1", 1)
    # Nor is the next salt when it is taken too.
    both = {used, new_entity_id("x1", 1)}
    third = assign_ids([["x1"]], {}, {}, lambda ids: both & set(ids))
    assert third.ids[0] == new_entity_id("x1", 2)
