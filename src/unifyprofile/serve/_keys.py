"""API keys: created, listed and revoked with ``unifyprofile keys``, kept hashed in the
store file, checked in constant time.

A key reads ``up_<key id>_<secret>``: the key id (8 hex digits) is public -- it names the
key in listings and in access logs -- and the secret (32 random bytes, URL-safe base64) is
shown once, when the key is created.  The file keeps only the SHA-256 digest of the
secret: with 256 random bits there is nothing to guess, so a slow password hash would
add latency to every request and no safety.  A presented key is compared with
:func:`hmac.compare_digest`, so the time taken does not tell how much of it was right.

The keys live in their own table, ``api_keys``, of the store's SQLite file (one file to
back up, and a key goes with the data it opens); the identity store itself never reads it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from unifyprofile.errors import StoreError

__all__ = ["SCOPES", "ApiKey", "KeyRing"]

#: What a key may do: ``read`` (resolve, entities, explain, timeline, metrics),
#: ``write`` (ingest records, feeds) and ``erase`` (subject requests).
SCOPES = ("read", "write", "erase")

_DDL = """
CREATE TABLE IF NOT EXISTS api_keys (
    key_id TEXT PRIMARY KEY, name TEXT NOT NULL, scopes TEXT NOT NULL,
    digest TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT)
"""
_KEY = re.compile(r"^up_([0-9a-f]{8})_([A-Za-z0-9_-]{20,})$")


@dataclass(frozen=True)
class ApiKey:
    """A key as listed (never its secret)."""

    key_id: str
    name: str
    scopes: tuple[str, ...]
    created_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class KeyRing:
    """The API keys of one store file.

    Args:
        path: the store file (an identity store; the table is added if missing).

    Examples:
        >>> import tempfile, os
        >>> ring = KeyRing(os.path.join(tempfile.mkdtemp(), "profiles.db"))
        >>> key, secret = ring.create("crm-sync", ["read", "write"])
        >>> ring.verify(secret).key_id == key.key_id, ring.verify(secret + "x")
        (True, None)
        >>> ring.revoke(key.key_id); ring.verify(secret) is None
        True
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            # One short connection per call: the ring is used by the command line and
            # once per request; SQLite opens a file in microseconds.
            with self._connect() as conn:
                conn.execute(_DDL)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot keep API keys in it ({exc}); give the "
                             "path of an identity store") from exc

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            yield conn
        finally:
            conn.close()

    def create(self, name: str, scopes: list[str] | tuple[str, ...]) -> tuple[ApiKey, str]:
        """A new key with ``scopes``; returns it and its full secret (shown only now).

        Raises:
            StoreError: an unknown scope, no scope, or an empty name.
        """
        bad = [s for s in scopes if s not in SCOPES]
        if bad or not scopes:
            raise StoreError(f"scopes must be some of {', '.join(SCOPES)} (got "
                             f"{', '.join(scopes) or 'none'}); e.g. --scope read --scope write")
        if not name.strip():
            raise StoreError("a key needs a name saying who uses it, e.g. --name crm-sync")
        ordered = tuple(s for s in SCOPES if s in scopes)
        created = _now()
        with self._connect() as conn:
            while True:
                key_id = secrets.token_hex(4)
                secret = secrets.token_urlsafe(32)
                try:
                    conn.execute("INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, NULL)",
                                 (key_id, name, " ".join(ordered), _digest(secret), created))
                    break
                except sqlite3.IntegrityError:  # pragma: no cover - 1 in 4 billion
                    continue
        key = ApiKey(key_id, name, ordered, created, None)
        return key, f"up_{key_id}_{secret}"

    def list(self) -> list[ApiKey]:
        """Every key, revoked ones included, oldest first."""
        with self._connect() as conn:
            rows = conn.execute("SELECT key_id, name, scopes, created_at, revoked_at FROM "
                                "api_keys ORDER BY created_at, key_id").fetchall()
        return [ApiKey(r[0], r[1], tuple(r[2].split()), r[3], r[4]) for r in rows]

    def revoke(self, key_id: str) -> None:
        """Revoke a key by its id; it is refused from the next request on.

        Raises:
            StoreError: no key has that id.
        """
        with self._connect() as conn:
            cur = conn.execute("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) "
                               "WHERE key_id = ?", (_now(), key_id))
        if cur.rowcount == 0:
            raise StoreError(f"no API key has id {key_id!r}; see unifyprofile keys list")

    def verify(self, presented: str) -> ApiKey | None:
        """The active key ``presented`` is, or None (malformed, unknown, wrong secret or
        revoked -- the caller cannot tell which)."""
        match = _KEY.match(presented.strip())
        if match is None:
            return None
        key_id, secret = match.groups()
        with self._connect() as conn:
            row = conn.execute("SELECT key_id, name, scopes, created_at, revoked_at, digest "
                               "FROM api_keys WHERE key_id = ?", (key_id,)).fetchone()
        # Compared even when the id is unknown, against a digest of nothing, so that
        # an unknown id takes as long as a wrong secret.
        stored = row[5] if row is not None else _digest("")
        if not hmac.compare_digest(_digest(secret), stored) or row is None or row[4]:
            return None
        return ApiKey(row[0], row[1], tuple(row[2].split()), row[3], row[4])
