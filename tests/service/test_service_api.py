"""The HTTP API end to end: a real uvicorn process on loopback, a real HTTP client."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
from serving import Server, copy_store, start_server

from unifyprofile.serve import KeyRing
from unifyprofile.store import IdentityStore


@pytest.fixture(scope="module")
def served(demo_store: Path, log_dir: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[Server, dict[str, str]]]:
    """A server over a copy of the demo store, with one key per scope set, and the
    smallest limits the tests exercise."""
    store = copy_store(demo_store, tmp_path_factory.mktemp("api") / "api.db")
    ring = KeyRing(store)
    keys = {name: ring.create(name, scopes)[1] for name, scopes in {
        "reader": ["read"], "writer": ["write"], "eraser": ["erase"],
        "all": ["read", "write", "erase"]}.items()}
    server = start_server(store, log_dir, "--max-batch", "50", "--max-body", "200000")
    yield server, keys
    server.stop()


def call(served: tuple[Server, dict[str, str]], method: str, path: str, key: str | None = "all",
         **kwargs: Any) -> httpx.Response:
    server, keys = served
    headers = {"Authorization": f"Bearer {keys[key]}"} if key else {}
    return httpx.request(method, server.url + path, headers=headers, timeout=30, **kwargs)


def a_person(store: Path) -> dict[str, Any]:
    """A CRM contact of the demo with an e-mail, and the entity the store put it in."""
    with IdentityStore(store) as s:
        records = s.records()
    crm = records[(records["source"] == "crm") & records["email"].notna()
                  & records["first_name"].notna()].sort_values("record_id").iloc[0]
    return {"record_id": crm["record_id"], "entity_id": crm["entity_id"],
            "first_name": crm["first_name"], "email": crm["email"]}


# ---------------------------------------------------------------------- keys and scopes
def test_healthz_needs_no_key(served) -> None:
    answer = call(served, "GET", "/healthz", key=None)
    assert answer.status_code == 200 and answer.json()["status"] == "ok"


def test_no_key_is_401_and_the_wrong_scope_is_403(served) -> None:
    assert call(served, "POST", "/v1/resolve", key=None,
                json={"record": {"email": "a@b.org"}}).status_code == 401
    bad = httpx.post(served[0].url + "/v1/resolve", json={"record": {}},
                     headers={"Authorization": "Bearer up_00000000_" + "x" * 43})
    assert bad.status_code == 401
    # A reader may not write or erase; a writer may not read; an eraser may not write.
    assert call(served, "POST", "/v1/sources/crm/records", key="reader",
                json={"record": {"Id": "S1"}}).status_code == 403
    assert call(served, "POST", "/v1/erasure", key="reader",
                json={"record_ids": ["crm:S1"], "dry_run": True}).status_code == 403
    assert call(served, "POST", "/v1/resolve", key="writer",
                json={"record": {"email": "a@b.org"}}).status_code == 403
    answer = call(served, "POST", "/v1/sources/crm/records", key="eraser",
                  json={"record": {"Id": "S1"}})
    assert answer.status_code == 403 and "'write' scope" in answer.json()["detail"]
    assert call(served, "GET", "/metrics", key="writer").status_code == 403


def test_a_revoked_key_is_refused(served) -> None:
    server, keys = served
    ring = KeyRing(server.store)
    key, secret = ring.create("short-lived", ["read"])
    headers = {"Authorization": f"Bearer {secret}"}
    assert httpx.get(server.url + "/metrics", headers=headers).status_code == 200
    ring.revoke(key.key_id)
    time.sleep(1.1)  # the server re-reads a key at most once a second
    assert httpx.get(server.url + "/metrics", headers=headers).status_code == 401
    assert httpx.get(server.url + "/metrics",
                     headers={"X-API-Key": keys["reader"]}).status_code == 200


# ---------------------------------------------------------------------- reading
def test_resolve_answers_as_the_store_does(served) -> None:
    person = a_person(served[0].store)
    record = {"first_name": person["first_name"], "email": person["email"]}
    answer = call(served, "POST", "/v1/resolve", json={"record": record, "evidence": 2})
    assert answer.status_code == 200
    body = answer.json()
    with IdentityStore(served[0].store) as store:
        expected = store.resolve(record)
    assert body["entity_id"] == expected.entity_id == person["entity_id"]
    assert body["probability"] == pytest.approx(expected.probability)
    assert body["golden"]["entity_id"] == person["entity_id"]
    assert len(body["candidates"]) == min(2, len(expected.candidates))
    assert body["candidates"][0]["record_id"] == expected.candidates.iloc[0]["record_id"]


def test_resolve_batch_and_its_limit(served) -> None:
    person = a_person(served[0].store)
    records = [{"email": person["email"], "first_name": person["first_name"]},
               {"email": "nobody-at-all@nowhere.example", "first_name": "Nobody"}]
    answer = call(served, "POST", "/v1/resolve/batch", json={"records": records})
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [r["entity_id"] for r in results] == [person["entity_id"], None]
    too_many = call(served, "POST", "/v1/resolve/batch",
                    json={"records": [{"email": "x@y.org"}] * 51})
    assert too_many.status_code == 413 and "limit is 50" in too_many.json()["detail"]


def test_a_body_over_the_limit_is_413(served) -> None:
    answer = call(served, "POST", "/v1/resolve",
                  json={"record": {"note": "x" * 250_000}})
    assert answer.status_code == 413 and "200,000 bytes" in answer.json()["detail"]


def test_validation_errors_name_the_field(served) -> None:
    answer = call(served, "POST", "/v1/resolve", json={"record": {"email": "a@b.org"},
                                                      "evidnce": 3})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "body.evidnce"
    answer = call(served, "POST", "/v1/resolve/batch", json={"records": ["not an object"]})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "body.records.0"
    answer = call(served, "POST", "/v1/resolve", content=b'{"record": {}}')
    assert answer.status_code == 422  # no Content-Type: the answer says to send one
    assert any("Content-Type" in d["problem"] for d in answer.json()["detail"])
    unknown = call(served, "POST", "/v1/resolve", json={"record": {}, "source": "fax"})
    assert unknown.status_code == 404 and "crm" in unknown.json()["detail"]


def test_entities_and_explain(served) -> None:
    person = a_person(served[0].store)
    answer = call(served, "GET", f"/v1/entities/{person['entity_id']}", key="reader")
    assert answer.status_code == 200
    body = answer.json()
    assert body["merged"] is False and person["record_id"] in body["record_ids"]
    assert body["golden"]["first_name__source"] in ("crm", "ecommerce", "csm", "support")
    assert call(served, "GET", "/v1/entities/Enever0issued000").status_code == 404
    other = [r for r in body["record_ids"] if r != person["record_id"]]
    if other:
        why = call(served, "GET", "/v1/explain",
                   params={"a": person["record_id"], "b": other[0]}).json()
        assert why["same_entity"] is True and why["path"]
        assert why["evidence"] and {"label", "level"} <= set(why["evidence"][0])
    missing = call(served, "GET", "/v1/explain", params={"a": person["record_id"],
                                                         "b": "crm:nope"})
    assert missing.status_code == 404 and "crm:nope" in missing.json()["detail"]


def test_timeline_follows_the_feed(served) -> None:
    person = a_person(served[0].store)
    before = call(served, "GET", f"/v1/entities/{person['entity_id']}/timeline",
                  key="reader")
    assert before.status_code == 200
    events = before.json()["events"]
    assert events and all(e["source"] and e["channel"] for e in events)
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    fed = call(served, "POST", "/v1/feeds/segment", key="writer", json={"batch": [
        {"type": "identify", "userId": "tl-1", "messageId": "tl-m1",
         "timestamp": "2026-12-01T08:00:00Z",
         "traits": {"email": person["email"], "firstName": person["first_name"]}},
        {"type": "track", "userId": "tl-1", "messageId": "tl-m2", "event": "Cart Viewed",
         "timestamp": "2026-12-01T08:05:00Z", "context": {"channel": "mobile"}}]})
    assert fed.status_code == 200 and fed.json()["events"] == 1
    assert fed.json()["records"] == {"web:tl-1": person["entity_id"]}
    after = call(served, "GET", f"/v1/entities/{person['entity_id']}/timeline").json()
    last = after["events"][-1]
    assert (last["source"], last["channel"], last["type"]) == ("web", "mobile", "Cart Viewed")
    assert len(after["events"]) == len(events) + 1  # the track call (identify is a record)
    with IdentityStore(served[0].store) as store:
        assert len(store.timeline(person["entity_id"])) == len(after["events"])
    assert call(served, "GET", "/v1/entities/Enever0issued000/timeline").status_code == 404


# ---------------------------------------------------------------------- writing
def test_ingest_is_idempotent_by_record_id(served) -> None:
    record = {"Id": "API-1", "FirstName": "Quentin", "LastName": "Marsh",
              "Email": "quentin.marsh@mailbox.org"}
    with IdentityStore(served[0].store) as store:
        before = store.stats()["records"]
    first = call(served, "POST", "/v1/sources/crm/records", key="writer",
                 json={"record": record})
    second = call(served, "POST", "/v1/sources/crm/records", key="writer",
                  json={"records": [record]})
    assert first.status_code == second.status_code == 200
    entity = first.json()["records"]["crm:API-1"]
    assert first.json()["created"] == [entity]
    assert second.json()["records"] == {"crm:API-1": entity}
    assert second.json()["created"] == []
    with IdentityStore(served[0].store) as store:
        assert store.stats()["records"] == before + 1
        # Acknowledged means committed: another connection sees it at once.
        assert store.entities_of(["crm:API-1"]) == {"crm:API-1": entity}


def test_ingest_rejects_are_answered_with_their_reason(served) -> None:
    answer = call(served, "POST", "/v1/sources/crm/records", json={"records": [
        {"Id": "API-2", "FirstName": "Rhea", "Email": "rhea@mailbox.org"},
        {"Id": "", "FirstName": "Nobody"}]})
    assert answer.status_code == 200
    body = answer.json()
    assert list(body["records"]) == ["crm:API-2"]
    assert body["rejects"] == [{"source": "crm", "row": 2, "source_record_id": None,
                                "column": "Id", "reason": "missing id: column 'Id' is empty"}]
    assert call(served, "POST", "/v1/sources/fax/records",
                json={"record": {"Id": "1"}}).status_code == 404
    assert call(served, "POST", "/v1/sources/crm/records", json={}).status_code == 422


def test_a_merged_id_is_followed(served) -> None:
    def ingest(record: dict[str, str]) -> dict[str, Any]:
        answer = call(served, "POST", "/v1/sources/crm/records", json={"record": record})
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    by_email = ingest({"Id": "API-M1", "FirstName": "Zebulon",
                       "Email": "zebulon.quist@mailbox.org"})["records"]["crm:API-M1"]
    by_phone = ingest({"Id": "API-M2", "FirstName": "Zebulon",
                       "Phone": "(415) 555-0199"})["records"]["crm:API-M2"]
    assert by_email != by_phone
    bridge = ingest({"Id": "API-M3", "FirstName": "Zebulon",
                     "Email": "zebulon.quist@mailbox.org", "Phone": "(415) 555-0199"})
    survivor = bridge["records"]["crm:API-M3"]
    assert sorted(bridge["merged"]) == sorted([[old, survivor] for old in
                                               (by_email, by_phone) if old != survivor])
    gone = by_phone if survivor == by_email else by_email
    answer = call(served, "GET", f"/v1/entities/{gone}").json()
    assert answer["merged"] is True and answer["entity_id"] == survivor
    assert answer["requested_id"] == gone
    assert sorted(answer["record_ids"]) == ["crm:API-M1", "crm:API-M2", "crm:API-M3"]


def test_erasure_dry_run_then_erase_sticks(served) -> None:
    email = "erase.me.please@mailbox.org"
    entity = call(served, "POST", "/v1/sources/crm/records", json={"record": {
        "Id": "API-E1", "FirstName": "Ulla", "Email": email}}).json()["records"]["crm:API-E1"]
    dry = call(served, "POST", "/v1/erasure", key="eraser",
               json={"match": {"email": email}, "dry_run": True})
    assert dry.status_code == 200
    assert dry.json()["record_ids"] == ["crm:API-E1"] and dry.json()["run_id"] is None
    assert call(served, "GET", f"/v1/entities/{entity}").status_code == 200
    assert call(served, "POST", "/v1/erasure", json={"match": {"email": email},
                                                     "entity_id": entity}).status_code == 422
    done = call(served, "POST", "/v1/erasure", key="eraser",
                json={"match": {"email": email}, "compact": False})
    assert done.status_code == 200 and done.json()["erased"] == [entity]
    assert call(served, "GET", f"/v1/entities/{entity}").status_code == 410
    again = call(served, "POST", "/v1/sources/crm/records", json={"record": {
        "Id": "API-E1", "FirstName": "Ulla", "Email": email}}).json()
    assert again["suppressed"] == ["crm:API-E1"] and again["records"] == {"crm:API-E1": None}
    assert call(served, "POST", "/v1/resolve", json={"record": {
        "email": email, "first_name": "Ulla"}}).json()["entity_id"] is None


# ---------------------------------------------------------------------- operations
def test_metrics_are_prometheus_text(served) -> None:
    call(served, "POST", "/v1/sources/crm/records", json={"record": {"Id": "API-X1"}})
    text = call(served, "GET", "/metrics").text
    assert 'unifyprofile_requests_total{method="POST",route="/v1/resolve",status="200"}' in text
    assert 'route="/v1/entities/{entity_id}"' in text  # the template, not the id
    assert 'unifyprofile_store_rows{table="records"}' in text
    count = [line for line in text.splitlines()
             if line.startswith("unifyprofile_ingest_lag_seconds_count")]
    assert count and float(count[0].split()[-1]) >= 1


def test_docs_page_and_openapi_document(served) -> None:
    spec = call(served, "GET", "/openapi.json", key=None).json()
    assert {"/v1/resolve", "/v1/resolve/batch", "/v1/entities/{entity_id}",
            "/v1/entities/{entity_id}/timeline", "/v1/sources/{source}/records",
            "/v1/feeds/segment", "/v1/erasure", "/v1/explain", "/healthz",
            "/metrics"} <= set(spec["paths"])
    page = call(served, "GET", "/docs", key=None)
    assert page.status_code == 200 and "POST /v1/resolve" in page.text
    assert "<script" not in page.text  # loads nothing from elsewhere


def test_access_log_lines(served) -> None:
    lines = served[0].log.read_text().splitlines()
    access = [line for line in lines if " /v1/" in line]
    assert any(" POST /v1/sources/{source}/records 200 " in line and " key=" in line
               for line in access)
    assert not any("crm:API" in line or "?" in line for line in access)


def test_records_written_through_the_api_are_one_store(served) -> None:
    with IdentityStore(served[0].store) as store:
        clusters = store.clusters()
    api = clusters[clusters["record_id"].str.startswith("crm:API-")]
    assert isinstance(api, pd.DataFrame) and "crm:API-1" in set(api["record_id"])
    assert "crm:API-E1" not in set(api["record_id"])
