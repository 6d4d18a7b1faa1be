"""Queries: what the store answers without writing -- resolve a record, explain two,
look an entity up (following merges), its history and graph, and the tables it holds."""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Mapping
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from unifyprofile import schema
from unifyprofile.blocking import Key, key_values
from unifyprofile.errors import ConfigError, DataError, StoreError
from unifyprofile.graph import identity_graph, widest_path
from unifyprofile.result import evidence_table, explain_reason
from unifyprofile.score import Scored, vetoed
from unifyprofile.sources import Source, map_rows
from unifyprofile.standardise import standardise
from unifyprofile.store._codec import FIXED, encode
from unifyprofile.store._core import StoreCore
from unifyprofile.store._db import chunks
from unifyprofile.store._events import any_events, entity_traits, golden_traits, timeline_of
from unifyprofile.store._results import Explanation, Profile, Resolution
from unifyprofile.store._scoring import clustered, score, side

__all__ = ["audit", "clusters", "current_id", "edges", "explain", "golden", "graph", "history",
           "ledger", "lookup", "records", "resolve", "stats", "timeline"]

#: The columns of :attr:`Resolution.candidates` before the per-comparison evidence.
_EVIDENCE = ("record_id", "entity_id", "match_weight", "match_probability", "rule", "linked")


def resolve(core: StoreCore, record: Mapping[str, Any], *,
            source: str | None = None) -> Resolution:
    """Which entity a record belongs to, with the evidence (:meth:`IdentityStore.resolve`)."""
    with core.snapshot():
        core.refresh()
        return _resolve(core, record, source)


def _resolve(core: StoreCore, record: Mapping[str, Any], source: str | None) -> Resolution:
    context = core.context()
    config = core.config
    src = next((s for s in config.sources if s.name == source), None)
    if source is not None and src is None:
        raise ConfigError(f"no source named {source!r} in the config; sources are "
                          f"{', '.join(s.name for s in config.sources)}")
    model = context.model
    names = [c.name for c in model.comparisons]
    frame = _query_frame(core, record, src, source or "?")
    frame = standardise(frame, region=src.default_region if src else "US",
                        dayfirst=src.dayfirst if src else False,
                        year_pivot=src.year_pivot if src else None,
                        id_fields=config.id_fields, phone_fields=config.phone_fields,
                        placeholders=dict(config.guards.placeholders))
    query = context.apply_hubs(frame.reindex(columns=[*FIXED, *context.narrow]))
    others = _neighbours(core, query)
    if not others:
        return Resolution(None, 0.0, None, _no_candidates(tuple(names)).copy(), [])
    # The query goes through the same JSON round trip as a stored record, so both
    # sides of every pair have the types an ingest would give them.
    sub = core.load(others, narrow=True, first=(
        "\x00query", source or "?", "?", encode(query, context.narrow)[0]))
    assert sub is not None
    sub = context.apply_hubs(sub)
    i = np.zeros(len(sub) - 1, dtype=np.int64)
    j = np.arange(1, len(sub), dtype=np.int64)
    sides = side(core, sub)
    if sides is not None:
        keep = sides[i] != sides[j]
        i, j = i[keep], j[keep]
    evidence, scored, _ = _evidence(core, sub, i, j)
    rid = sub[schema.RECORD_ID].to_numpy(dtype=object)[j]
    order = np.lexsort((rid.astype(str), -scored.strength()))  # strongest first
    rid = rid[order]
    member = core.memberships(rid.tolist())
    entity = np.array([member.get(r) for r in rid.tolist()], dtype=object)
    linked = scored.linked[order]
    table = pd.DataFrame({"record_id": rid, "entity_id": entity,
                          **{k: v[order] for k, v in evidence.items()}})
    entities = list(dict.fromkeys(entity[linked].tolist()))
    if not entities:
        return Resolution(None, float(scored.probability.max()), None, table, [])
    best = entities[0]
    row = core.db.execute("SELECT profile FROM golden WHERE entity_id = ?",
                          (best,)).fetchone()
    return Resolution(best, float(table["match_probability"].to_numpy()[linked][0]),
                      None if row is None else json.loads(row[0]), table, entities)


