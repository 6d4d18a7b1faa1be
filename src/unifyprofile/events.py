"""Touchpoints: the events of a source, an entity's journey (timeline) and its traits.

A source may declare itself an event source (:class:`Events`): each of its records is
also a touchpoint -- a time, a channel, a type and free properties (a CSM case, a chat,
an order).  Events belong to records and reach entities through them, so they follow
their records through merges, splits and erasure.

events
    ``event_id`` (str, unique; a source row's event is its record id,
    ``"<source>:<id>"``), ``record_id`` (the record it belongs to), ``source``, ``at``
    (UTC ISO-8601 text, ``2024-05-01T10:30:00Z``; null where the time could not be read),
    ``channel``, ``type``, ``status``, ``amount`` (float or null), ``properties`` (JSON
    text of an object).
timeline
    an entity's events with their record's ``source_record_id``, sorted by ``at`` (events
    without a time last) then ``event_id``: :data:`TIMELINE_COLUMNS`.
traits
    one row per ``entity_id``: :data:`TRAIT_COLUMNS` (see :func:`traits`).

This module sits below the stages: sources extract events with it, the engines, the
result and the store read them with it.
"""

from __future__ import annotations

import json
import reprlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from unifyprofile import schema
from unifyprofile.errors import ConfigError, DataError
from unifyprofile.standardise import standardise_timestamp

__all__ = ["EVENT_COLUMNS", "OPEN_STATUSES", "TIMELINE_COLUMNS", "TRAIT_COLUMNS", "Events",
           "empty_events", "extract_events", "normalise_events", "timeline", "traits",
           "with_traits"]

#: The columns of the events table, in order.
EVENT_COLUMNS = ("event_id", "record_id", "source", "at", "channel", "type", "status",
                 "amount", "properties")
#: The columns of a timeline, in order.
TIMELINE_COLUMNS = ("at", "source", "channel", "type", "status", "amount", "properties",
                    "record_id", "source_record_id", "event_id")
#: The computed traits a golden profile gains when there are events.
TRAIT_COLUMNS = ("first_seen", "last_seen", "channels", "last_channel", "events",
                 "events_by_source", "events_by_type", "open_cases", "total_spend")
#: Statuses of an open case (compared without case and surrounding spaces).
OPEN_STATUSES = frozenset({"open", "new", "pending", "hold", "on-hold", "in progress"})

_TEXT_KEYS = ("at", "channel", "channel_value", "type", "type_value", "status", "amount")
_KEYS = (*_TEXT_KEYS, "properties")


