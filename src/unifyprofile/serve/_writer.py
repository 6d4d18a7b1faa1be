"""The one writer: every write of the service goes through one queue to one thread that
owns the writing store, so writes never interleave, and a write is answered only after
its transaction committed (an acknowledged write survives ``kill -9``: the store commits
with the write-ahead log and ``synchronous=FULL``).

Writes that wait together are applied together (group commit): consecutive ingests of one
source become one :meth:`~unifyprofile.IdentityStore.ingest` -- one transaction, one
scoring pass -- so fifty feed messages a second cost a few commits, not fifty.  Each
request still gets its own answer: its records' entities, the changes among those
entities, and its own rejects.  If a group fails, its requests are applied one by one, so
one bad request fails alone.
"""

from __future__ import annotations

import functools
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from unifyprofile.config import Config
from unifyprofile.serve._procs import ChildProcess, answer, requests
from unifyprofile.serve._reads import warm_up
from unifyprofile.sources import json_frame
from unifyprofile.store import IdentityStore

__all__ = ["Erase", "Ingest", "Writer", "WriterProcess", "as_table", "record_ids"]


@dataclass
class Ingest:
    """Records of one source (in its own column names) and events, from one request."""

    source: str | None
    rows: Sequence[Mapping[str, Any]] = ()
    events: Sequence[Mapping[str, Any]] = ()
    #: The ids of ``rows`` as the store names them (``source:id``), in order.
    record_ids: Sequence[str | None] = ()
    enqueued: float = field(default_factory=time.time)


@dataclass
class Erase:
    """A subject request: exactly one selector, as for :meth:`IdentityStore.erase`."""

    record_ids: Sequence[str] | None = None
    entity_id: str | None = None
    match: Mapping[str, Any] | None = None
    dry_run: bool = False
    compact: bool = True
    enqueued: float = field(default_factory=time.time)


_STOP = object()


class Writer:
    """A thread applying queued writes to ``store`` in order.

    Args:
        store: the store to write (used by this thread only from now on).
        max_group: the most records one grouped ingest carries.
        committed: called after each commit with the seconds from the oldest request's
            arrival to the commit (the service's ingest lag) and the records written.
    """

    def __init__(self, store: IdentityStore, *, max_group: int = 2000,
                 committed: Callable[[float, int], None] | None = None) -> None:
        self.store = store
        self.max_group = max_group
        self.committed = committed
        self._queue: queue.Queue[Any] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="unifyprofile-writer",
                                        daemon=True)
        self._thread.start()

    def submit(self, job: Ingest | Erase) -> Future[Any]:
        """Queue a write; the future's result is the answer for that request."""
        future: Future[Any] = Future()
        self._queue.put((job, future))
        return future

    @property
    def depth(self) -> int:
        """Writes waiting."""
        return self._queue.qsize()

    def close(self, timeout: float = 60.0) -> None:
        """Finish the queued writes, then stop the thread."""
        self._queue.put(_STOP)
        self._thread.join(timeout)

    # ------------------------------------------------------------------ the thread
    def _loop(self) -> None:
        waiting: deque[Any] = deque()
        while True:
            item = waiting.popleft() if waiting else self._queue.get()
            if item is _STOP:
                return
            job, future = item
            if isinstance(job, Erase):
                self._run([item], self._erase)
                continue
            group = [item]
            size = len(job.rows)
            ids = {r for r in job.record_ids if r}
            # Take what else is waiting: ingests of the same source whose records are not
            # already in the group (a record twice in one ingest would be a duplicate).
            while size < self.max_group:
                try:
                    nxt = waiting.popleft() if waiting else self._queue.get_nowait()
                except queue.Empty:
                    break
                other = nxt if nxt is _STOP else nxt[0]
                if (other is _STOP or not isinstance(other, Ingest)
                        or other.source != job.source
                        or ids.intersection(r for r in other.record_ids if r)):
                    waiting.appendleft(nxt)
                    break
                group.append(nxt)
                size += len(other.rows)
                ids.update(r for r in other.record_ids if r)
            self._run(group, self._ingest)

    def _run(self, group: list[Any], apply: Callable[[list[Any]], list[Any]]) -> None:
        jobs = [job for job, _ in group]
        try:
            answers = apply(jobs)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting request
            if len(group) > 1:  # one bad request must not fail the others
                for item in group:
                    self._run([item], apply)
                return
            group[0][1].set_exception(exc)
            return
        for (_, future), reply in zip(group, answers, strict=True):
            future.set_result(reply)

    def _ingest(self, jobs: list[Any]) -> list[dict[str, Any]]:
        store = self.store
        rows = [row for job in jobs for row in job.rows]
        events = [event for job in jobs for event in job.events]
        changes = None
        if rows:
            source = jobs[0].source
            changes = store.ingest(as_table(store.config, source, rows), source=source)
        if events:
            store.add_events(events)
        if self.committed is not None:
            self.committed(time.time() - min(j.enqueued for j in jobs),
                           len(rows) + len(events))
        wanted = [r for job in jobs for r in job.record_ids if r]
        entity_of = store.entities_of(wanted)
        answers = []
        start = 0
        for job in jobs:
            mine = {r: entity_of.get(r) for r in job.record_ids if r}
            answers.append(_answer(changes, mine, start, len(job.rows)))
            start += len(job.rows)
        return answers

    def _erase(self, jobs: list[Any]) -> list[dict[str, Any]]:
        (job,) = jobs
        record_ids = list(job.record_ids) if job.record_ids is not None else None
        selection = self.store.erase_selection(record_ids, entity_id=job.entity_id,
                                               match=job.match)
        answer: dict[str, Any] = {
            "dry_run": job.dry_run, "records": int(len(selection)),
            "entities": sorted(selection["entity_id"].dropna().unique().tolist()),
            "record_ids": selection["record_id"].tolist()}
        if not job.dry_run:
            changes = self.store.erase(record_ids, entity_id=job.entity_id, match=job.match,
                                       compact=job.compact)
            answer.update(run_id=changes.run_id, split=[list(p) for p in changes.split],
                          erased=changes.erased, updated=changes.updated)
        return [answer]


