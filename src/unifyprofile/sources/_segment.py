"""Segment-spec messages (the JSON Segment and RudderStack send to webhook
destinations) as records and touchpoint events.

* ``identify`` becomes a record of the feed's source: its ``userId`` is the record id and
  its reserved ``traits`` (``email``, ``firstName``, ``address.city``, ...) are mapped by
  the ``segment`` preset, as a JSONL file of the same messages would be.  The same user
  identified again replaces the record (the newest traits win), so a replayed message
  changes nothing.
* ``track``, ``page`` and ``screen`` become events of the record ``<source>:<userId>``
  (or ``anonymousId``) -- the entity that record is in, now or once it arrives.  The
  ``messageId`` is the event id, so a replayed message is stored once.
* ``group`` and ``alias`` are answered as ignored, with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from unifyprofile.errors import ConfigError
from unifyprofile.sources._source import Source

__all__ = ["Feed", "feed_source", "segment_messages"]

#: Property names read as the amount of a touchpoint (Segment's e-commerce spec).
AMOUNT_KEYS = ("revenue", "total", "value", "price")


@dataclass
class Feed:
    """Messages split into records (identify) and events (track, page, screen)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    ignored: list[dict[str, Any]] = field(default_factory=list)


def feed_source(sources: Sequence[Source], given: str | None) -> str:
    """The source identify calls become records of: ``given``, or the only one with the
    ``segment`` preset.

    Raises:
        ConfigError: ``given`` is not among ``sources``, or none or several have the preset.
    """
    names = [s.name for s in sources]
    if given is not None:
        if given not in names:
            raise ConfigError(f"no source {given!r} in the config; sources: "
                              f"{', '.join(names)}")
        return given
    feeds = [s.name for s in sources if s.preset == "segment"]
    if len(feeds) != 1:
        found = f"{len(feeds)} ({', '.join(feeds)})" if feeds else "none"
        raise ConfigError(f"a Segment feed needs one source with preset 'segment' in the "
                          f"config, found {found}: add [[sources]] name = \"web\", preset = "
                          "\"segment\", or name the source")
    return feeds[0]


def segment_messages(messages: Sequence[Any], source: str) -> Feed:
    """The records and events of ``messages`` (each one's problem is in ``ignored``)."""
    feed = Feed()
    for k, message in enumerate(messages):
        problem = _problem(message)
        if problem:
            feed.ignored.append({"index": k, "reason": problem})
            continue
        kind = message["type"]
        who = message.get("userId") or message.get("anonymousId")
        if kind == "identify":
            if not message.get("userId"):
                feed.ignored.append({"index": k, "messageId": message.get("messageId"),
                                     "reason": "identify without userId: nothing to key "
                                               "the record on (anonymous traits are not "
                                               "stored)"})
                continue
            feed.rows.append(dict(message))
        elif kind in ("track", "page", "screen"):
            feed.events.append(_event(message, source, str(who)))
        else:
            feed.ignored.append({"index": k, "messageId": message.get("messageId"),
                                 "reason": f"'{kind}' calls are not used (identify, track, "
                                           "page and screen are)"})
    return feed


def _problem(message: Any) -> str:
    if not isinstance(message, Mapping):
        return "not a JSON object"
    if not isinstance(message.get("type"), str):
        return "no 'type' (identify, track, page, screen)"
    if not isinstance(message.get("messageId"), str) or not message["messageId"]:
        return "no 'messageId' (it makes a replayed message count once)"
    if not (message.get("userId") or message.get("anonymousId")):
        return "neither 'userId' nor 'anonymousId'"
    if not isinstance(message.get("timestamp"), str):
        return "no 'timestamp' (ISO 8601)"
    return ""


def _event(message: Mapping[str, Any], source: str, who: str) -> dict[str, Any]:
    properties = message.get("properties")
    properties = dict(properties) if isinstance(properties, Mapping) else {}
    context = message.get("context")
    context = context if isinstance(context, Mapping) else {}
    kind = message["type"]
    name = message.get("event") if kind == "track" else message.get("name")
    amount = next((properties[k] for k in AMOUNT_KEYS if k in properties), None)
    try:
        amount = None if amount is None else float(amount)
    except (TypeError, ValueError):
        amount = None
    return {
        "event_id": f"{source}:{message['messageId']}",
        "record_id": f"{source}:{who}",
        "source": source,
        "at": message["timestamp"],
        "channel": str(context.get("channel") or ("mobile" if kind == "screen" else "web")),
        "type": str(name or kind),
        "status": None,
        "amount": amount,
        "properties": json.dumps(properties, sort_keys=True, default=str),
    }