@functools.lru_cache(maxsize=8)
def _no_candidates(names: tuple[str, ...]) -> pd.DataFrame:
    """The candidates of a record that shares no key (copied: a frame without rows but
    with columns costs a hundred times its copy to make)."""
    return pd.DataFrame(columns=[*_EVIDENCE, *names])


def _query_frame(core: StoreCore, record: Mapping[str, Any], src: Source | None,
                 source: str) -> pd.DataFrame:
    """The record to resolve as one raw row in canonical field names, after the fixed
    columns (record id ``"\x00query"``, ``source``, source record id ``"?"``)."""
    fixed = {schema.RECORD_ID: ["\x00query"], schema.SOURCE: [source],
             schema.SOURCE_RECORD_ID: ["?"]}
    fields = {str(k): v for k, v in record.items() if k not in FIXED}
    known = {*schema.CANONICAL_FIELDS, *schema.ID_FIELDS, schema.UPDATED_AT,
             *core.context().columns}
    unknown = sorted(set(fields) - known)
    if not unknown:
        return pd.DataFrame({**fixed, **{k: [v] for k, v in fields.items()}})
    if src is None:
        fields_known = sorted(f for f in (*schema.CANONICAL_FIELDS, *schema.ID_FIELDS)
                              if f in core.context().columns)
        raise DataError(
            f"resolve: unknown field(s) {', '.join(map(repr, unknown))}; use the "
            f"canonical fields the store holds ({', '.join(fields_known)}), or pass "
            "source=NAME to give a row in that source's own column names")
    # A row of the source: mapped by the same function that maps its exports.
    used = {c for cols in src.mapping.values()
            for c in ([cols] if isinstance(cols, str) else cols)}
    if src.resolved_updated_at:
        used.add(src.resolved_updated_at)
    if not used & set(fields):
        raise DataError(
            f"resolve: none of {', '.join(map(repr, sorted(fields)))} is a column that "
            f"source '{src.name}' maps ({', '.join(sorted(used))}) or a canonical field")
    id_column = src.resolved_id_column or "__id"
    raw = pd.DataFrame({c: [fields.get(c)] for c in sorted(used | {id_column})},
                       dtype=object)
    raw[id_column] = "?"
    mapped = map_rows(dataclasses.replace(src, id_column=id_column), raw,
                      np.array([1]))
    return pd.concat([pd.DataFrame(fixed), mapped.drop(columns=[*FIXED, "source_row"]).reset_index(
        drop=True)],
                     axis=1)


def _neighbours(core: StoreCore, query: pd.DataFrame) -> list[str]:
    """Stored records sharing a blocking-key value with the one-row ``query``."""
    found: set[str] = set()
    # Each key once, though several rules share it (first_name:nick, ...).
    keys: dict[Key, Any] = {}
    for n, rule in enumerate(core.context().rules):
        parts = []
        for key in rule.keys:
            if key not in keys:
                keys[key] = key_values(query, key)[0]
            parts.append(keys[key])
        value = None if any(v is None for v in parts) else "\x1f".join(parts)
        if value is not None:
            found.update(r for (r,) in core.db.execute(
                "SELECT record_id FROM block_keys WHERE rule = ? AND value = ?",
                (n, value)))
    return sorted(found)


def _evidence(core: StoreCore, sub: pd.DataFrame, i: np.ndarray, j: np.ndarray
              ) -> tuple[dict[str, np.ndarray], Scored, np.ndarray]:
    """Score the pairs ``(i, j)`` of ``sub`` with the frozen context: the columns of
    :attr:`Resolution.candidates` after ``entity_id`` (weight, probability, rule,
    linked, one log2 Bayes factor per comparison), the scores and the levels."""
    model = core.context().model
    frequencies = core.context().frequencies(core.db, sub)
    levels, scored = score(core, sub, i, j, frequencies)
    contributions = model.contributions(
        levels, [None if f is None else f[i] for f in frequencies])
    names = [r.name for r in core.config.rules]
    return {"match_weight": scored.weight, "match_probability": scored.probability,
            "rule": np.array([names[f] if f >= 0 else None
                              for f in scored.fired.tolist()], dtype=object),
            "linked": scored.linked,
            **{c.name: contributions[:, k] for k, c in enumerate(model.comparisons)}
            }, scored, levels


