"""Incremental ingest equals one batch run over the union (the store's contract).

With the store's frozen scoring context (model, term-frequency tables, hub values and
blocking rules fixed when it was fitted), ingesting records in batches, in any order, with
updates of records already ingested, gives the same linked edges, the same partition and
the same golden profiles (with the traits of the records' events) as ``build`` over the
final versions of the same records.  Entity ids differ only as the ledger rules say, so
they are left out of the comparison.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import unifyprofile as up
from unifyprofile.compare import DateComparison, EmailComparison, NameComparison, PhoneComparison
from unifyprofile.score import DeterministicRule, Guards

FIELDS = ["first_name", "last_name", "email", "phone", "dob", "postcode", "marketing_opt_out",
          "customer_id"]


def _pool() -> pd.DataFrame:
    """People with duplicates: nicknames, typos, missing values, a household, one person
    with many records so that the size guard has to split, and two different customer ids
    in one person's records (a cannot-link constraint), and a chain of links whose ends
    are a clear non-match (``keep_apart_below``)."""
    rows = [
        ("p1a", "Robert", "Smith", "rob.smith@mail.com", "415-555-0101", "1980-01-02", "94110",
         None),
        ("p1b", "Bob", "Smith", "rob.smith@mail.com", None, "1980-01-02", "94110", "true"),
        ("p1c", "Robert", "Smyth", None, "(415) 555-0101", "1980-01-02", None, "false"),
        ("p1d", "Rob", "Smith", "robsmith@mail.com", "415 555 0101", None, "94110", None),
        ("p1e", "Robert", "Smith", "rob.smith@mail.com", None, "1980-02-01", "94110", None),
        ("p2a", "Maria", "Garcia", "maria.g@web.es", "212-555-0199", "1975-05-06", "10001", None),
        ("p2b", "Maria", "Garcia", "maria.g@web.es", None, None, "10001", "true"),
        ("p2c", "Mariah", "Garcia", "maria.gg@web.es", "212-555-0199", "1975-05-06", None, None),
        ("h1", "Linda", "Brown", "linda@brown.net", "303-555-0142", "1961-03-03", "80202", None),
        ("h2", "Larry", "Brown", "larry@brown.net", "303-555-0142", "1959-07-07", "80202", None),
        ("p3a", "Chen", "Wei", "chen.wei@web.cn", "646-555-0142", "1990-09-09", "10002", None),
        ("p3b", "Wei", "Chen", "chen.wei@web.cn", None, "1990-09-09", None, None),
        ("p4a", "Dora", "Marquez", "dora.m@site.es", "305-555-0177", "1985-03-04", "33101", None),
        ("p4b", "Dora", "Marques", None, "305-555-0177", "1985-03-04", "33101", None),
        ("p5a", "Emil", "Novak", "emil@novak.cz", "702-555-0123", "1966-12-12", "89101", None),
        ("p6a", "James", "Smith", "jsmith@corp.com", "617-555-0188", "1999-07-07", "02101", None),
        ("p6b", "Jim", "Smith", "jsmith@corp.com", None, None, "02101", None),
        # A chain p7a - p7b - p7c whose ends are a clear non-match: kept apart.
        ("p7a", "Anna", "Lee", "anna.lee@mail.com", "206-555-0111", "1970-01-01", "98101", None),
        ("p7b", "Anna", "Lee", "anna.lee@mail.com", "503-555-0122", "1982-08-08", "97201", None),
        ("p7c", "Anna", "Lee", "a.lee@work.com", "503-555-0122", "1982-08-08", "97201", None),
    ]
    ids = {"p1a": "C1", "p1d": "C9", "p2a": "C2", "p2c": "C2"}  # C9: a cannot-link
    rows = [(*row, ids.get(row[0])) for row in rows]
    return pd.DataFrame(rows, columns=["id", *FIELDS])


def _updates() -> pd.DataFrame:
    """Later versions of some records (a new e-mail, a corrected name, a new phone)."""
    pool = _pool().set_index("id")
    changed = {"p1c": {"email": "rob.smith@mail.com"}, "p2c": {"first_name": "Maria"},
               "p4b": {"phone": "305-555-0000"}, "h2": {"email": "linda@brown.net"}}
    rows = []
    for rid, values in changed.items():
        row = pool.loc[rid].to_dict()
        row.update(values)
        rows.append({"id": rid, **row})
    return pd.DataFrame(rows)[["id", *FIELDS]]


def _config() -> up.Config:
    return up.Config(
        # An event source too (its columns reused as an event's time and channel, so that
        # updates change events): the golden profiles then carry the computed traits.
        sources=(up.Source("crm", id_column="id", columns={f: f for f in FIELDS},
                           events=up.Events(at="dob", channel="email", type_value="visit")),),
        threshold=0.9, seed=3,
        rules=(DeterministicRule.from_config({"name": "email",
                                              "keys": ["email", "first_name:nick"]}),),
        blocking=(up.BlockingRule.parse(["email"]), up.BlockingRule.parse(["phone"]),
                  up.BlockingRule.parse(["last_name:soundex", "first_name:nick"]),
                  up.BlockingRule.parse(["dob", "postcode"])),
        comparisons=(NameComparison("first_name", swap_with="last_name"),
                     NameComparison("last_name", nicknames=False),
                     EmailComparison(), PhoneComparison(), DateComparison("dob")),
        guards=Guards(veto=("first_name",), max_cluster_size=3,
                      unique_identifiers=("customer_id",), keep_apart_below=0.05),
    )


@pytest.fixture(scope="module")
def fitted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fitted") / "fitted.db"
    with up.IdentityStore(path, _config()) as store:
        store.fit(pd.concat([_pool(), _updates()], ignore_index=True).drop_duplicates(
            "id", keep="last"), source="crm")
    return path


def _outcome(store: up.IdentityStore) -> tuple:
    clusters = store.clusters()
    groups = sorted(sorted(g) for g in clusters.groupby("entity_id")["record_id"].apply(list))
    golden = store.golden().drop(columns="entity_id")
    assert "first_seen" in golden.columns  # the traits are compared too
    golden = sorted(golden.astype(str).agg("|".join, axis=1).tolist())
    return groups, golden, store.edges().to_dict("list")


pool_ids = _pool()["id"].tolist()
update_ids = _updates()["id"].tolist()


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chosen=st.lists(st.sampled_from(pool_ids), min_size=1, unique=True),
       updated=st.sets(st.sampled_from(update_ids)),
       cuts=st.lists(st.integers(min_value=1, max_value=20), max_size=4),
       seed=st.randoms(use_true_random=False))
def test_incremental_equals_batch(fitted, tmp_path_factory, chosen, updated, cuts, seed):
    work = tmp_path_factory.mktemp("eq")
    inc_path, batch_path = work / "inc.db", work / "batch.db"
    shutil.copy(fitted, inc_path)
    shutil.copy(fitted, batch_path)
    pool = _pool().set_index("id")
    later = _updates().set_index("id")
    order = list(chosen)
    seed.shuffle(order)
    events = [pool.loc[[rid]].reset_index() for rid in order]
    # An update of a record goes in after the record, at a random later position.
    for rid in sorted(updated & set(chosen)):
        at = order.index(rid) + 1 + seed.randrange(len(events) - order.index(rid))
        events.insert(at, later.loc[[rid]].reset_index())
    bounds = sorted({min(c, len(events)) for c in cuts} | {len(events)})
    batches, start = [], 0
    for stop in bounds:
        if stop > start:
            batches.append(pd.concat(events[start:stop], ignore_index=True))
            start = stop
    with up.IdentityStore(inc_path) as inc:
        for batch in batches:
            # Within one batch the last version of a record wins, as in a file.
            inc.ingest(batch.drop_duplicates("id", keep="last"), source="crm")
        incremental = _outcome(inc)
    final = pd.concat(events, ignore_index=True).drop_duplicates("id", keep="last")
    with up.IdentityStore(batch_path) as batch_store:
        batch_store.build(final, source="crm")
        batch = _outcome(batch_store)
    assert incremental[0] == batch[0]
    assert incremental[1] == batch[1]
    assert incremental[2] == batch[2]
