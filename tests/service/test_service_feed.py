"""Segment feeds: identify calls become records and track calls touchpoints, through the
HTTP endpoint and through ``ingest --follow``, and both give the store that ingesting the
same identify calls from a JSONL file gives."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
from serving import DEMO, copy_store

from unifyprofile.serve import KeyRing
from unifyprofile.sources import segment_messages
from unifyprofile.store import IdentityStore


def _messages() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Identify calls for 24 people -- 16 of them CRM contacts of the demo (same e-mail
    and name, so they join those entities), 8 new -- and two track calls each."""
    crm = pd.read_csv(DEMO / "crm_contacts.csv", dtype=str).dropna(
        subset=["Email", "FirstName", "LastName"]).head(16)
    people = [{"firstName": r.FirstName, "lastName": r.LastName, "email": r.Email}
              for r in crm.itertuples()]
    people += [{"firstName": f"Feedy{k}", "lastName": "Newperson",
                "email": f"feedy{k}.newperson@mailbox.org", "phone": f"+1 617 555 01{k:02d}"}
               for k in range(8)]
    identify, track = [], []
    for k, traits in enumerate(people):
        user = f"user-{k:03d}"
        identify.append({"type": "identify", "userId": user, "messageId": f"id-{k}",
                         "timestamp": f"2026-11-0{1 + k % 9}T10:00:00Z", "traits": traits})
        for j, event in enumerate(("Product Viewed", "Order Completed")):
            track.append({"type": "track", "userId": user, "messageId": f"tr-{k}-{j}",
                          "event": event, "timestamp": f"2026-11-1{j}T1{k % 10}:00:00Z",
                          "properties": {"revenue": 10 * (k + 1)} if j else {},
                          "context": {"channel": "web"}})
    return identify, track


def _partition(store: IdentityStore) -> dict[frozenset[str], dict[str, Any]]:
    """Entity -> golden profile, keyed by the entity's record ids (ids aside)."""
    clusters = store.clusters()
    members = clusters.groupby("entity_id")["record_id"].agg(frozenset)
    golden = store.golden().set_index("entity_id")
    return {members[e]: {k: None if isinstance(v, float) and v != v else v
                         for k, v in row.items() if k != "entity_id"}
            for e, row in golden.to_dict("index").items()}


def _differences(a: dict[frozenset[str], dict[str, Any]],
                 b: dict[frozenset[str], dict[str, Any]]) -> list[Any]:
    """What differs between two partitions with their profiles (for the failure message)."""
    out: list[Any] = [("only in one", sorted(map(sorted, set(a) ^ set(b)))[:3])] \
        if set(a) != set(b) else []
    for members in sorted(set(a) & set(b), key=sorted):
        fields = {f: (a[members].get(f), b[members].get(f)) for f in set(a[members])
                  | set(b[members]) if a[members].get(f) != b[members].get(f)}
        if fields:
            out.append((sorted(members), fields))
    return out[:5]


def _post(url: str, key: str, messages: list[dict[str, Any]], size: int) -> list[Any]:
    answers = []
    with httpx.Client(base_url=url, timeout=30,
                      headers={"Authorization": f"Bearer {key}"}) as client:
        for start in range(0, len(messages), size):
            part = messages[start:start + size]
            body = part[0] if len(part) == 1 else {"batch": part}
            answer = client.post("/v1/feeds/segment", json=body)
            assert answer.status_code == 200, answer.text
            answers.append(answer.json())
    return answers