def explain(core: StoreCore, record_a: str, record_b: str) -> Explanation:
    """Why two stored records are one entity, or why not (:meth:`IdentityStore.explain`)."""
    core.refresh()
    a, b = str(record_a), str(record_b)
    member = core.memberships([a, b])
    for rid in (a, b):
        if rid not in member:
            raise StoreError(f"no record {rid!r} in {core.path}; record ids look like "
                             "'<source>:<source id>' (see store.clusters())")
    names = [c.name for c in core.context().model.comparisons]
    columns = ["record_id_l", "record_id_r", *_EVIDENCE[2:], *names]
    sub = core.context().apply_hubs(core.load(sorted({a, b})))  # type: ignore[arg-type]
    at = {r: k for k, r in enumerate(sub[schema.RECORD_ID].tolist())}
    evidence, scored, levels = _evidence(core, sub, np.array([at[a]]), np.array([at[b]]))
    compared = a != b and _share_key(core, a, b)
    direct = pd.DataFrame({"record_id_l": [a], "record_id_r": [b], **evidence,
                           "compared": [compared]})
    table = evidence_table(sub, core.context().model, at[a], at[b], levels[0],
                           np.array([evidence[name][0] for name in names]))
    path = pd.DataFrame(columns=columns)
    probability = float(scored.probability[0])
    if a != b and member[a] == member[b]:
        links = _path(core, a, b, member[a])
        nodes = sorted({r for link in links for r in link})
        sub = core.context().apply_hubs(core.load(nodes))  # type: ignore[arg-type]
        at = {r: k for k, r in enumerate(sub[schema.RECORD_ID].tolist())}
        steps, _, _ = _evidence(core, sub, np.array([at[x] for x, _ in links]),
                                np.array([at[y] for _, y in links]))
        path = pd.DataFrame({"record_id_l": [x for x, _ in links],
                             "record_id_r": [y for _, y in links], **steps})
    frozen_model = core.context().model

    def cut() -> list[str]:
        found = clustered(core, core.components([a, b]))
        assert found is not None
        return sorted(set(found[1].cut["reason"].tolist()))

    reason = explain_reason(
        (member[a], member[b]), path, same_record=a == b, compared=compared,
        probability=probability, linked=bool(scored.linked[0]), rule=evidence["rule"][0],
        forbidden=lambda: bool(vetoed(levels, list(frozen_model.comparisons),
                                      core.config.guards, frozen_model)[0]),
        veto=core.config.guards.veto, threshold=core.config.threshold, cut=cut)
    return Explanation((a, b), (member[a], member[b]), member[a] == member[b], reason,
                       path[columns], direct, table)


def _share_key(core: StoreCore, a: str, b: str) -> bool:
    """Whether two stored records share a blocking-key value (blocking compares them)."""
    return core.db.execute(
        "SELECT 1 FROM block_keys x JOIN block_keys y ON x.rule = y.rule AND "
        "x.value = y.value WHERE x.record_id = ? AND y.record_id = ? LIMIT 1",
        (a, b)).fetchone() is not None


def _path(core: StoreCore, a: str, b: str, entity_id: str) -> list[tuple[str, str]]:
    """Links joining ``a`` to ``b`` inside their entity, weakest link strongest."""
    return [(str(x), str(y)) for x, y in widest_path(graph(core, entity_id), a, b)]


def graph(core: StoreCore, entity_id: str) -> nx.Graph:
    """An entity's records and links as a networkx graph (:meth:`IdentityStore.graph`)."""
    core.refresh()
    current = current_id(core, entity_id)
    records = pd.read_sql_query(
        "SELECT record_id, entity_id, source FROM records WHERE entity_id = ? ORDER BY "
        "record_id", core.db.conn, params=(current,))
    names = [c.name for c in core.context().model.comparisons]
    rows: list[Any] = []
    for part in chunks(records[schema.RECORD_ID].tolist()):
        marks = ",".join("?" * len(part))
        rows += core.db.execute(
            f"SELECT a, b, weight, probability, rule, levels FROM edges WHERE a IN "
            f"({marks}) ORDER BY a, b", part).fetchall()
    links = pd.DataFrame({
        "record_id_l": [r[0] for r in rows], "record_id_r": [r[1] for r in rows],
        "match_weight": [r[2] for r in rows], "match_probability": [r[3] for r in rows],
        "rule": [r[4] for r in rows],
        **{name: [json.loads(r[5])[k] for r in rows] for k, name in enumerate(names)}})
    return identity_graph(records, links)


