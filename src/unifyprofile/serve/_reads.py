"""The service's reads, as named operations on a store that answer JSON-ready values:
run by a reader process (see :class:`ReaderPool`) or, with no reader processes, in the
server's own process.  A request the store cannot answer raises :class:`Refusal` with the
HTTP status and the message.

Several reader processes answer reads side by side, each with its own connection and its
own copy of the frozen scoring context: reads scale with the cores instead of taking
turns for one interpreter lock.  A reader sees every commit of the writer (SQLite's
write-ahead log) and reloads its context when an erasure or a refit changed it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from unifyprofile.serve._procs import ChildProcess, answer, requests
from unifyprofile.store import IdentityStore, json_rows

__all__ = ["OPS", "InProcess", "ReaderPool", "Refusal", "warm_up"]


class Refusal(Exception):
    """A read the store cannot answer: ``status`` (404, 410) and ``detail``."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(status, detail)
        self.status = status
        self.detail = detail


def warm_up(store: IdentityStore) -> None:
    """Resolve a made-up record once, so that the first request does not pay for loading
    the name lexicons and transliteration tables (about 2 s)."""
    store.resolve({"first_name": "Ann", "last_name": "Lee", "email": "ann.lee@warm-up.invalid",
                   "phone": "+1 415 555 0100", "dob": "1980-01-01"})


def _lookup(store: IdentityStore, entity_id: str) -> Any:
    from unifyprofile.errors import StoreError

    try:
        current = store.current_id(entity_id)
    except StoreError as exc:
        raise Refusal(404, f"no entity {entity_id!r} was ever issued by this store") from exc
    profile = store.lookup(current) if current is not None else None
    if profile is None:
        raise Refusal(410, f"entity {entity_id!r} was erased")
    return profile


def resolve(store: IdentityStore, records: list[Mapping[str, Any]], source: str | None,
            evidence: int) -> list[dict[str, Any]]:
    return [dict(store.resolve(r, source=source).as_dict(evidence)) for r in records]


def entity(store: IdentityStore, entity_id: str) -> dict[str, Any]:
    profile = _lookup(store, entity_id)
    return {**profile.as_dict(), "requested_id": entity_id,
            "merged": profile.entity_id != entity_id}


def timeline(store: IdentityStore, entity_id: str) -> dict[str, Any]:
    current = _lookup(store, entity_id).entity_id
    return {"entity_id": current, "requested_id": entity_id,
            "events": json_rows(store.timeline(current))}


def explain(store: IdentityStore, a: str, b: str) -> dict[str, Any]:
    stored = store.entities_of([a, b])
    missing = [r for r in (a, b) if r not in stored]
    if missing:
        raise Refusal(404, f"no record {missing[0]!r} in the store; record ids read "
                           "'<source>:<source id>'")
    return dict(store.explain(a, b).as_dict())


def stats(store: IdentityStore) -> dict[str, int]:
    return dict(store.stats())


OPS: dict[str, Callable[..., Any]] = {"resolve": resolve, "entity": entity,
                                      "timeline": timeline, "explain": explain,
                                      "stats": stats}


class InProcess:
    """Reads in the server's process, one at a time (``serve --readers 0``)."""

    def __init__(self, path: Path) -> None:
        self.store = IdentityStore(path)
        warm_up(self.store)
        self._lock = threading.Lock()
        self.ready = threading.Event()
        self.ready.set()
        self.failed = False

    def submit(self, request: tuple[str, tuple[Any, ...]]) -> Future[Any]:
        op, args = request
        future: Future[Any] = Future()
        try:
            with self._lock:
                future.set_result(OPS[op](self.store, *args))
        except Exception as exc:  # noqa: BLE001 - handed to the request
            future.set_exception(exc)
        return future

    def close(self) -> None:
        self.store.close()


class ReaderPool:
    """``processes`` reader processes; a read goes to the one with the fewest waiting."""

    def __init__(self, path: Path, processes: int) -> None:
        self.readers = [ChildProcess("reader", _child, (path,)) for _ in range(processes)]

    @property
    def ready(self) -> _AllReady:
        return _AllReady(self.readers)

    @property
    def failed(self) -> bool:
        return any(r.failed for r in self.readers)

    def submit(self, request: tuple[str, tuple[Any, ...]]) -> Future[Any]:
        return min(self.readers, key=lambda r: r.depth).submit(request)

    def close(self) -> None:
        for reader in self.readers:
            reader.close()


class _AllReady:
    def __init__(self, readers: list[ChildProcess]) -> None:
        self.readers = readers

    def is_set(self) -> bool:
        return all(r.ready.is_set() for r in self.readers)


def _child(conn: Any, path: Path) -> None:  # pragma: no cover - a process
    """A reader process: answer each ``(op, args)`` from the pipe with its own store."""
    store = IdentityStore(path)
    warm_up(store)
    for number, (op, args) in requests(conn):
        try:
            value = OPS[op](store, *args)
        except Exception as exc:  # noqa: BLE001 - handed to the request
            answer(conn, number, False, exc)
        else:
            answer(conn, number, True, value)
    store.close()
