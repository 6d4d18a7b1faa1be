"""Tail a growing JSONL file into the store (``unifyprofile ingest --follow``).

Each complete line is one JSON object: a Segment-spec message (it has ``type`` and
``messageId``: identify becomes a record of the feed's source, track/page/screen an
event) or a record of the given source in its own column names.  Lines are read as a
JSONL export reads them (numbers keep their text) and applied in batches, one ingest --
one transaction -- per batch.  A line not yet ended by a newline waits for the rest; a
file that shrinks (rotated or truncated) is read again from its start, which is harmless:
records are idempotent by record id and events by event id.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unifyprofile.errors import StoreError
from unifyprofile.sources import feed_source, json_frame, segment_messages
from unifyprofile.store._results import Changes

__all__ = ["Followed", "follow"]


@dataclass
class Followed:
    """What a follow did: batches applied, lines read, records and events written, and
    the lines that could not be used (line number and reason)."""

    batches: int = 0
    lines: int = 0
    records: int = 0
    events: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)


def follow(store: Any, path: str | Path, *, source: str | None = None, poll: float = 0.25,
           batch: int = 500, idle_exit: float | None = None,
           stop: Callable[[], bool] | None = None,
           on_batch: Callable[[Changes | None, int], None] | None = None) -> Followed:
    """Apply the lines of ``path`` to ``store`` as they are written.

    Args:
        store: an :class:`~unifyprofile.IdentityStore`.
        path: the JSONL file (it may not exist yet).
        source: the source of plain records, and of identify calls when the config has
            no single source with preset ``segment``.
        poll: seconds between looks at a file that did not grow.
        batch: the most lines one ingest applies.
        idle_exit: stop once the file has not grown for this many seconds (None: never).
        stop: called between batches; stop when it returns true.
        on_batch: called after each batch with its changes and its events.
    """
    path = Path(path)
    config = store.config
    specs = {s.name: s for s in config.sources}
    if source is not None and source not in specs:
        raise StoreError(f"--source {source!r} is not a source of the store's config "
                         f"({', '.join(specs)})")
    done = Followed()
    position, buffer, line_no = 0, b"", 0
    quiet_since = time.monotonic()
    while not (stop and stop()):
        chunk = b""
        if path.exists():
            with path.open("rb") as handle:
                size = handle.seek(0, 2)
                if size < position:  # rotated or truncated: read it again
                    position, buffer, line_no = 0, b"", 0
                handle.seek(position)
                chunk = handle.read(8 << 20)
        if not chunk:
            if idle_exit is not None and time.monotonic() - quiet_since >= idle_exit:
                break
            time.sleep(poll)
            continue
        quiet_since = time.monotonic()
        position += len(chunk)
        lines = (buffer + chunk).split(b"\n")
        buffer = lines.pop()
        for start in range(0, len(lines), batch):
            objects = []
            for text in lines[start:start + batch]:
                line_no += 1
                if not text.strip():
                    continue
                try:
                    obj = json.loads(text, parse_int=str, parse_float=str)
                except (ValueError, UnicodeDecodeError) as exc:
                    done.rejected.append({"line": line_no, "reason": f"not JSON ({exc})"})
                    continue
                if not isinstance(obj, dict):
                    done.rejected.append({"line": line_no, "reason": "not a JSON object"})
                    continue
                objects.append((line_no, obj))
            done.lines += len(objects)
            if objects:
                _apply(store, specs, source, objects, done, on_batch)
    return done


def _apply(store: Any, specs: dict[str, Any], source: str | None,
           objects: list[tuple[int, dict[str, Any]]], done: Followed,
           on_batch: Callable[[Changes | None, int], None] | None) -> None:
    messages = [o for _, o in objects if "type" in o and "messageId" in o]
    plain = [o for _, o in objects if not ("type" in o and "messageId" in o)]
    changes: Changes | None = None
    events: list[dict[str, Any]] = []
    if messages:
        name = feed_source(list(specs.values()), None if plain else source)
        feed = segment_messages(messages, name)
        done.rejected += [{"line": objects[m["index"]][0], "reason": m["reason"]}
                          for m in feed.ignored if "index" in m]
        if feed.rows:
            changes = store.ingest(json_frame(feed.rows, specs[name]), source=name)
        events = feed.events
        if events:
            store.add_events(events)
    if plain:
        if source is None:
            raise StoreError("lines without 'type' and 'messageId' are plain records: give "
                             "their source with --source")
        changes = store.ingest(json_frame(plain, specs[source]), source=source)
    done.batches += 1
    done.records += changes.records if changes is not None else 0
    done.events += len(events)
    if on_batch is not None:
        on_batch(changes, len(events))
