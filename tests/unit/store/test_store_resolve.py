"""Single-record resolve (no writes) and lookup."""

from __future__ import annotations

import dataclasses
import hashlib
import sqlite3

import pandas as pd
import pytest
from store_testdata import ROWS, entity_of, make_config, people

import unifyprofile as up
from unifyprofile.errors import DataError, StoreError
from unifyprofile.score import Guards


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


CHAIN = [("g1", "Gina", "Park", "gina.park@mail.com", "+1 206 555 0111", "1970-01-01", None),
         ("g2", "Gina", "Park", "gina.park@mail.com", "+1 503 555 0122", "1982-08-08", None),
         ("g3", "Gina", "Park", "g.park@work.com", "+1 503 555 0122", "1982-08-08", None)]


def _chain_store(path, keep_apart_below=None):
    config = dataclasses.replace(make_config(), guards=Guards(
        veto=("first_name",), keep_apart_below=keep_apart_below))
    store = up.IdentityStore(path, config)
    store.ingest(people(ROWS + CHAIN), source="crm")
    return store


def test_explain_one_entity_gives_the_chain_of_links(tmp_path):
    # g1 - g2 share an e-mail, g2 - g3 a phone; g1 and g3 alone score 0.13.
    with _chain_store(tmp_path / "s.db") as store:
        before = _digest(store)
        why = store.explain("crm:g1", "crm:g3")
        assert why.same_entity and why.entity_ids[0] == why.entity_ids[1]
        assert why.path[["record_id_l", "record_id_r", "rule"]].values.tolist() == [
            ["crm:g1", "crm:g2", "email"], ["crm:g2", "crm:g3", "phone"]]
        assert why.path["linked"].all()
        assert "2 link(s)" in why.reason and "one entity" in why.reason
        direct = why.direct.iloc[0]
        assert direct["compared"] and not direct["linked"]
        assert direct["match_probability"] < 0.5
        # Each link's evidence adds up to its weight.
        parts = why.path[["first_name", "last_name", "email", "phone", "dob"]]
        assert parts.sum(axis=1).round(6).tolist() == why.path["match_weight"].round(6).tolist()
        assert _digest(store) == before  # nothing written


def test_explain_why_not(tmp_path):
    with _chain_store(tmp_path / "s.db", keep_apart_below=0.2) as store:
        # Linked by the e-mail rule, but g1 is a clear non-match of g3, which g2 joined
        # first (the phone link is stronger).
        cut = store.explain("crm:g1", "crm:g2")
        assert not cut.same_entity and cut.path.empty
        assert "clustering keeps them in different entities" in cut.reason
        assert "kept apart" in cut.reason
        # Compared (same name key), scored below the threshold.
        low = store.explain("crm:g1", "crm:g3")
        assert low.reason.startswith("compared, not linked") and "threshold 0.95" in low.reason
        # Nothing in common for blocking.
        never = store.explain("crm:c1", "crm:e1")
        assert never.reason.startswith("never compared")
        assert not never.direct["compared"].iloc[0]
        with pytest.raises(StoreError, match="no record 'crm:zz'"):
            store.explain("crm:zz", "crm:a1")


def test_cli_explain(tmp_path):
    import json
    import subprocess
    import sys

    _chain_store(tmp_path / "s.db").close()

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "unifyprofile.cli", "explain", *args,
                               "--store", str(tmp_path / "s.db")],
                              capture_output=True, text=True, timeout=300)

    shown = cli("crm:g1", "crm:g3")
    assert shown.returncode == 0, shown.stderr
    assert "one entity" in shown.stdout and "crm:g2" in shown.stdout and "directly" in shown.stdout
    answer = json.loads(cli("crm:g1", "crm:g3", "--json").stdout)
    assert [step["rule"] for step in answer["path"]] == ["email", "phone"]
    assert answer["direct"]["compared"] is True
    unknown = cli("crm:g1", "crm:nobody")
    assert unknown.returncode == 7 and "no record 'crm:nobody'" in unknown.stderr


def test_resolve_a_row_in_the_source_s_own_columns(tmp_path):
    # The CRM exports "First", "Surname", "Mail" and "Tel" (and columns nobody maps).
    columns = {"first_name": "First", "last_name": "Surname", "email": "Mail",
               "phone": "Tel", "dob": "Born", "marketing_opt_out": "OptOut"}
    config = dataclasses.replace(make_config(), sources=(
        up.Source("crm", id_column="Id", columns=columns),))
    export = people().rename(columns={"id": "Id", **columns})
    with up.IdentityStore(tmp_path / "s.db", config) as store:
        store.ingest(export, source="crm")
        row = {"First": " Boris ", "Surname": "Ivanov", "Mail": "BORIS@post.org",
               "Notes": "called twice"}
        by_columns = store.resolve(row, source="crm")
        canonical = store.resolve({"first_name": "Boris", "last_name": "Ivanov",
                                   "email": "BORIS@post.org"}, source="crm")
        assert by_columns.entity_id == canonical.entity_id == entity_of(store, "crm:b1")
        pd.testing.assert_frame_equal(by_columns.candidates, canonical.candidates)
        with pytest.raises(DataError, match="unknown field.*'Mail'.*source=NAME"):
            store.resolve({"Mail": "boris@post.org"})
        with pytest.raises(DataError, match="none of 'Notes' is a column"):
            store.resolve({"Notes": "x"}, source="crm")


def test_resolve_names_a_misspelt_field(store):
    with pytest.raises(DataError, match="unknown field.*'emial'.*email"):
        store.resolve({"first_name": "Boris", "emial": "boris@post.org"})


@pytest.mark.parametrize(("pivot", "agrees"), [(10, True), (None, False)])
def test_resolve_reads_two_digit_years_with_the_sources_pivot(store_path, pivot, agrees):
    rows = [(*row[:5], "1915-01-02", row[6]) if row[0] in ("a1", "a2") else row for row in ROWS]
    config = make_config()
    source = dataclasses.replace(config.sources[0], year_pivot=pivot)
    config = dataclasses.replace(config, sources=(source,))
    with up.IdentityStore(store_path, config) as store:
        store.ingest(people(rows), source="crm")
        answer = store.resolve({"first_name": "Ann", "last_name": "Lee",
                                "email": "ann.lee@mail.com", "dob": "01/02/15"}, source="crm")
    dob = answer.candidates["dob"].iloc[0]
    # 1915-01-02 with a pivot of 10; 2015-01-02 with this year's two digits.
    assert bool(dob > 0) is agrees, answer.candidates.T