def lookup(core: StoreCore, entity_id: str) -> Profile | None:
    current = current_id(core, entity_id)
    if current is None:
        return None
    row = core.db.execute("SELECT profile FROM golden WHERE entity_id = ?",
                          (current,)).fetchone()
    rids = [r for (r,) in core.db.execute(
        "SELECT record_id FROM records WHERE entity_id = ? ORDER BY record_id", (current,))]
    profile = json.loads(row[0]) if row else {}
    if any_events(core):
        profile.update(entity_traits(core, current))
    return Profile(current, profile, rids)


def timeline(core: StoreCore, entity_id: str) -> pd.DataFrame:
    """An entity's touchpoints, merges followed (:meth:`IdentityStore.timeline`)."""
    return timeline_of(core, current_id(core, entity_id))


def current_id(core: StoreCore, entity_id: str) -> str | None:
    """What an entity id is now, merges followed (:meth:`IdentityStore.current_id`)."""
    seen = []
    current = entity_id
    while True:
        row = core.db.execute("SELECT status, merged_into FROM entities WHERE "
                              "entity_id = ?", (current,)).fetchone()
        if row is None:
            raise StoreError(f"no entity {current!r} in {core.path}; entity ids look "
                             "like 'E' + 16 hex digits (see store.clusters())")
        status, into = row
        if status == "erased":
            return None
        if status != "merged" or into in seen:
            return current
        seen.append(current)
        current = into


def history(core: StoreCore, entity_id: str) -> pd.DataFrame:
    return pd.read_sql_query(
        "SELECT l.seq, l.run_id, l.at, l.event, l.entity_id, l.other_id, l.records "
        "FROM ledger l WHERE entity_id = ? OR other_id = ? ORDER BY seq", core.db.conn,
        params=(entity_id, entity_id))


def clusters(core: StoreCore) -> pd.DataFrame:
    return pd.read_sql_query("SELECT record_id, entity_id FROM records ORDER BY "
                             "record_id", core.db.conn)


def golden(core: StoreCore) -> pd.DataFrame:
    rows = core.db.execute("SELECT profile FROM golden ORDER BY entity_id").fetchall()
    out = pd.DataFrame.from_records([json.loads(r[0]) for r in rows])
    if any_events(core) and schema.ENTITY_ID in out.columns:
        out = golden_traits(core, out)
    return out


def records(core: StoreCore) -> pd.DataFrame:
    core.refresh()
    out = core.load_all()
    if out is None:
        return pd.DataFrame(columns=[*FIXED, schema.ENTITY_ID])
    out[schema.ENTITY_ID] = out[schema.RECORD_ID].map(
        dict(core.db.execute("SELECT record_id, entity_id FROM records")))
    return out


def edges(core: StoreCore) -> pd.DataFrame:
    return pd.read_sql_query(
        "SELECT a AS record_id_l, b AS record_id_r, weight AS match_weight, "
        "probability AS match_probability, rule FROM edges ORDER BY a, b", core.db.conn)


def ledger(core: StoreCore) -> pd.DataFrame:
    return pd.read_sql_query("SELECT * FROM ledger ORDER BY seq", core.db.conn)


def audit(core: StoreCore) -> pd.DataFrame:
    return pd.read_sql_query("SELECT * FROM audit ORDER BY seq", core.db.conn)


def stats(core: StoreCore) -> dict[str, int]:
    out = {}
    for table in ("records", "edges", "golden", "ledger", "block_keys"):
        out[table] = int(core.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    out["entities_ever"] = int(core.db.execute(
        "SELECT COUNT(*) FROM entities").fetchone()[0])
    return out