@dataclass(frozen=True)
class Events:
    """What makes a source an event source: which of its columns hold a touchpoint.

    Args:
        at: the column with the event's time (required).
        channel: the column with the channel (``chat``, ``email``, ``web``) ...
        channel_value: ... or one channel for every row of the source.
        type: the column with the event type (``ticket``, ``order``) ...
        type_value: ... or one type for every row.
        status: the column with a case status; a case is open when its status is one of
            :data:`OPEN_STATUSES` (any case).
        amount: a numeric column (an order total); gives ``total_spend``.
        properties: further columns kept with each event as free properties.

    Raises:
        ConfigError: listing every field that breaks its contract.

    Examples:
        >>> Events(at="created_at", type_value="ticket", status="status").columns()
        [('at', 'created_at'), ('status', 'status')]
        >>> Events(at="created_at", channel="chan", channel_value="chat")
        Traceback (most recent call last):
        ...
        unifyprofile.errors.ConfigError: events.channel: give channel (a column) or \
channel_value (one value for every row), not both (got 'chan' and 'chat')
    """

    at: str
    channel: str | None = None
    channel_value: str | None = None
    type: str | None = None
    type_value: str | None = None
    status: str | None = None
    amount: str | None = None
    properties: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.properties, (list, tuple)):
            object.__setattr__(self, "properties", tuple(self.properties))
        problems = [f"events.{p}" for p in self._problems()]
        if problems:
            raise ConfigError(problems)

    def _problems(self) -> list[str]:
        got = reprlib.repr
        out = []
        if not isinstance(self.at, str) or not self.at:
            out.append(f"at must be the name of the column holding the event's time (got "
                       f"{got(self.at)}); e.g. at = \"created_at\"")
        for key in _TEXT_KEYS[1:]:
            value = getattr(self, key)
            if value is not None and (not isinstance(value, str) or not value):
                out.append(f"{key} must be a non-empty string or left out (got "
                           f"{got(value)})")
        for key in ("channel", "type"):
            column, value = getattr(self, key), getattr(self, f"{key}_value")
            if column is not None and value is not None:
                out.append(f"{key}: give {key} (a column) or {key}_value (one value for "
                           f"every row), not both (got {column!r} and {value!r})")
        props = self.properties
        if not isinstance(props, tuple) or not all(isinstance(c, str) and c for c in props):
            out.append(f"properties must be a list of column names (got {got(props)}); e.g. "
                       "properties = [\"subject\"]")
        return out

    def columns(self) -> list[tuple[str, str]]:
        """``(role, column)`` of every source column the events read, ``at`` first."""
        out = [("at", self.at)]
        out += [(key, getattr(self, key)) for key in ("channel", "type", "status", "amount")
                if getattr(self, key) is not None]
        out += [("properties", c) for c in self.properties]
        return out

    def to_config(self) -> dict[str, Any]:
        """The ``[sources.events]`` table of this spec."""
        out: dict[str, Any] = {k: getattr(self, k) for k in _TEXT_KEYS
                               if getattr(self, k) is not None}
        if self.properties:
            out["properties"] = list(self.properties)
        return out

    @classmethod
    def from_config(cls, entry: Any) -> Events:
        """The spec of a ``[sources.events]`` table; unknown keys are errors.

        Raises:
            ConfigError: the table is not a table, has unknown keys or wrong values.
        """
        if not isinstance(entry, Mapping):
            raise ConfigError(f"events must be a table, e.g. {{ at = \"created_at\" }} (got "
                              f"{reprlib.repr(entry)})")
        unknown = [f"events.{k}: unknown key; allowed keys are {', '.join(_KEYS)}"
                   for k in entry if k not in _KEYS]
        try:
            spec = cls(**{k: v for k, v in entry.items() if k in _KEYS})
        except ConfigError as exc:
            raise ConfigError(unknown + exc.problems) from None
        except TypeError:  # ``at`` missing
            raise ConfigError([*unknown, "events.at must be the name of the column holding "
                               "the event's time (got nothing); e.g. at = \"created_at\""]
                              ) from None
        if unknown:
            raise ConfigError(unknown)
        return spec


def empty_events() -> pd.DataFrame:
    """An events table without rows."""
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in EVENT_COLUMNS})
    frame["amount"] = frame["amount"].astype("float64")
    return frame


def _text(values: pd.Series) -> pd.Series:
    """Trimmed text, None where missing or blank (numbers without a trailing ``.0``)."""
    def one(value: Any) -> str | None:
        if value is None or (isinstance(value, float) and np.isnan(value)) \
                or value is pd.NA or value is pd.NaT:
            return None
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        text = str(value).strip()
        return text or None

    objects = values.astype(object)
    try:  # each distinct value once
        codes, uniques = pd.factorize(objects, use_na_sentinel=True)
    except TypeError:  # unhashable cells (lists): one by one
        return pd.Series([one(v) for v in objects.tolist()], index=values.index, dtype=object)
    table = np.array([*(one(u) for u in uniques), None], dtype=object)
    return pd.Series(table[codes], index=values.index, dtype=object)


def _iso(stamps: pd.Series) -> pd.Series:
    """UTC timestamps as ``YYYY-MM-DDTHH:MM:SSZ`` text, None for NaT."""
    text = stamps.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return text.astype(object).where(stamps.notna(), None)


