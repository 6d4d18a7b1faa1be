"""Event sources: the declaration, the events table read from a source, timelines and
computed traits in a batch run."""

from __future__ import annotations

import json
from dataclasses import replace

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import pandas as pd
import pytest

import unifyprofile as up
from unifyprofile.config import dump_config, parse_config
from unifyprofile.errors import ConfigError, DataError, SourceError
from unifyprofile.events import (
    EVENT_COLUMNS,
    TRAIT_COLUMNS,
    Events,
    normalise_events,
    timeline,
    traits,
)
from unifyprofile.score import DeterministicRule
from unifyprofile.sources import read_source

CHATS = pd.DataFrame({
    "id": ["1", "2", "3", "4"],
    "email": ["ann@x.org", "ann@x.org", "bob@y.org", None],
    "first": ["Ann", "Ann", "Bob", "Cy"],
    "when": ["2024-05-02 10:00", "2024-05-01T09:00:00-02:00", "yesterday", "2024-01-01"],
    "via": ["chat", "email", "chat", None],
    "state": ["Open", "closed", "on-hold", None],
    "total": ["10", None, "2.5", "x"],
    "topic": ["refund", None, "login", None],
})
SPEC = Events(at="when", channel="via", type_value="chat", status="state", amount="total",
              properties=("topic",))


def chats(events: Events | None = SPEC, data: pd.DataFrame = CHATS) -> up.Source:
    return up.Source("chat", data=data, id_column="id",
                     columns={"email": "email", "first_name": "first"}, events=events)


def config(source: up.Source) -> up.Config:
    return up.Config(sources=(source,), rules=(DeterministicRule.from_config(
        {"name": "email", "keys": ["email"]}),))


def test_a_source_row_is_an_event_with_its_record_id():
    table = read_source(chats())
    events = table.events
    assert list(events.columns) == list(EVENT_COLUMNS)
    assert events["event_id"].tolist() == table.records["record_id"].tolist()
    assert events["record_id"].tolist() == ["chat:1", "chat:2", "chat:3", "chat:4"]
    assert events["at"].tolist() == ["2024-05-02T10:00:00Z", "2024-05-01T11:00:00Z", None,
                                     "2024-01-01T00:00:00Z"]
    assert events["channel"].tolist() == ["chat", "email", "chat", None]
    assert events["type"].tolist() == ["chat"] * 4
    assert events["amount"].isna().tolist() == [False, True, False, True]
    assert events["amount"].sum() == 12.5
    assert [json.loads(p) for p in events["properties"]] == [
        {"topic": "refund"}, {}, {"topic": "login"}, {}]
    # Nothing dropped silently, and no value in the notes.
    assert any("1 event(s) have a time in column 'when'" in n for n in table.notes)
    assert any("1 event(s) have an amount in column 'total'" in n for n in table.notes)
    assert not any("yesterday" in n or "'x'" in n for n in table.notes)


def test_rejected_rows_have_no_event():
    data = pd.concat([CHATS, CHATS.iloc[[0]]], ignore_index=True)  # a repeated id
    table = read_source(chats(data=data))
    assert len(table.rejects) == 1 and len(table.events) == len(table.records) == 4


def test_a_missing_event_column_names_the_source_and_the_column():
    with pytest.raises(SourceError, match=r"source 'chat'.*events.status -> 'stat' is not a "
                                          r"column; did you mean 'state'\?.*\[sources.events\]"):
        read_source(chats(replace(SPEC, status="stat")))


def test_the_declaration_checks_itself():
    with pytest.raises(ConfigError) as info:
        Events(at="", type="t", type_value="x", properties=("a", 3))  # type: ignore[arg-type]
    problems = info.value.problems
    assert problems[0].startswith("events.at must be the name of the column")
    assert any(p.startswith("events.type: give type (a column) or type_value") for p in problems)
    assert any(p.startswith("events.properties must be a list") for p in problems)
    with pytest.raises(ConfigError, match="events must be an Events or None"):
        up.Source("crm", events="created_at")  # type: ignore[arg-type]


def test_the_config_round_trips_the_events_table():
    text = dump_config(config(replace(chats(), data=None, path="chats.csv")))
    assert "[sources.events]" in text
    again = parse_config(tomllib.loads(text))
    assert again.sources[0].events == SPEC


def test_config_problems_of_events_are_named_by_their_key_path():
    with pytest.raises(ConfigError) as info:
        parse_config({"sources": [{"name": "crm", "id_column": "id",
                                   "events": {"at": "t", "chanel": "c"}}]})
    assert info.value.problems == [
        "sources[0].events.chanel: unknown key; allowed keys are at, channel, channel_value, "
        "type, type_value, status, amount, properties"]


def test_traits_do_not_depend_on_the_order_of_the_events():
    events = read_source(chats()).events.assign(entity_id=["E1", "E1", "E2", "E2"])
    one = traits(events)
    two = traits(events.iloc[::-1])
    pd.testing.assert_frame_equal(one, two)
    assert one.loc["E1", "last_channel"] == "chat"  # 10:00 UTC is after 09:00-02:00
    assert one.loc["E1", "open_cases"] == 1 and one.loc["E2", "open_cases"] == 1
    assert one.loc["E2", "first_seen"] == one.loc["E2", "last_seen"] == "2024-01-01T00:00:00Z"
    assert one.loc["E2", "total_spend"] == 2.5
    assert json.loads(one.loc["E1", "events_by_source"]) == {"chat": 2}


def test_timeline_ties_break_by_event_id():
    events = normalise_events([{"event_id": i, "record_id": "a:1", "at": "2024-01-01"}
                               for i in ("b", "c", "a")])
    assert timeline(events)["event_id"].tolist() == ["a", "b", "c"]
    with pytest.raises(DataError, match="required"):
        normalise_events([{"record_id": "a:1"}])


def test_a_batch_run_gives_events_a_timeline_and_traits(tmp_path):
    result = up.Resolver(config(chats())).run()
    ann = result.clusters.set_index("record_id").loc["chat:1", "entity_id"]
    line = result.timeline(ann)
    assert line["record_id"].tolist() == ["chat:2", "chat:1"]
    assert line["channel"].tolist() == ["email", "chat"]
    golden = result.golden.set_index("entity_id")
    assert set(TRAIT_COLUMNS) <= set(golden.columns)
    assert golden.loc[ann, "events"] == 2 and golden.loc[ann, "total_spend"] == 10.0
    with pytest.raises(DataError, match="no entity"):
        result.timeline("E-nobody")
    written = {p.name for p in result.write(tmp_path / "out")}
    assert {"events.parquet", "events.csv"} <= written
    back = pd.read_parquet(tmp_path / "out" / "events.parquet")
    assert back["event_id"].tolist() == result.events["event_id"].tolist()


def test_without_events_the_output_is_as_before(tmp_path):
    plain = up.Resolver(config(chats(events=None))).run()
    timed = up.Resolver(config(chats())).run()
    assert not set(TRAIT_COLUMNS) & set(plain.golden.columns)
    assert plain.events.empty
    written = {p.name for p in plain.write(tmp_path / "out")}
    assert not any(n.startswith("events.") for n in written)
    pd.testing.assert_frame_equal(plain.clusters, timed.clusters)
    pd.testing.assert_frame_equal(plain.golden,
                                  timed.golden.drop(columns=list(TRAIT_COLUMNS)))
