"""Events in the store: touchpoints kept by record, read by entity.

An event belongs to a record (``record_id``), never to an entity: the entity of an event
is the entity of its record when it is read, so events follow merges and splits for
free, and an event whose record has not arrived yet (a ``track`` call for a user
identified later) joins its entity once the record does.  Erasing a record deletes its
events; a suppressed record id's events are not stored again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from unifyprofile import schema
from unifyprofile.events import (
    EVENT_COLUMNS,
    TIMELINE_COLUMNS,
    TRAIT_COLUMNS,
    empty_events,
    normalise_events,
    timeline,
    with_traits,
)
from unifyprofile.store._core import StoreCore
from unifyprofile.store._db import chunks
from unifyprofile.store._suppress import Suppression

__all__ = ["add_events", "any_events", "entity_traits", "forget", "golden_traits",
           "store_events", "timeline_of"]

_COLUMNS = ", ".join(EVENT_COLUMNS)


def store_events(core: StoreCore, events: pd.DataFrame) -> int:
    """Write events inside the caller's transaction; an event id already stored is
    replaced, and the events of suppressed record ids are left out.

    Returns:
        How many events were written.
    """
    if not len(events):
        return 0
    hit = Suppression(core.db.conn).hits(events[[schema.RECORD_ID]])
    events = events[~hit]
    rows = events[list(EVENT_COLUMNS)].astype(object)
    rows = rows.where(rows.notna(), None)
    core.db.executemany(f"INSERT OR REPLACE INTO events ({_COLUMNS}) VALUES "
                        f"({', '.join('?' * len(EVENT_COLUMNS))})",
                        rows.itertuples(index=False, name=None))
    return len(rows)


def add_events(core: StoreCore, events: pd.DataFrame | Iterable[Mapping[str, Any]]) -> int:
    """Store events given by a caller in one transaction (:meth:`IdentityStore.add_events`)."""
    frame = normalise_events(events)
    with core.tx():
        return store_events(core, frame)


def forget(core: StoreCore, record_ids: Sequence[str]) -> None:
    """Delete the events of erased records (inside the caller's transaction)."""
    for part in chunks(list(record_ids)):
        marks = ",".join("?" * len(part))
        core.db.execute(f"DELETE FROM events WHERE record_id IN ({marks})", part)


def any_events(core: StoreCore) -> bool:
    """Whether the store holds an event."""
    return core.db.execute("SELECT 1 FROM events LIMIT 1").fetchone() is not None


def _read(core: StoreCore, where: str = "", params: Sequence[Any] = ()) -> pd.DataFrame:
    """Events of stored records with their record's entity."""
    columns = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
    rows = core.db.execute(
        f"SELECT {columns}, r.entity_id FROM events e JOIN records r "
        f"ON r.record_id = e.record_id {where}", params).fetchall()
    if not rows:
        return empty_events().assign(entity_id=pd.Series(dtype=object))
    frame = pd.DataFrame.from_records(rows, columns=[*EVENT_COLUMNS, schema.ENTITY_ID])
    frame["amount"] = frame["amount"].astype("float64")
    return frame


def timeline_of(core: StoreCore, entity_id: str | None) -> pd.DataFrame:
    """The events of the records of an entity (its current id; None: erased, no events)
    in time order (:meth:`IdentityStore.timeline`)."""
    if entity_id is None:
        return timeline(empty_events())
    events = _read(core, "WHERE r.entity_id = ?", (entity_id,))
    return timeline(events)[list(TIMELINE_COLUMNS)]


def entity_traits(core: StoreCore, entity_id: str) -> dict[str, Any]:
    """The traits of one entity (its current id), as plain Python values."""
    events = _read(core, "WHERE r.entity_id = ?", (entity_id,))
    row = with_traits(pd.DataFrame({schema.ENTITY_ID: [entity_id]}), events).iloc[0]
    return {c: _plain(row[c]) for c in TRAIT_COLUMNS}


def golden_traits(core: StoreCore, golden: pd.DataFrame) -> pd.DataFrame:
    """``golden`` with every entity's traits added."""
    return with_traits(golden, _read(core))


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    return value
