"""Events in the identity store: stored with their records, read by entity, following
merges, splits and erasure; the same timeline and traits as a batch run."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pandas as pd
import pytest
from store_testdata import FIELDS, ROWS, entity_of, make_config

import unifyprofile as up
from unifyprofile.errors import DataError, StoreError
from unifyprofile.events import TIMELINE_COLUMNS, TRAIT_COLUMNS

GRACE = ("g1", "Ann", "Smith", "ann.smith@x.org", "+1 808 555 0111", "1970-10-10", None)
#: Shares Grace's e-mail and Ann Lee's phone (same first name): bridges the two.
BRIDGE = ("n1", "Ann", None, "ann.smith@x.org", "+1 415 555 0101", None, None)
EVERY = {r[0]: r for r in [*ROWS, GRACE, BRIDGE]}
#: Per record id: when, type, status, amount, a note.
TOUCH = {
    "a1": ("2024-01-05T10:00:00Z", "order", None, "20.5", "first order"),
    "a2": ("2024-03-01 09:30", "ticket", "Open", None, "late parcel"),
    "b1": ("2023-12-24", "order", None, "100", None),
    "b2": ("not a date", "ticket", "solved", None, None),
    "g1": ("2024-02-01T08:00:00+01:00", "ticket", "pending", None, "zqx-private-note"),
    "n1": ("2024-04-01T12:00:00Z", "order", None, "7.25", None),
}


def people(*ids: str) -> pd.DataFrame:
    ids = ids or tuple(r[0] for r in ROWS)
    frame = pd.DataFrame([EVERY[i] for i in ids], columns=["id", *FIELDS])
    touch = [TOUCH.get(i, ("2024-01-01", "visit", None, None, None)) for i in ids]
    return frame.join(pd.DataFrame(touch, columns=["seen", "kind", "state", "total", "note"]))


def event_config() -> up.Config:
    config = make_config()
    source = replace(config.sources[0], events=up.Events(
        at="seen", channel_value="web", type="kind", status="state", amount="total",
        properties=("note",)))
    return config.with_sources([source])


@pytest.fixture
def store(store_path):
    with up.IdentityStore(store_path, event_config()) as s:
        s.fit(people(*EVERY), source="crm")
        s.ingest(people(), source="crm")
        yield s


def test_ingest_stores_one_event_per_record_and_the_timeline_is_in_time_order(store):
    ann = entity_of(store, "crm:a1")
    line = store.timeline(ann)
    assert list(line.columns) == list(TIMELINE_COLUMNS)
    assert line["record_id"].tolist() == ["crm:a1", "crm:a2"]
    assert line["at"].tolist() == ["2024-01-05T10:00:00Z", "2024-03-01T09:30:00Z"]
    assert line["source_record_id"].tolist() == ["a1", "a2"]
    assert set(line["channel"]) == {"web"} and set(line["source"]) == {"crm"}
    boris = store.timeline(entity_of(store, "crm:b1"))
    # An unreadable time keeps the event, without a time, after the timed ones.
    assert boris["record_id"].tolist() == ["crm:b1", "crm:b2"]
    assert boris["at"].isna().tolist() == [False, True]


def test_lookup_and_golden_carry_the_traits(store):
    ann = entity_of(store, "crm:a1")
    golden = store.lookup(ann).golden
    assert golden["first_seen"] == "2024-01-05T10:00:00Z"
    assert golden["last_seen"] == "2024-03-01T09:30:00Z"
    assert golden["events"] == 2 and golden["open_cases"] == 1
    assert golden["total_spend"] == 20.5 and golden["last_channel"] == "web"
    assert golden["events_by_type"] == '{"order": 1, "ticket": 1}'
    table = store.golden().set_index("entity_id")
    assert set(TRAIT_COLUMNS) <= set(table.columns)
    assert table.loc[ann, "events"] == 2
    # A person without events of their own here still has every trait column.
    assert table["events"].min() >= 1


def test_a_merge_shows_both_sides_events_under_the_surviving_id(store):
    store.ingest(people("g1"), source="crm")
    ann, grace = entity_of(store, "crm:a1"), entity_of(store, "crm:g1")
    assert ann != grace and store.lookup(grace).golden["open_cases"] == 1
    changes = store.ingest(people("n1"), source="crm")
    assert changes.merged == [(grace, ann)]
    line = store.timeline(grace)  # the old id is followed
    assert line["record_id"].tolist() == ["crm:a1", "crm:g1", "crm:a2", "crm:n1"]
    golden = store.lookup(ann).golden
    assert golden["events"] == 4 and golden["open_cases"] == 2
    assert golden["total_spend"] == pytest.approx(27.75)


def test_a_split_divides_the_events(store):
    store.ingest(people("g1"), source="crm")
    store.ingest(people("n1"), source="crm")
    ann = entity_of(store, "crm:a1")
    changes = store.erase(["crm:n1"])
    grace = entity_of(store, "crm:g1")
    assert changes.split == [(ann, grace)]
    assert store.timeline(ann)["record_id"].tolist() == ["crm:a1", "crm:a2"]
    assert store.timeline(grace)["record_id"].tolist() == ["crm:g1"]
    assert store.lookup(ann).golden["total_spend"] == 20.5


def test_erasure_deletes_the_events_and_their_bytes(store):
    store.ingest(people("g1"), source="crm")
    grace = entity_of(store, "crm:g1")
    store.erase(entity_id=grace)
    assert store.timeline(grace).empty
    assert store.lookup(grace) is None
    assert grace not in set(store.golden()["entity_id"])
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM events WHERE record_id = 'crm:g1'"
                            ).fetchone()[0] == 0
    store.close()
    assert b"zqx-private-note" not in store.path.read_bytes()


def test_suppressed_records_events_stay_out(store):
    store.ingest(people("g1"), source="crm")
    store.erase(["crm:g1"])
    assert store.add_events([{"event_id": "track:9", "record_id": "crm:g1",
                              "at": "2024-06-01"}]) == 0
    store.ingest(people("g1"), source="crm")  # the export still holds her
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM events WHERE record_id = 'crm:g1'"
                            ).fetchone()[0] == 0


def test_events_of_a_record_not_yet_stored_join_its_entity_when_it_arrives(store):
    track = pd.DataFrame({"event_id": ["t1", "t2"], "record_id": ["crm:g1", "crm:g1"],
                          "at": ["2024-05-01T10:00:00Z", "2024-05-02T10:00:00Z"],
                          "channel": ["web", "app"], "type": ["page_view", "cart"],
                          "properties": [{"path": "/cart"}, None]})
    assert store.add_events(track) == 2
    assert store.add_events(track) == 2  # idempotent: the same ids replace them
    store.ingest(people("g1"), source="crm")
    line = store.timeline(entity_of(store, "crm:g1"))
    assert line["event_id"].tolist() == ["crm:g1", "t1", "t2"]
    assert line["properties"].iloc[1] == '{"path": "/cart"}'
    golden = store.lookup(entity_of(store, "crm:g1")).golden
    assert golden["channels"] == "app;web" and golden["last_channel"] == "app"
    assert golden["events"] == 3


def test_add_events_checks_its_rows(store):
    with pytest.raises(DataError, match="record_id"):
        store.add_events([{"event_id": "x"}])
    with pytest.raises(DataError, match="not part of the events table"):
        store.add_events([{"event_id": "x", "record_id": "crm:a1", "page": "/"}])
    with pytest.raises(DataError, match="more than once"):
        store.add_events([{"event_id": "x", "record_id": "crm:a1"}] * 2)


def test_unknown_entity_id_is_an_error(store):
    with pytest.raises(StoreError, match="no entity"):
        store.timeline("E0000000000000000")


def test_incremental_ingest_gives_the_traits_of_one_build(tmp_path):
    ids = list(EVERY)
    with up.IdentityStore(tmp_path / "a.db", event_config()) as one:
        one.ingest(people(*ids), source="crm")
        expected = one.golden().drop(columns="entity_id").sort_values("first_seen")
    with up.IdentityStore(tmp_path / "b.db", event_config()) as parts:
        parts.fit(people(*ids), source="crm")
        for part in (ids[:3], ids[3:6], ids[6:]):
            parts.ingest(people(*part), source="crm")
        got = parts.golden().drop(columns="entity_id").sort_values("first_seen")
    traits = list(TRAIT_COLUMNS)
    pd.testing.assert_frame_equal(got[traits].reset_index(drop=True),
                                  expected[traits].reset_index(drop=True))


def test_a_batch_result_and_a_store_give_the_same_timeline_and_traits(tmp_path):
    data = people(*EVERY)
    result = up.Resolver(event_config()).run({"crm": data})
    with up.IdentityStore(tmp_path / "p.db", event_config()) as store:
        store.ingest(data, source="crm")
        stored = store.golden().set_index("entity_id")
        for entity in result.clusters["entity_id"].unique():
            members = result.clusters.loc[result.clusters["entity_id"] == entity,
                                          "record_id"]
            ours = entity_of(store, members.iloc[0])
            pd.testing.assert_frame_equal(result.timeline(entity), store.timeline(ours))
            batch = result.golden.set_index("entity_id").loc[entity, list(TRAIT_COLUMNS)]
            assert batch.to_dict() == pytest.approx(
                stored.loc[ours, list(TRAIT_COLUMNS)].to_dict(), nan_ok=True)


def test_a_version_3_file_gains_an_empty_events_table(tmp_path):
    path = tmp_path / "old.db"
    with up.IdentityStore(path, make_config()) as store:
        store.ingest(people(), source="crm")
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE events")
        conn.execute("DELETE FROM schema_version")
        conn.execute("INSERT INTO schema_version VALUES (3, '2026-01-01')")
    with up.IdentityStore(path) as store:
        assert store.timeline(entity_of(store, "crm:a1")).empty
        assert "events" not in store.golden().columns  # no events: no traits
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 4


def test_a_records_table_of_an_event_source_is_ingested_without_events(tmp_path):
    result = up.Resolver(event_config()).run({"crm": people()})
    with up.IdentityStore(tmp_path / "p.db", event_config()) as store:
        changes = store.ingest(result.records)
        assert changes.records == len(ROWS)
        assert store.timeline(entity_of(store, "crm:a1")).empty