@pytest.fixture(scope="module")
def from_file(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference: the identify calls ingested from a JSONL file, and the track calls'
    events added to the store directly."""
    folder = tmp_path_factory.mktemp("feed-file")
    identify, track = _messages()
    feed = folder / "identify.jsonl"
    feed.write_text("".join(json.dumps(m) + "\n" for m in identify))
    store = copy_store(demo_store, folder / "file.db")
    with IdentityStore(store) as s:
        changes = s.ingest(feed, source="web")
        assert changes.records == len(identify) and not len(changes.rejects)
        assert s.add_events(segment_messages(track, "web").events) == len(track)
    return store


def test_the_feed_gives_the_store_a_file_gives(demo_store: Path, tmp_path: Path,
                                               server_factory, from_file: Path) -> None:
    identify, track = _messages()
    store = copy_store(demo_store, tmp_path / "feed.db")
    _, key = KeyRing(store).create("segment", ["write", "read"])
    server = server_factory(store)
    mixed = [m for pair in zip(identify, track[::2], strict=True) for m in pair]
    answers = _post(server.url, key, mixed + track[1::2], size=7)
    assert sum(a["events"] for a in answers) == len(track)
    assert all(a["ignored"] == [] for a in answers)
    # Replayed messages change nothing: the same records, the same events.
    replay = _post(server.url, key, identify[:5] + track[:5], size=10)
    assert replay[0]["created"] == [] and replay[0]["merged"] == []
    server.stop()
    with IdentityStore(store) as fed, IdentityStore(from_file) as filed:
        assert _differences(_partition(fed), _partition(filed)) == []
        joined = fed.entities_of(["web:user-000"])["web:user-000"]
        events = fed.timeline(joined)  # the person's CRM and shop touchpoints too
        assert list(events["at"]) == sorted(events["at"])
        web = events[events["source"] == "web"]
        assert list(web["event_id"]) == ["web:tr-0-0", "web:tr-0-1"]
        assert list(web["type"]) == ["Product Viewed", "Order Completed"]
        assert set(web["channel"]) == {"web"} and set(events["source"]) > {"web"}


def test_the_feed_answers_what_it_did_not_use(demo_store: Path, tmp_path: Path,
                                              server_factory) -> None:
    store = copy_store(demo_store, tmp_path / "odd.db")
    _, key = KeyRing(store).create("segment", ["write"])
    server = server_factory(store)
    answer = _post(server.url, key, [
        {"type": "identify", "anonymousId": "anon-1", "messageId": "a1",
         "timestamp": "2026-11-01T00:00:00Z", "traits": {"email": "anon@mailbox.org"}},
        {"type": "group", "userId": "u1", "messageId": "g1", "groupId": "acme",
         "timestamp": "2026-11-01T00:00:00Z"},
        {"type": "track", "userId": "u1", "event": "Signed Up",
         "timestamp": "2026-11-01T00:00:00Z"},
    ], size=3)[0]
    reasons = [m["reason"] for m in answer["ignored"]]
    assert [m["index"] for m in answer["ignored"]] == [0, 1, 2]
    assert "without userId" in reasons[0] and "'group'" in reasons[1]
    assert "messageId" in reasons[2]
    assert answer["created"] == [] and answer["events"] == 0


def test_ingest_follow_tails_a_growing_file(demo_store: Path, tmp_path: Path,
                                            from_file: Path) -> None:
    identify, track = _messages()
    store = copy_store(demo_store, tmp_path / "follow.db")
    feed = tmp_path / "feed.jsonl"
    lines = [json.dumps(m) + "\n" for m in identify + track]

    def write() -> None:  # a writer appending in bursts, one line cut in two
        with feed.open("a") as handle:
            for k in range(0, len(lines), 9):
                chunk = "".join(lines[k:k + 9])
                handle.write(chunk[:-20])
                handle.flush()
                time.sleep(0.15)
                handle.write(chunk[-20:])
                handle.flush()
                time.sleep(0.15)

    writer = threading.Thread(target=write)
    writer.start()
    with IdentityStore(store) as s:
        done = s.follow(feed, idle_exit=1.5, poll=0.05)
    writer.join()
    assert done.lines == len(lines) and done.rejected == []
    assert done.records == len(identify) and done.events == len(track)
    with IdentityStore(store) as followed, IdentityStore(from_file) as filed:
        assert _differences(_partition(followed), _partition(filed)) == []
