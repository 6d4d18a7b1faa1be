"""Acknowledged writes survive ``kill -9``: a client streams ingests, the server is
killed at random points and started again, and afterwards every acknowledged record is
in the store and no batch is half applied."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

import httpx
from serving import Server, copy_store

from unifyprofile.serve import KeyRing
from unifyprofile.store import IdentityStore

BATCH = 5


def _stream(server: Server, key: str, start: int, acked: list[list[str]],
            sent: list[list[str]], stop: threading.Event) -> None:
    """Send batches of new CRM contacts until ``stop``; keep the acknowledged ones."""
    n = start
    with httpx.Client(base_url=server.url, timeout=10,
                      headers={"Authorization": f"Bearer {key}"}) as client:
        while not stop.is_set():
            ids = [f"K{n + k:06d}" for k in range(BATCH)]
            n += BATCH
            records = [{"Id": i, "FirstName": f"Crash{i}", "LastName": "Test",
                        "Email": f"crash.{i.lower()}@mailbox.org"} for i in ids]
            sent.append([f"crm:{i}" for i in ids])
            try:
                answer = client.post("/v1/sources/crm/records", json={"records": records})
            except httpx.HTTPError:
                return  # the server is gone: this batch was not acknowledged
            if answer.status_code == 200:
                acked.append([f"crm:{i}" for i in ids])


def test_acknowledged_writes_survive_kill_9(demo_store: Path, tmp_path: Path,
                                            server_factory) -> None:
    store = copy_store(demo_store, tmp_path / "crash.db")
    _, key = KeyRing(store).create("crash-test", ["write"])
    rng = random.Random(7)
    acked: list[list[str]] = []
    sent: list[list[str]] = []
    kills = 0
    for round_ in range(4):
        server = server_factory(store)
        stop = threading.Event()
        client = threading.Thread(target=_stream, args=(server, key, round_ * 100_000,
                                                        acked, sent, stop))
        client.start()
        time.sleep(rng.uniform(0.8, 2.5))
        server.kill()
        kills += 1
        stop.set()
        client.join(30)
    assert kills == 4 and len(acked) >= 4, "the client got too few writes acknowledged"
    with IdentityStore(store) as s:
        stored = set(s.clusters()["record_id"])
    lost = [rid for batch in acked for rid in batch if rid not in stored]
    assert lost == [], f"acknowledged but not stored: {lost[:5]}"
    half = [batch for batch in sent
            if 0 < sum(rid in stored for rid in batch) < len(batch)]
    assert half == [], f"half-applied batches: {half[:3]}"