def extract_events(spec: Events, raw: pd.DataFrame, record_ids: Iterable[str], source: str,
                   *, dayfirst: bool = False,
                   year_pivot: int | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The events of an event source's rows.

    Args:
        spec: the source's :class:`Events`.
        raw: the source's rows, one column per source column (the columns ``spec`` names
            must be there: check them first).
        record_ids: the record id of each row (the event id too).
        source: the source name.
        dayfirst: read ambiguous dates such as ``03/04/2024`` day first.
        year_pivot: two-digit years above it are 19xx, the others 20xx; None: this
            year's two digits.

    Returns:
        The events table (:data:`EVENT_COLUMNS`), one event per row, and notes: an
        event whose time cannot be read is kept with ``at`` null, and a note counts them
        (no value is named); so is an amount that is not a number.

    Examples:
        >>> raw = pd.DataFrame({"when": ["2024-05-01 12:30+02:00", "later"],
        ...                     "state": ["Open", "solved"], "topic": ["refund", None]})
        >>> spec = Events(at="when", type_value="ticket", status="state",
        ...               properties=("topic",))
        >>> events, notes = extract_events(spec, raw, ["csm:1", "csm:2"], "csm")
        >>> events[["event_id", "at", "type", "status", "properties"]]
          event_id                    at    type  status           properties
        0    csm:1  2024-05-01T10:30:00Z  ticket    Open  {"topic": "refund"}
        1    csm:2                  None  ticket  solved                   {}
        >>> notes
        ["source 'csm': 1 event(s) have a time in column 'when' that cannot be read; \
they are kept without a time"]
    """
    ids = pd.Series(list(record_ids), index=raw.index, dtype=object)
    n = len(raw)
    notes = []
    times = _text(raw[spec.at])
    stamps = standardise_timestamp(times, dayfirst, year_pivot)
    unread = int((times.notna() & stamps.isna()).sum())
    if unread:
        notes.append(f"source '{source}': {unread:,} event(s) have a time in column "
                     f"{spec.at!r} that cannot be read; they are kept without a time")

    def column_or(column: str | None, value: str | None) -> pd.Series:
        if column is not None:
            return _text(raw[column])
        return pd.Series([value] * n, index=raw.index, dtype=object)

    amount = pd.Series(np.full(n, np.nan), index=raw.index)
    if spec.amount is not None:
        text = _text(raw[spec.amount])
        amount = pd.to_numeric(text, errors="coerce").astype("float64")
        bad = int((text.notna() & amount.isna()).sum())
        if bad:
            notes.append(f"source '{source}': {bad:,} event(s) have an amount in column "
                         f"{spec.amount!r} that is not a number; their amount is left empty")
    props = [_text(raw[c]).tolist() for c in spec.properties]
    properties = [json.dumps({c: v[k] for c, v in zip(spec.properties, props, strict=True)
                              if v[k] is not None}, ensure_ascii=False)
                  for k in range(n)]
    events = pd.DataFrame({
        "event_id": ids, "record_id": ids, "source": source, "at": _iso(stamps),
        "channel": column_or(spec.channel, spec.channel_value),
        "type": column_or(spec.type, spec.type_value),
        "status": _text(raw[spec.status]) if spec.status else pd.Series(
            [None] * n, index=raw.index, dtype=object),
        "amount": amount, "properties": pd.Series(properties, index=raw.index, dtype=object),
    }, columns=list(EVENT_COLUMNS))
    return events.reset_index(drop=True), notes


def normalise_events(events: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Events given by a caller in the table's contract (``event_id`` and ``record_id``
    required), checked and put in its form: ``source`` defaults to the record id's
    prefix, ``at`` is read as a time and written in UTC, ``amount`` is a float and
    ``properties`` a JSON object (a mapping is encoded).

    Raises:
        DataError: a required column is missing or empty, a column is not part of the
            contract, or an event id repeats.

    Examples:
        >>> normalise_events([{"event_id": "track:1", "record_id": "web:u7",
        ...                    "at": "2024-05-01T12:30:00+02:00", "type": "page_view",
        ...                    "properties": {"path": "/cart"}}]).iloc[0].to_dict()
        ... # doctest: +NORMALIZE_WHITESPACE
        {'event_id': 'track:1', 'record_id': 'web:u7', 'source': 'web',
         'at': '2024-05-01T10:30:00Z', 'channel': None, 'type': 'page_view',
         'status': None, 'amount': nan, 'properties': '{"path": "/cart"}'}
    """
    frame = events.copy() if isinstance(events, pd.DataFrame) else pd.DataFrame(list(events))
    unknown = sorted(set(map(str, frame.columns)) - set(EVENT_COLUMNS))
    if unknown:
        raise DataError(f"events: column(s) {', '.join(unknown)} are not part of the events "
                        f"table; its columns are {', '.join(EVENT_COLUMNS)} (put anything "
                        "else under properties)")
    for column in ("event_id", "record_id"):
        if column not in frame.columns:
            raise DataError(f"events: column {column!r} is required (the columns are "
                            f"{', '.join(EVENT_COLUMNS)})")
    frame = frame.reset_index(drop=True)
    if not len(frame):
        return empty_events()
    out = pd.DataFrame(index=frame.index)
    for column in ("event_id", "record_id"):
        out[column] = _text(frame[column])
        if out[column].isna().any():
            first = int(np.flatnonzero(out[column].isna().to_numpy())[0])
            raise DataError(f"events: {column} is empty in row {first}; every event needs "
                            "an event_id and the record_id it belongs to")
    repeated = out["event_id"].duplicated()
    if repeated.any():
        raise DataError(f"events: event_id {out['event_id'][repeated].iloc[0]!r} is given "
                        "more than once; event ids are unique")
    prefix = out["record_id"].str.split(":", n=1).str[0]
    out["source"] = (_text(frame["source"]).fillna(prefix) if "source" in frame.columns
                     else prefix).astype(object)
    out["at"] = (_iso(standardise_timestamp(_text(frame["at"]))) if "at" in frame.columns
                 else None)
    for column in ("channel", "type", "status"):
        out[column] = _text(frame[column]) if column in frame.columns else None
    out["amount"] = (pd.to_numeric(_text(frame["amount"]), errors="coerce").astype("float64")
                     if "amount" in frame.columns else np.nan)
    if "properties" in frame.columns:
        out["properties"] = [json.dumps(dict(v), ensure_ascii=False)
                             if isinstance(v, Mapping) else
                             ("{}" if v is None or (isinstance(v, float) and np.isnan(v))
                              else str(v)) for v in frame["properties"].tolist()]
    else:
        out["properties"] = "{}"
    return out[list(EVENT_COLUMNS)].astype({c: object for c in EVENT_COLUMNS
                                            if c != "amount"})


