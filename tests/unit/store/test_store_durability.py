"""A process killed in the middle of an ingest leaves the last committed state."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap

import pandas as pd
from store_testdata import ROWS, people

import unifyprofile as up

NEW = [("h1", "Hana", "Sato", "hana@sato.jp", "+1 206 555 0131", "1992-02-02", None),
       ("a9", "Ann", "Lee", "ann.lee@mail.com", "+1 415 555 0999", None, None)]

CHILD = textwrap.dedent("""
    import sys, time
    import pandas as pd
    import unifyprofile as up

    def progress(stage, done, total):
        if stage == "write":  # records are written, the transaction is still open
            print("inside", flush=True)
            time.sleep(600)

    store = up.IdentityStore(sys.argv[1], progress=progress)
    store.ingest(pd.read_csv(sys.argv[2], dtype=str), source="crm")
    print("committed", flush=True)
""")


def _state(store: up.IdentityStore) -> tuple:
    return (store.clusters().to_dict("list"), store.golden().to_json(),
            store.ledger()[["event", "entity_id", "other_id"]].to_dict("list"),
            store.edges().to_dict("list"), store.stats())


def test_kill_mid_ingest_keeps_the_last_commit(config, store_path, tmp_path):
    with up.IdentityStore(store_path, config) as store:
        store.ingest(people(ROWS), source="crm")
        before = _state(store)
    batch = tmp_path / "batch.csv"
    people(NEW).to_csv(batch, index=False)
    errors = tmp_path / "child.err"
    with errors.open("w") as err, subprocess.Popen(
            [sys.executable, "-c", CHILD, str(store_path), str(batch)],
            stdout=subprocess.PIPE, stderr=err, text=True) as child:
        assert child.stdout is not None
        line = child.stdout.readline()
        if line.strip() == "inside":
            child.send_signal(signal.SIGKILL)
        child.wait(timeout=120)
    assert line.strip() == "inside", errors.read_text()
    assert child.returncode == -signal.SIGKILL
    # The half-done ingest left a write-ahead log behind; opening recovers from it.
    db = sqlite3.connect(store_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    with up.IdentityStore(store_path) as store:
        assert _state(store) == before
        assert "crm:h1" not in set(store.clusters()["record_id"])
        # And the store takes the same batch afterwards.
        changes = store.ingest(pd.read_csv(batch, dtype=str), source="crm")
        assert changes.records == 2
        assert {"crm:h1", "crm:a9"} <= set(store.clusters()["record_id"])
