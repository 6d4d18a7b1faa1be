"""Share a slow map with a second Python while this one does other work.

Phone numbers are parsed by ``phonenumbers`` in pure Python, the slowest standardiser (a
million records: several seconds).  On a machine with a second core a child interpreter
starts on them at once, chunk by chunk from the first, while this process standardises
the names, e-mails and addresses; when this process then asks for the result it parses
chunks from the last one back until it meets the child, and the child is stopped.  So
the work splits itself between the two whatever their speeds.

The child is a plain ``python -c`` (not ``multiprocessing``, which re-imports the
caller's main script: an unguarded script would run again).  It reads one pickled job on
stdin and writes one pickled result per chunk on stdout.  When anything goes wrong
there (no interpreter, a crash, a kill for memory) this process parses the chunks the
child did not deliver, so the result never depends on the child.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

__all__ = ["CHUNK", "MIN_SIZE", "SharedMap", "shared_map"]

T = TypeVar("T")
R = TypeVar("R")

#: Less work than this (items to map) is done in this process alone: a child interpreter
#: takes about a second to start, the time of some 100,000 phone numbers.
MIN_SIZE = 100_000
#: Items per chunk: a chunk is the most work done twice when the two meet.
CHUNK = 5_000

_CHILD = "from unifyprofile.standardise._offload import serve; serve()"


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _interpreter() -> str | None:
    """This Python's executable, when it is one (an embedding server's is not)."""
    exe = sys.executable
    if exe and Path(exe).name.lower().startswith("python") and Path(exe).exists():
        return exe
    return None


class _Delivery:
    """What the child has delivered (chunk 0 onwards), shared with the thread reading it."""

    def __init__(self, chunks: int) -> None:
        self.chunks = chunks
        self.delivered: list[list[Any]] = []
        self.ended = threading.Event()  # the child delivers no more
        self.more = threading.Condition()


def _send(child: subprocess.Popen[bytes], job: bytes) -> None:
    assert child.stdin is not None
    with contextlib.suppress(OSError):  # the child died or was stopped
        child.stdin.write(job)
        child.stdin.close()


def _receive(child: subprocess.Popen[bytes], delivery: _Delivery) -> None:
    assert child.stdout is not None
    try:
        while len(delivery.delivered) < delivery.chunks:
            chunk = pickle.load(child.stdout)
            with delivery.more:
                delivery.delivered.append(chunk)
                delivery.more.notify_all()
    except Exception:  # noqa: BLE001, S110 - an end of any kind: this process does the rest
        pass
    finally:
        with delivery.more:
            delivery.ended.set()
            delivery.more.notify_all()


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.kill()
    child.wait()
    if child.stdout is not None:
        child.stdout.close()


class SharedMap(Generic[T, R]):
    """``func`` over chunks of items, shared with a child interpreter when one was
    started (see the module docs); :meth:`result` gives the results in item order.  A
    map dropped before its result is asked for stops its child."""

    def __init__(self, func: Callable[[list[T]], list[R]], items: Sequence[T],
                 interpreter: str | None) -> None:
        self._func = func
        self._chunks = [list(items[k:k + CHUNK]) for k in range(0, len(items), CHUNK)]
        self._delivery = _Delivery(len(self._chunks))
        self._child: subprocess.Popen[bytes] | None = None
        if interpreter is not None and self._chunks:
            self._start(interpreter)

    def _start(self, interpreter: str) -> None:
        # The child must import this very package, wherever it was imported from.
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH")) if p)
        try:
            child = subprocess.Popen(
                [interpreter, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, env=env)
        except (OSError, subprocess.SubprocessError):  # no processes here: all in this one
            return
        self._child = child
        weakref.finalize(self, _stop, child)
        job = pickle.dumps((self._func.__module__, self._func.__qualname__, self._chunks),
                           protocol=pickle.HIGHEST_PROTOCOL)
        threading.Thread(target=_send, args=(child, job), daemon=True).start()
        threading.Thread(target=_receive, args=(child, self._delivery), daemon=True).start()

    def result(self) -> list[R]:
        delivery = self._delivery
        done: dict[int, list[R]] = {}
        k = len(self._chunks) - 1
        # From the last chunk back, until the child has delivered the chunk at hand.
        while k >= len(delivery.delivered):
            done[k] = self._func(self._chunks[k])
            k -= 1
        if self._child is not None:
            with delivery.more:
                delivery.more.wait_for(
                    lambda: len(delivery.delivered) > k or delivery.ended.is_set())
            _stop(self._child)
        out: list[R] = []
        for n, chunk in enumerate(self._chunks):
            if n in done:
                out += done[n]
            elif n < len(delivery.delivered):
                out += delivery.delivered[n]
            else:  # the child ended before it delivered this chunk
                out += self._func(chunk)
        return out


def shared_map(func: Callable[[list[T]], list[R]], items: Sequence[T], *,
               share: bool = True) -> SharedMap[T, R]:
    """Start ``func`` over chunks of ``items`` (see :class:`SharedMap`), in a child
    interpreter when ``share`` is set, the items are at least :data:`MIN_SIZE` and this
    machine has a second core; otherwise all of it runs here when the result is asked
    for.  ``func`` must be a module-level function of this package, its items and
    results picklable."""
    interpreter = _interpreter()
    if not share or len(items) < MIN_SIZE or _cores() < 2:
        interpreter = None
    return SharedMap(func, items, interpreter)


def serve() -> None:
    """The child's side: one pickled ``(module, name, chunks)`` job from stdin, the
    pickled result of each chunk to stdout as it is done."""
    module, name, chunks = pickle.load(sys.stdin.buffer)
    func = getattr(importlib.import_module(module), name)
    for chunk in chunks:
        pickle.dump(func(chunk), sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
        sys.stdout.buffer.flush()