def _source_record_id(record_ids: pd.Series) -> pd.Series:
    return record_ids.astype(str).str.split(":", n=1).str[-1].astype(object)


def timeline(events: pd.DataFrame) -> pd.DataFrame:
    """Events as a journey: in time order (events without a time last; ties by event id),
    with each record's source record id, columns :data:`TIMELINE_COLUMNS`.

    Args:
        events: the events of one entity (:data:`EVENT_COLUMNS`).

    Examples:
        >>> events = normalise_events([
        ...     {"event_id": "shop:9", "record_id": "shop:9", "at": "2024-03-02", "type": "order"},
        ...     {"event_id": "csm:4", "record_id": "csm:4", "at": "2024-03-01", "type": "ticket"}])
        >>> timeline(events)[["at", "source", "type", "source_record_id"]]
                             at source    type source_record_id
        0  2024-03-01T00:00:00Z    csm  ticket                4
        1  2024-03-02T00:00:00Z   shop   order                9
    """
    out = events[list(EVENT_COLUMNS)].copy()
    out["source_record_id"] = _source_record_id(out["record_id"])
    out = out.sort_values(["at", "event_id"], na_position="last", kind="stable")
    return out[list(TIMELINE_COLUMNS)].reset_index(drop=True)


def _counts(keys: pd.Series, values: pd.Series) -> pd.Series:
    """Per key, a JSON object counting its values (sorted keys)."""
    table = pd.DataFrame({"k": keys.to_numpy(), "v": values.to_numpy()}).dropna()
    counts = table.groupby(["k", "v"], sort=True).size()
    out: dict[Any, dict[str, int]] = {}
    for (key, value), count in counts.items():
        out.setdefault(key, {})[str(value)] = int(count)
    return pd.Series({k: json.dumps(v, sort_keys=True) for k, v in out.items()}, dtype=object)


