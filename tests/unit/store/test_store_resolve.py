"""Single-record resolve (no writes) and lookup."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from store_testdata import entity_of, people

import unifyprofile as up


@pytest.fixture
def store(config, store_path):
    with up.IdentityStore(store_path, config) as s:
        s.ingest(people(), source="crm")
        yield s


def _digest(store) -> str:
    """A hash of every row of every table, read through a second connection."""
    db = sqlite3.connect(store.path)
    try:
        return hashlib.sha256("\n".join(db.iterdump()).encode()).hexdigest()
    finally:
        db.close()


def test_resolve_finds_the_entity_with_evidence(store):
    before = _digest(store)
    answer = store.resolve({"first_name": "Boris", "last_name": "Ivanov",
                            "email": "BORIS@post.org"}, source="crm")
    assert answer.entity_id == entity_of(store, "crm:b1")
    assert answer.entities == [answer.entity_id]
    assert answer.probability > 0.9
    assert answer.golden is not None and answer.golden["email"] == ["boris@post.org"]
    top = answer.candidates.iloc[0]
    assert top["linked"] and top["rule"] == "email"
    # The evidence: one log2 Bayes factor per comparison, summing to the weight.
    parts = answer.candidates[["first_name", "last_name", "email", "phone", "dob"]]
    assert parts.sum(axis=1).round(6).tolist() == \
        answer.candidates["match_weight"].round(6).tolist()
    assert top["email"] > 0
    assert _digest(store) == before  # nothing written
    assert len(store.clusters()) == 8


def test_resolve_a_stranger(store):
    answer = store.resolve({"first_name": "Zed", "last_name": "Quinn",
                            "email": "zed@quinn.io"})
    assert answer.entity_id is None
    assert answer.golden is None
    assert answer.entities == []


def test_resolve_near_match_without_rule(store):
    # Same phone, nickname-free different first name spelling: compared, scored, shown.
    answer = store.resolve({"first_name": "Dora", "last_name": "Marquez",
                            "phone": "305-555-0177", "dob": "1985-03-04"})
    assert answer.entity_id == entity_of(store, "crm:d1")
    assert answer.candidates["record_id"].tolist()[0] == "crm:d1"


def test_lookup(store):
    entity = entity_of(store, "crm:a1")
    profile = store.lookup(entity)
    assert profile is not None
    assert profile.record_ids == ["crm:a1", "crm:a2"]
    assert profile.golden["first_name"] == "Ann"
    assert profile.golden["record_count"] == 2
    assert profile.golden["email__record_id"] == ["crm:a1"]
