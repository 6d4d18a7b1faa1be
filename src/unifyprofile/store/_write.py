"""Writing what the store holds: records with their blocking keys, linked edges and
kept-apart pairs, and -- once records are clustered -- the entity ids (ledger rules),
memberships, golden profiles and ledger events; re-clustering of stored components."""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from unifyprofile import schema
from unifyprofile.golden import merge
from unifyprofile.store._codec import SLICE, encode
from unifyprofile.store._core import StoreCore, empty_like
from unifyprofile.store._db import chunks, now
from unifyprofile.store._ids import assign_ids
from unifyprofile.store._results import Changes
from unifyprofile.store._scoring import clustered

__all__ = ["assign", "drop_links", "insert_apart", "insert_edges", "insert_keys",
           "insert_records", "recluster"]


def insert_apart(core: StoreCore, a: np.ndarray, b: np.ndarray) -> None:
    core.db.executemany("INSERT OR IGNORE INTO apart VALUES (?, ?)",
                        zip(*ordered(a, b), strict=True))


def insert_records(core: StoreCore, records: pd.DataFrame, lines: list[str],
                   entity_ids: np.ndarray | None = None) -> None:
    run_id = core.db.run_id
    ids = [None] * len(records) if entity_ids is None else entity_ids.tolist()
    core.db.executemany(
        "INSERT INTO records (record_id, source, source_record_id, entity_id, run_id, "
        "data) VALUES (?, ?, ?, ?, ?, ?)",
        zip(records[schema.RECORD_ID].tolist(), records[schema.SOURCE].tolist(),
            records[schema.SOURCE_RECORD_ID].tolist(), ids, [run_id] * len(records),
            lines, strict=True))
    insert_keys(core, records)


#: Up to this many keys of a rule are inserted as they come, not in key order.
_FEW_KEYS = 64


def insert_keys(core: StoreCore, demoted: pd.DataFrame) -> None:
    rid = demoted[schema.RECORD_ID].to_numpy(dtype=object)
    for n, rule in enumerate(core.context().rules):
        values = rule.values(demoted)
        present = np.flatnonzero(values != None)  # noqa: E711 - elementwise
        if len(present) <= _FEW_KEYS:  # a few records: sorting costs more than it saves
            core.db.executemany("INSERT OR IGNORE INTO block_keys VALUES (?, ?, ?)",
                                zip(itertools.repeat(n), values[present].tolist(),
                                    rid[present].tolist()))
            continue
        # In key order the B-tree is filled page by page instead of at random (Arrow
        # sorts UTF-8 bytewise, as SQLite compares text).
        keys = pa.table({"v": pa.array(values[present], pa.string()),
                         "r": pa.array(rid[present], pa.string())})
        keys = keys.take(pc.sort_indices(keys, sort_keys=[("v", "ascending"),
                                                          ("r", "ascending")]))
        core.db.executemany("INSERT OR IGNORE INTO block_keys VALUES (?, ?, ?)",
                            zip(itertools.repeat(n), keys.column("v").to_pylist(),
                                keys.column("r").to_pylist()))


def insert_edges(core: StoreCore, a: np.ndarray, b: np.ndarray, levels: np.ndarray,
                 scored: Any, linked: np.ndarray) -> None:
    names = [r.name for r in core.config.rules]
    fired = scored.fired[linked]
    rule = [names[f] if f >= 0 else None for f in fired.tolist()]
    lo, hi = ordered(a, b)
    core.db.executemany(
        "INSERT OR REPLACE INTO edges VALUES (?, ?, ?, ?, ?, ?, ?)",
        zip(lo, hi, scored.weight[linked].tolist(),
            scored.probability[linked].tolist(), rule, scored.strength(linked).tolist(),
            [json.dumps(row) for row in levels.tolist()], strict=True))


