"""A worker in a process of its own, fed through a pipe: the service's writer and its
readers.  Python runs one thread's Python at a time per process, so work that must run
beside other work -- writes beside reads, reads beside reads -- runs in processes.

The child runs ``target(conn, *args)``: it opens what it needs, sends ``(-1, True, None,
())`` once ready, then answers each ``(number, request)`` with ``(number, ok, value,
extra)`` and stops on ``None`` or when the pipe closes (the parent died).  If the child
dies, its unanswered requests fail and a new child starts -- unless it never got ready
(it cannot open the store: starting it again would only loop).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any

from unifyprofile.errors import StoreError

__all__ = ["ChildProcess", "answer", "requests"]


class ChildProcess:
    """One child process and the futures of the requests it has not answered.

    Args:
        role: ``writer`` or ``reader``, for names and messages.
        target: the child's main function, ``target(conn, *args)``.
        args: its arguments (picklable).
    """

    def __init__(self, role: str, target: Callable[..., None], args: tuple[Any, ...]) -> None:
        self.role = role
        self.target = target
        self.args = args
        self._lock = threading.Lock()
        self._pending: dict[int, Future[Any]] = {}
        self._next = 0
        self._closing = False
        #: Set once the process has opened the store and can take requests.
        self.ready = threading.Event()
        #: The process ended before it was ready (see the server's log).
        self.failed = False
        self._start()

    def _start(self) -> None:
        self.ready.clear()
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=self.target, args=(child, *self.args),
                                        name=f"unifyprofile-{self.role}", daemon=True)
        self._process.start()
        child.close()
        threading.Thread(target=self._receive, args=(self._conn,),
                         name=f"unifyprofile-{self.role}-answers", daemon=True).start()

    def submit(self, request: Any) -> Future[Any]:
        """Send a request; the future's result is the child's answer."""
        future: Future[Any] = Future()
        if self.failed:
            future.set_exception(StoreError(f"the {self.role} process could not start; see "
                                            "the server's log"))
            return future
        with self._lock:
            number = self._next
            self._next += 1
            self._pending[number] = future
            try:
                self._conn.send((number, request))
            except (OSError, EOFError) as exc:
                self._pending.pop(number)
                future.set_exception(StoreError(f"the {self.role} is not running ({exc}); "
                                                "retry"))
        return future

    @property
    def depth(self) -> int:
        """Requests sent and not answered yet."""
        return len(self._pending)

    def answered(self, extra: tuple[Any, ...]) -> None:
        """Called with the extra part of each answer (a subclass's business)."""

    def close(self, timeout: float = 60.0) -> None:
        """Let the child finish what it was sent, then stop it."""
        self._closing = True
        with self._lock, contextlib.suppress(OSError, EOFError):
            self._conn.send(None)
        self._process.join(timeout)
        if self._process.is_alive():  # pragma: no cover - a stuck request
            self._process.kill()

    def _receive(self, conn: Any) -> None:
        while True:
            try:
                number, ok, value, extra = conn.recv()
            except (EOFError, OSError):
                break
            if number < 0:
                self.ready.set()
                continue
            future = self._pending.pop(number, None)
            self.answered(extra)
            if future is None:
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
        started = self.ready.is_set()
        with self._lock:
            lost, self._pending = self._pending, {}
            self.failed = not started
        for future in lost.values():
            future.set_exception(StoreError(f"the {self.role} process stopped before "
                                            "answering; nothing it was asked was "
                                            "acknowledged -- retry it"))
        if not self._closing and started:
            self._start()


def requests(conn: Any) -> Iterator[tuple[int, Any]]:  # pragma: no cover - a child
    """In a child: say it is ready, then yield each ``(number, request)`` until the
    parent says stop or dies."""
    conn.send((-1, True, None, ()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        yield message


def answer(conn: Any, number: int, ok: bool, value: Any,
           extra: tuple[Any, ...] = ()) -> None:  # pragma: no cover - a child
    """In a child: send one answer; one that does not pickle goes as its repr."""
    try:
        conn.send((number, ok, value, extra))
    except Exception:  # noqa: BLE001 - an answer that does not pickle
        conn.send((number, False, StoreError(repr(value)), extra))
