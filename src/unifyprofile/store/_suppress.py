"""Suppression: an erased person stays erased when an export that still holds them is
ingested again.

Erasure keeps a list of *keyed hashes* of what it erased -- never the values: an
HMAC-SHA256 with a secret drawn for each store file.  The record ids of the erased records
are always kept; an erasure by ``match=`` on an identifier field (e-mail, phone, customer
id, ...) also keeps the standardised value it matched, so that a new record with that
e-mail is suppressed too.  An ingest drops every record whose id or identifier is on the
list and reports it as suppressed; :meth:`IdentityStore.unsuppress` lifts an entry.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from unifyprofile import schema

__all__ = ["Suppression", "identifiers"]


def identifiers() -> tuple[str, ...]:
    """Fields whose matched value an erasure by ``match=`` suppresses (besides record
    ids): e-mail, phone and every identifier field type registered
    (:data:`~unifyprofile.schema.ID_FIELDS`, read when asked)."""
    return ("email", "phone", *schema.ID_FIELDS)

_KEY = "suppression_key"
_CHUNK = 500


class Suppression:
    """The suppression list of one store file (the ``suppressed`` table).

    Args:
        db: the store's connection; writes happen inside the caller's transaction.
    """

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def _key(self, create: bool) -> bytes | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (_KEY,)).fetchone()
        if row is not None:
            return bytes.fromhex(str(row[0]))
        if not create:
            return None
        key = secrets.token_bytes(32)
        self._db.execute("INSERT INTO meta VALUES (?, ?)", (_KEY, key.hex()))
        return key

    @staticmethod
    def _digest(key: bytes, kind: str, value: str) -> str:
        return hmac.new(key, f"{kind}\x1f{value}".encode(), hashlib.sha256).hexdigest()

    def add(self, entries: Iterable[tuple[str, str]], at: str) -> int:
        """Suppress ``(kind, value)`` entries (kind: ``record_id`` or a field name)."""
        key = self._key(create=True)
        assert key is not None
        rows = {(kind, self._digest(key, kind, value)) for kind, value in entries}
        before = self._count()
        self._db.executemany("INSERT OR IGNORE INTO suppressed VALUES (?, ?, ?)",
                             [(kind, digest, at) for kind, digest in sorted(rows)])
        return self._count() - before

    def remove(self, entries: Iterable[tuple[str, str]]) -> int:
        """Lift the suppression of ``(kind, value)`` entries; returns how many were on it."""
        key = self._key(create=False)
        if key is None:
            return 0
        before = self._count()
        self._db.executemany("DELETE FROM suppressed WHERE kind = ? AND digest = ?",
                             [(kind, self._digest(key, kind, value))
                              for kind, value in entries])
        return before - self._count()

    def _count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM suppressed").fetchone()[0])

    def hits(self, records: pd.DataFrame) -> np.ndarray:
        """Per record, whether its id or one of its standardised identifiers is suppressed."""
        hit = np.zeros(len(records), dtype=bool)
        key = self._key(create=False)
        if key is None or not len(records) or not self._count():
            return hit
        columns = [(schema.RECORD_ID, schema.RECORD_ID)] + [
            (f, schema.std(f)) for f in identifiers() if schema.std(f) in records.columns]
        for kind, column in columns:
            values = records[column].to_numpy(dtype=object, na_value=None)
            present = np.flatnonzero(pd.notna(values))
            digests = [self._digest(key, kind, str(values[k])) for k in present.tolist()]
            found = self._found(kind, digests)
            if found:
                hit[present[np.isin(np.asarray(digests, dtype=object), list(found))]] = True
        return hit

    def _found(self, kind: str, digests: Sequence[str]) -> set[str]:
        out: set[str] = set()
        unique = sorted(set(digests))
        for start in range(0, len(unique), _CHUNK):
            part = unique[start:start + _CHUNK]
            marks = ",".join("?" * len(part))
            out.update(d for (d,) in self._db.execute(
                f"SELECT digest FROM suppressed WHERE kind = ? AND digest IN ({marks})",
                (kind, *part)))
        return out
