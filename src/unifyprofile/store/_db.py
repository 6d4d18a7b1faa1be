"""The store's database: one SQLite connection with its pragmas, schema migrations,
transactions, the ``meta`` table and the bookkeeping of runs.

Nothing here knows about records, models or entities; the rooms of the store
(:mod:`._ingest`, :mod:`._erase`, :mod:`._query`) write their SQL against it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from unifyprofile._log import logger
from unifyprofile.errors import StoreError
from unifyprofile.store._results import Changes
from unifyprofile.store._schema import DDL, SCHEMA_VERSION

__all__ = ["CHUNK", "Database", "chunks", "now"]

CHUNK = 500  # SQL parameters per IN (...) list
_CACHE_KIB = 256 * 1024  # SQLite page cache: a batch build of a million records fits in it


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


class Database:
    """The store file's connection (write-ahead log, full sync, secure delete), migrated to
    :data:`~unifyprofile.store.SCHEMA_VERSION` when opened.

    Args:
        path: the store file (created if missing).
        wait: seconds a write waits for another process's write to finish.

    Raises:
        StoreError: the file is not a store, cannot be read, or was made by a newer
            unifyprofile.
    """

    def __init__(self, path: Path, wait: float) -> None:
        self.path = path
        self.wait = wait
        self.closed = False
        #: The run being written (set by :meth:`begin_run`); records and ledger rows
        #: name it.
        self.run_id: int | None = None
        try:
            self.conn = sqlite3.connect(str(self.path), isolation_level=None,
                                        check_same_thread=False, timeout=wait)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.execute("PRAGMA secure_delete=ON")
            self.conn.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a unifyprofile store or unreadable ({exc}); "
                             "give the path of a store file or a new file name") from exc

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Any]) -> sqlite3.Cursor:
        return self.conn.executemany(sql, rows)

    def close(self) -> None:
        """Checkpoint the write-ahead log into the file and close it.  Idempotent."""
        if self.closed:
            return
        self.closed = True
        try:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self.conn.close()

    def _migrate(self) -> None:
        row = self.conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND "
                                "name='schema_version'").fetchone()
        if row is not None:
            version = self.conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
            if version is not None and version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: store schema version {version} is newer than this "
                    f"unifyprofile supports ({SCHEMA_VERSION}); upgrade unifyprofile")
            if version == SCHEMA_VERSION:
                return
        self.conn.executescript("BEGIN;" + DDL + "COMMIT;")
        with self.tx():
            self.conn.execute("INSERT INTO schema_version VALUES (?, ?)",
                              (SCHEMA_VERSION, now()))

    def begin(self) -> None:
        """``BEGIN IMMEDIATE``; a writer that has to wait for another says so after a
        second (on the ``unifyprofile`` logger) instead of sitting silent."""
        first = min(1.0, self.wait)
        self.conn.execute(f"PRAGMA busy_timeout = {int(first * 1000)}")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if ("locked" not in str(exc) and "busy" not in str(exc)) or self.wait <= first:
                raise
            logger.warning(f"{self.path}: another process is writing to the store; waiting "
                           f"up to {self.wait - first:g} s more for it to finish")
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(self.wait * 1000)}")
        self.conn.execute(f"PRAGMA busy_timeout = {int((self.wait - first) * 1000)}")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(self.wait * 1000)}")

    @contextmanager
    def tx(self, on_rollback: Callable[[], None] | None = None) -> Iterator[None]:
        """One write transaction; ``on_rollback`` runs after a rollback (the caller drops
        what it cached from the rolled-back state)."""
        try:
            self.begin()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            raise StoreError(f"{self.path}: another process has been writing to the store "
                             f"for more than {self.wait:g} s ({exc}); one process writes "
                             "at a time -- run it after that one, or open the store with a "
                             "longer wait=") from exc
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            if on_rollback is not None:
                on_rollback()
            raise
        self.conn.execute("COMMIT")

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def begin_run(self, kind: str) -> int:
        cur = self.conn.execute("INSERT INTO runs (kind, started_at) VALUES (?, ?)",
                                (kind, now()))
        run_id = cur.lastrowid
        assert run_id is not None
        self.run_id = int(run_id)
        return self.run_id

    def end_run(self, changes: Changes) -> None:
        self.conn.execute("UPDATE runs SET finished_at = ?, summary = ? WHERE run_id = ?",
                          (now(), json.dumps({k: v for k, v in changes.summary().items()
                                              if k != "notes"}), changes.run_id))