class WriterProcess(ChildProcess):
    """The :class:`Writer` in a process of its own: the writes' work (standardising,
    scoring, clustering: pandas and Python) runs on another core than the reads, instead
    of taking turns with them for one interpreter lock.  Same interface as
    :class:`Writer`; the requests and answers travel through a pipe.

    If the process dies, the writes it had not answered fail (their requests get an
    error, nothing was acknowledged) and a new process takes the next ones.

    Args:
        path: the store file.
        max_group: as for :class:`Writer`.
        committed: as for :class:`Writer` (called in this process).
    """

    def __init__(self, path: Path, *, max_group: int = 2000,
                 committed: Callable[[float, int], None] | None = None) -> None:
        self.committed = committed
        super().__init__("writer", _child, (path, max_group))

    def answered(self, extra: tuple[Any, ...]) -> None:
        lag, items = extra
        if lag is not None and self.committed is not None:
            self.committed(lag, items)


def _child(conn: Any, path: Path, max_group: int) -> None:  # pragma: no cover - a process
    """The writer process: a :class:`Writer` fed from the pipe."""
    send_lock = threading.Lock()
    lag: list[tuple[float, int]] = []

    def reply(number: int, future: Future[Any]) -> None:
        error = future.exception()
        with send_lock:
            done = lag.pop() if lag else (None, 0)
            answer(conn, number, error is None,
                   error if error is not None else future.result(), done)

    store = IdentityStore(path)
    warm_up(store)
    writer = Writer(store, max_group=max_group,
                    committed=lambda seconds, items: lag.append((seconds, items)))
    for number, job in requests(conn):
        writer.submit(job).add_done_callback(functools.partial(reply, number))
    writer.close()
    store.close()


def as_table(config: Config, source: str | None, rows: Sequence[Mapping[str, Any]]
             ) -> pd.DataFrame:
    """Records of ``source`` given as JSON objects, as the table a JSONL export of them
    reads as (see :func:`unifyprofile.sources.json_frame`)."""
    return json_frame(rows, {s.name: s for s in config.sources}.get(source or ""))


def record_ids(config: Config, source: str, frame: pd.DataFrame) -> list[str | None]:
    """The store's id (``source:id``) of each row of ``frame`` (None: the row has none)."""
    spec = {s.name: s for s in config.sources}[source]
    column = spec.resolved_id_column
    if column is None or column not in frame.columns:
        return [None] * len(frame)
    return [None if v is None or (isinstance(v, float) and v != v) or str(v).strip() == ""
            else f"{source}:{str(v).strip()}" for v in frame[column].tolist()]


def _answer(changes: Any, mine: dict[str, str | None], start: int, count: int
            ) -> dict[str, Any]:
    """One request's share of a grouped ingest's changes."""
    entities = {e for e in mine.values() if e}
    if changes is None:
        return {"records": mine, "created": [], "updated": [], "merged": [], "split": [],
                "rejects": [], "suppressed": [], "run_id": None}
    rejects = changes.rejects
    if len(rejects):
        rows = pd.to_numeric(rejects["row"], errors="coerce")
        own = rejects[(rows > start) & (rows <= start + count)].copy()
        own["row"] = rows[own.index].astype(int) - start
        own = own.astype(object).where(own.notna(), None)
        rejected = own.to_dict("records")
    else:
        rejected = []
    return {
        "run_id": changes.run_id,
        "records": mine,
        "created": [e for e in changes.created if e in entities],
        "updated": [e for e in changes.updated if e in entities],
        "merged": [list(p) for p in changes.merged if p[1] in entities],
        "split": [list(p) for p in changes.split if p[0] in entities or p[1] in entities],
        "rejects": rejected,
        "suppressed": [r for r in changes.suppressed if r in mine],
    }