def traits(events: pd.DataFrame) -> pd.DataFrame:
    """Computed traits per entity from its events.

    Args:
        events: events (:data:`EVENT_COLUMNS`) with the ``entity_id`` of their record;
            events of no entity (a record not yet seen) are ignored.

    Returns:
        One row per entity with events, indexed by ``entity_id`` (sorted):
        ``first_seen``/``last_seen`` (the earliest and latest time, null if none has one),
        ``channels`` (sorted, ``;``-joined), ``last_channel`` (the channel of the latest
        timed event that has one; ties by event id), ``events`` (the count),
        ``events_by_source`` and ``events_by_type`` (JSON counts), ``open_cases``
        (events whose status is in :data:`OPEN_STATUSES`) and ``total_spend`` (the sum
        of the amounts, null when no event has one).

    Examples:
        >>> events = normalise_events([
        ...     {"event_id": "a", "record_id": "crm:1", "at": "2024-01-02", "channel": "web"},
        ...     {"event_id": "b", "record_id": "shop:1", "at": "2024-02-01", "channel": "web",
        ...      "type": "order", "amount": "20.5"},
        ...     {"event_id": "c", "record_id": "csm:1", "at": "2024-03-01", "channel": "email",
        ...      "type": "ticket", "status": "Pending"}]).assign(entity_id="E1")
        >>> traits(events).iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
        {'first_seen': '2024-01-02T00:00:00Z', 'last_seen': '2024-03-01T00:00:00Z',
         'channels': 'email;web', 'last_channel': 'email', 'events': 3,
         'events_by_source': '{"crm": 1, "csm": 1, "shop": 1}',
         'events_by_type': '{"order": 1, "ticket": 1}', 'open_cases': 1,
         'total_spend': 20.5}
    """
    frame = events[events[schema.ENTITY_ID].notna()]
    frame = frame.sort_values(["at", "event_id"], na_position="first", kind="stable")
    key = frame[schema.ENTITY_ID].astype(str)
    groups = frame.groupby(key, sort=True)
    out = pd.DataFrame(index=pd.Index(sorted(key.unique()), name=schema.ENTITY_ID,
                                      dtype=object))
    # Sorted by time: the first and last times present (ISO text sorts as time does).
    out["first_seen"] = groups["at"].first()
    out["last_seen"] = groups["at"].last()
    channels = frame[["channel"]].assign(k=key).dropna().drop_duplicates()
    out["channels"] = channels.sort_values("channel").groupby("k")["channel"].agg(";".join)
    timed = frame[frame["at"].notna() & frame["channel"].notna()]
    out["last_channel"] = timed.groupby(key[timed.index], sort=True)["channel"].last()
    out["events"] = groups.size().astype("int64")
    out["events_by_source"] = _counts(key, frame["source"])
    out["events_by_type"] = _counts(key, frame["type"])
    status = frame["status"].astype(object).where(frame["status"].notna(), "")
    open_case = status.map(lambda s: str(s).strip().lower() in OPEN_STATUSES)
    out["open_cases"] = open_case.groupby(key).sum().astype("int64")
    by_id = frame.sort_values("event_id", kind="stable")
    out["total_spend"] = by_id["amount"].astype("float64").groupby(
        key[by_id.index]).sum(min_count=1)
    for column in ("first_seen", "last_seen", "channels", "last_channel",
                   "events_by_source", "events_by_type"):
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    out["events_by_type"] = out["events_by_type"].where(out["events_by_type"].notna(), "{}")
    return out[list(TRAIT_COLUMNS)]


def with_traits(golden: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """``golden`` with the :data:`TRAIT_COLUMNS` of each entity's events added (an entity
    without events: 0 events, 0 open cases, the rest null).

    Args:
        golden: golden profiles, one row per ``entity_id``.
        events: events with the ``entity_id`` of their record (as for :func:`traits`).
    """
    found = traits(events)
    out = golden.drop(columns=[c for c in TRAIT_COLUMNS if c in golden.columns])
    rows = found.reindex(out[schema.ENTITY_ID].astype(str).to_numpy())
    for column in TRAIT_COLUMNS:
        values = rows[column].to_numpy()
        if column in ("events", "open_cases"):
            out[column] = np.nan_to_num(values.astype("float64")).astype("int64")
        elif column == "total_spend":
            out[column] = values.astype("float64")
        else:
            out[column] = pd.Series(values, index=out.index, dtype=object).where(
                pd.notna(values), None)
    return out