def assign(core: StoreCore, records: pd.DataFrame, labels: np.ndarray,
           old: Mapping[str, str], changes: Changes, lines: list[str] | None = None) -> None:
    """Name the clusters (ledger rules), write membership, golden and the ledger.

    With ``lines`` (the batch path) the records are inserted here, with their entity
    ids, instead of updating the entity id of stored records."""
    rid = records[schema.RECORD_ID].to_numpy(dtype=object)
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    parts = np.split(order, bounds) if len(rid) else []
    groups = [rid[g].tolist() for g in parts]
    olds = sorted(set(old.values()))
    age: dict[str, int] = {}
    for part in chunks(olds):
        marks = ",".join("?" * len(part))
        age.update(core.db.execute(
            f"SELECT entity_id, age FROM entities WHERE entity_id IN ({marks})", part))
    assignment = assign_ids(groups, old, age, functools.partial(_taken, core))
    del groups
    ids = np.empty(len(rid), dtype=object)
    for members_idx, eid in zip(parts, assignment.ids, strict=True):
        ids[members_idx] = eid
    if lines is not None:
        insert_records(core, records, lines, ids)
    else:
        core.db.executemany("UPDATE records SET entity_id = ? WHERE record_id = ?",
                            zip(ids.tolist(), rid.tolist(), strict=True))
    clusters = pd.DataFrame({schema.RECORD_ID: rid, schema.ENTITY_ID: ids})
    fresh = list(dict.fromkeys(assignment.created + [new for _, new in assignment.split]))
    core.step("golden", 0, 1)
    config = core.config
    if not len(records):
        golden = pd.DataFrame({schema.ENTITY_ID: [], "record_count": []})
    else:
        golden = merge(records, clusters, dict(config.survivorship),
                       default=config.default_survivorship,
                       trust={s.name: s.trust for s in config.sources},
                       fields=_golden_fields(core, records))
    # Profiles are encoded and written a slice at a time: a million JSON texts at
    # once would be the largest thing in memory.
    columns, fresh_set = list(golden.columns), set(fresh)
    for start in range(0, len(golden), SLICE):
        part = golden.iloc[start:start + SLICE]
        gids = part[schema.ENTITY_ID].tolist()
        profiles = encode(part, columns)
        before: dict[str, str] = {}
        for chunk in chunks(gids):
            marks = ",".join("?" * len(chunk))
            before.update(core.db.execute(
                f"SELECT entity_id, profile FROM golden WHERE entity_id IN ({marks})",
                chunk))
            core.db.execute(f"DELETE FROM golden WHERE entity_id IN ({marks})", chunk)
        core.db.executemany("INSERT INTO golden VALUES (?, ?, ?)",
                            zip(gids, part["record_count"].astype(int).tolist(), profiles,
                                strict=True))
        changes.updated += [e for e, p in zip(gids, profiles, strict=True)
                            if e not in fresh_set and before.get(e) != p]
    for chunk in chunks(sorted(set(olds) - set(golden[schema.ENTITY_ID].tolist()))):
        marks = ",".join("?" * len(chunk))
        core.db.execute(f"DELETE FROM golden WHERE entity_id IN ({marks})", chunk)
    # The ledger.
    run_id, at = core.db.run_id, now()
    next_age = int(core.db.meta("next_age") or 0)
    sizes = clusters.groupby(schema.ENTITY_ID).size().to_dict()
    events: list[tuple[Any, ...]] = []
    core.db.executemany("INSERT INTO entities VALUES (?, ?, ?, 'active', NULL)",
                        ((eid, next_age + k, run_id) for k, eid in enumerate(fresh)))
    core.db.set_meta("next_age", str(next_age + len(fresh)))
    events += [(run_id, at, "created", e, None, sizes[e]) for e in assignment.created]
    events += [(run_id, at, "split_from", new, o, sizes[new]) for o, new in assignment.split]
    events += [(run_id, at, "merged_into", o, new, sizes[new])
               for o, new in assignment.merged]
    events += [(run_id, at, "erased", e, None, 0) for e in assignment.erased]
    core.db.executemany("INSERT INTO ledger (run_id, at, event, entity_id, other_id, "
                        "records) VALUES (?, ?, ?, ?, ?, ?)", events)
    core.db.executemany("UPDATE entities SET status = 'merged', merged_into = ? "
                        "WHERE entity_id = ?", [(w, o) for o, w in assignment.merged])
    core.db.executemany("UPDATE entities SET status = 'erased' WHERE entity_id = ?",
                        [(e,) for e in assignment.erased])
    changes.created += assignment.created
    changes.merged += assignment.merged
    changes.split += assignment.split
    changes.erased += assignment.erased


def _golden_fields(core: StoreCore, records: pd.DataFrame) -> list[str]:
    columns = core.context().columns
    return [f for f in (*schema.CANONICAL_FIELDS, *schema.ID_FIELDS) if f in columns
            and f in records.columns]


def _taken(core: StoreCore, ids: Collection[str]) -> set[str]:
    """Which of ``ids`` were ever issued."""
    out: set[str] = set()
    for part in chunks(list(ids)):
        marks = ",".join("?" * len(part))
        out.update(e for (e,) in core.db.execute(
            f"SELECT entity_id FROM entities WHERE entity_id IN ({marks})", part))
    return out


def recluster(core: StoreCore, scope: list[str], old: dict[str, str],
              changes: Changes) -> None:
    """Cluster the stored records ``scope`` (whole components) again from their stored
    links and name, write and log the result."""
    found = clustered(core, scope)
    if found is None:
        assign(core, empty_like(core.context().columns), np.zeros(0, dtype=np.int64),
               old, changes)
        return
    records, clustering = found
    assign(core, records, clustering.labels, old, changes)


def drop_links(core: StoreCore, rids: list[str]) -> None:
    for part in chunks(rids):
        marks = ",".join("?" * len(part))
        for table in ("edges", "apart"):
            core.db.execute(f"DELETE FROM {table} WHERE a IN ({marks}) OR b IN ({marks})",
                            (*part, *part))
        core.db.execute(f"DELETE FROM block_keys WHERE record_id IN ({marks})", part)


def ordered(a: np.ndarray, b: np.ndarray) -> tuple[list[str], list[str]]:
    """Pairs of record ids as the store keys them: the smaller id first."""
    return np.where(a < b, a, b).tolist(), np.where(a < b, b, a).tolist()
