"""Build, fit and ingest: the store's writing paths.

* :func:`fit` fits the model and freezes the scoring context (:mod:`._context`);
* :func:`build` is the batch path: block, compare, score and cluster every stored record
  (plus new ones) in one go, then map the clusters onto the old ids;
* :func:`ingest` is the incremental path: write the new records, score them against the
  stored records sharing a blocking-key value, and re-cluster only the components they
  touch.

With the context frozen, both paths give the same edges, partition and golden profiles
(``docs/store.md``, the equivalence contract).  Reading input is :mod:`._input`; writing
records, edges and entities is :mod:`._write`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from unifyprofile import schema
from unifyprofile._log import log_notes
from unifyprofile.blocking import block
from unifyprofile.config import Config, load_config
from unifyprofile.engines import plan_blocking
from unifyprofile.errors import StoreError
from unifyprofile.resolver import Resolver
from unifyprofile.score import demote_hubs
from unifyprofile.store._codec import FIXED, frame_dtypes
from unifyprofile.store._context import tf_column
from unifyprofile.store._core import StoreCore, empty_like, matching_differences
from unifyprofile.store._db import chunks
from unifyprofile.store._events import store_events
from unifyprofile.store._input import Data, as_stored, read
from unifyprofile.store._results import Changes
from unifyprofile.store._schema import INDEXES
from unifyprofile.store._scoring import apart, cluster_records, score, side
from unifyprofile.store._write import (
    assign,
    drop_links,
    insert_apart,
    insert_edges,
    insert_keys,
    insert_records,
    recluster,
)

__all__ = ["build", "fit", "ingest"]


def build(core: StoreCore, data: Data = None, *, source: str | None = None,
          refit: bool = False, config: Config | str | Path | None = None) -> Changes:
    """The batch run of :meth:`IdentityStore.build`."""
    if config is not None:
        new_config = load_config(config) if isinstance(config, (str, Path)) else config
        stored = core.db.meta("config")
        differs = matching_differences(stored, new_config) if stored else []
        if differs and not refit:
            raise StoreError(f"the new config differs in {', '.join(differs)}; pass "
                             "refit=True to refit the model with it")
        core.use_config(new_config)
    if data is None:
        return _build(core, None, None, [], [], None, refit)
    return _build(core, *read(core, data, source), refit)


def _build(core: StoreCore, new: pd.DataFrame | None, rejects: pd.DataFrame | None,
           notes: list[str], suppressed: list[str], events: pd.DataFrame | None,
           refit: bool) -> Changes:
    with core.tx():
        run_id = core.db.begin_run("build")
        if refit or not core.fitted:
            stored = core.load_all()
            union = _union(stored, new)
            if union is None or not len(union):
                raise StoreError("nothing to build from: the store is empty and no "
                                 "records were given")
            _fit(core, union)
        stored = core.load_all()
        old = dict(core.db.execute(
            "SELECT record_id, entity_id FROM records WHERE entity_id IS NOT NULL"))
        union = _union(stored, new)
        if union is None:  # a fitted store with no records and nothing new
            union = empty_like(core.context().columns)
        records, lines, more = as_stored(core, union)
        changes = Changes(run_id, records=0 if new is None else len(new),
                          suppressed=suppressed, notes=notes + more)
        if rejects is not None:
            changes.rejects = rejects
        _write_all(core, records, lines, old, changes)
        if events is not None:
            store_events(core, events)
        core.db.end_run(changes)
    log_notes(changes.notes)
    return changes


def fit(core: StoreCore, data: Data = None, *, source: str | None = None) -> None:
    """Fit on ``data`` and store no records (:meth:`IdentityStore.fit`)."""
    if core.db.execute("SELECT 1 FROM records LIMIT 1").fetchone() is not None:
        raise StoreError(f"{core.path} already holds records; refit with "
                         "store.build(refit=True), which also re-resolves them")
    new, _, _, _, _ = read(core, data, source)
    with core.tx():
        _fit(core, new)


def ingest(core: StoreCore, data: Data = None, *, source: str | None = None) -> Changes:
    """Add new or changed records (:meth:`IdentityStore.ingest`)."""
    new, rejects, notes, suppressed, events = read(core, data, source)
    if not core.fitted:
        return _build(core, new, rejects, notes, suppressed, events, refit=True)
    with core.tx():
        run_id = core.db.begin_run("ingest")
        records, lines, more = as_stored(core, new)
        changes = Changes(run_id, records=len(records), rejects=rejects,
                          suppressed=suppressed, notes=notes + more)
        if len(records):
            _ingest(core, records, lines, changes)
        store_events(core, events)
        core.db.end_run(changes)
    log_notes(changes.notes)
    return changes


def _fit(core: StoreCore, records: pd.DataFrame) -> None:
    """Fit the model on ``records`` (standardised) and freeze the scoring context."""
    core.step("fit", 0, 1)
    config = core.config
    demoted, hubs = demote_hubs(records, config.guards)
    demoted = demoted.sort_values(schema.RECORD_ID, kind="stable").reset_index(drop=True)
    rules = plan_blocking(config, demoted.columns)
    model = Resolver(config).fit(demoted).model_
    tf_default: dict[str, float] = {}
    core.db.execute("DELETE FROM tf")
    for k, comparison in enumerate(model.comparisons):
        if not (model.tf_adjust and comparison.tf_adjust and comparison.exact_level
                is not None):
            continue
        prepared = comparison.prepare(demoted)
        if prepared.value_frequency is None:
            continue
        values = demoted[tf_column(demoted, comparison.field)]
        present = values.notna().to_numpy()
        table = pd.DataFrame({"value": values[present].astype(str).to_numpy(),
                              "frequency": prepared.value_frequency[present]})
        table = table.drop_duplicates("value")
        # A value first seen after fitting counts as seen once in the fit population.
        tf_default[str(k)] = 1.0 / max(int(present.sum()), 1)
        core.db.executemany("INSERT INTO tf VALUES (?, ?, ?)",
                            zip([k] * len(table), table["value"].tolist(),
                                table["frequency"].tolist(), strict=True))
    core.db.execute("DELETE FROM hubs")
    core.db.executemany("INSERT INTO hubs VALUES (?, ?)",
                        [(str(f), str(v)) for f, v in zip(hubs["field"], hubs["value"],
                                                          strict=True)])
    columns = [c for c in records.columns if c not in FIXED]
    core.db.set_meta("model", json.dumps(model.to_dict()))
    core.db.set_meta("rules", json.dumps([r.to_config() for r in rules]))
    core.db.set_meta("columns", json.dumps(columns))
    core.db.set_meta("dtypes", json.dumps(frame_dtypes(records)))
    core.db.set_meta("tf_default", json.dumps(tf_default))
    core.save_config(config)
    core.refitted(model)
    core.step("fit", 1, 1)


def _write_all(core: StoreCore, records: pd.DataFrame, lines: list[str],
               old: dict[str, str], changes: Changes) -> None:
    """The batch path: block, compare, score, cluster and merge all ``records``."""
    config = core.config
    order = np.argsort(records[schema.RECORD_ID].to_numpy(dtype=str), kind="stable")
    records = records.iloc[order].reset_index(drop=True)
    lines = [lines[k] for k in order]
    demoted = core.context().apply_hubs(records)
    core.step("block", 0, 1)
    cand = block(demoted, core.context().rules, link_type=config.link_type,
                 side=side(core, demoted), max_pairs_per_rule=config.max_pairs_per_rule)
    core.step("score", 0, 1)
    levels, scored = score(core, demoted, cand.i, cand.j)
    linked = np.flatnonzero(scored.linked)
    kept = apart(core, scored)
    core.step("cluster", 0, 1)
    labels = cluster_records(core, demoted, cand.i[linked], cand.j[linked],
                             scored.strength(linked), cand.i[kept], cand.j[kept]).labels
    core.step("write", 0, 1)
    for name in INDEXES:
        core.db.execute(f"DROP INDEX IF EXISTS {name}")
    for table in ("records", "block_keys", "edges", "apart"):
        core.db.execute(f"DELETE FROM {table}")
    rid = demoted[schema.RECORD_ID].to_numpy(dtype=object)
    insert_edges(core, rid[cand.i[linked]], rid[cand.j[linked]], levels[linked],
                 scored, linked)
    insert_apart(core, rid[cand.i[kept]], rid[cand.j[kept]])
    assign(core, demoted, labels, old, changes, lines)
    for sql in INDEXES.values():
        core.db.execute(sql)


def _ingest(core: StoreCore, records: pd.DataFrame, lines: list[str],
            changes: Changes) -> None:
    """The incremental path: write ``records`` and re-cluster the components they touch."""
    rids = records[schema.RECORD_ID].astype(str).tolist()
    existing: set[str] = set()
    for part in chunks(rids):
        marks = ",".join("?" * len(part))
        existing.update(r for (r,) in core.db.execute(
            f"SELECT record_id FROM records WHERE record_id IN ({marks})", part))
    # Everything in the components of replaced records may regroup.
    touched = set(core.components(sorted(existing))) if existing else set()
    old = core.memberships(sorted(touched))
    if existing:
        drop_links(core, sorted(existing))
        upd = [(r[schema.SOURCE], r[schema.SOURCE_RECORD_ID], core.db.run_id, line,
                r[schema.RECORD_ID])
               for r, line in zip(records.to_dict("records"), lines, strict=True)
               if r[schema.RECORD_ID] in existing]
        core.db.executemany("UPDATE records SET source = ?, source_record_id = ?, "
                            "run_id = ?, data = ? WHERE record_id = ?", upd)
    is_new = ~records[schema.RECORD_ID].isin(existing).to_numpy()
    demoted = core.context().apply_hubs(records)
    insert_records(core, demoted[is_new], [ln for ln, n in zip(lines, is_new,
                                                               strict=True) if n])
    if existing:
        insert_keys(core, demoted[~is_new])
    core.step("write", 1, 2)
    # Candidates: every stored record sharing a blocking-key value with a new one.
    pairs = _candidates(core, demoted)
    others = sorted({r for p in pairs for r in p} - set(rids))
    sub = _union(core.load(others), records)
    assert sub is not None
    sub = core.context().apply_hubs(sub.sort_values(schema.RECORD_ID).reset_index(drop=True))
    if pairs:
        pos = pd.Index(sub[schema.RECORD_ID])
        i = pos.get_indexer([p[0] for p in pairs]).astype(np.int64)
        j = pos.get_indexer([p[1] for p in pairs]).astype(np.int64)
        sides = side(core, sub)
        if sides is not None:
            keep = sides[i] != sides[j]
            i, j = i[keep], j[keep]
        levels, scored = score(core, sub, i, j)
        linked = np.flatnonzero(scored.linked)
        kept = apart(core, scored)
        rid = sub[schema.RECORD_ID].to_numpy(dtype=object)
        insert_edges(core, rid[i[linked]], rid[j[linked]], levels[linked], scored, linked)
        insert_apart(core, rid[i[kept]], rid[j[kept]])
    core.step("cluster", 0, 1)
    scope = core.components(sorted(touched | set(rids)))
    old.update(core.memberships(sorted(set(scope) - set(old))))
    recluster(core, scope, old, changes)


def _candidates(core: StoreCore, demoted: pd.DataFrame) -> list[tuple[str, str]]:
    """Pairs ``(a, b)``, a < b, of a given record and any stored record sharing a key."""
    rid = demoted[schema.RECORD_ID].to_numpy(dtype=object)
    probe: list[tuple[int, str, str]] = []
    for n, rule in enumerate(core.context().rules):
        values = rule.values(demoted)
        present = np.flatnonzero(values != None)  # noqa: E711 - elementwise
        probe += zip([n] * len(present), values[present].tolist(), rid[present].tolist(),
                     strict=True)
    if not probe:
        return []
    core.db.execute("CREATE TEMP TABLE IF NOT EXISTS probe (rule INTEGER, value TEXT, "
                    "record_id TEXT)")
    core.db.execute("DELETE FROM probe")
    core.db.executemany("INSERT INTO probe VALUES (?, ?, ?)", probe)
    found = core.db.execute(
        "SELECT DISTINCT MIN(p.record_id, k.record_id), MAX(p.record_id, k.record_id) "
        "FROM probe p JOIN block_keys k ON k.rule = p.rule AND k.value = p.value "
        "WHERE k.record_id != p.record_id").fetchall()
    core.db.execute("DELETE FROM probe")
    return sorted((str(x), str(y)) for x, y in found)


def _union(stored: pd.DataFrame | None, new: pd.DataFrame | None) -> pd.DataFrame | None:
    """Stored records with ``new`` ones replacing those with the same record id."""
    if stored is None or not len(stored):
        return None if new is None else new.reset_index(drop=True)
    if new is None or not len(new):
        return stored.reset_index(drop=True)
    keep = ~stored[schema.RECORD_ID].isin(new[schema.RECORD_ID])
    frames = [f for f in (stored[keep], new) if len(f)]
    with_columns = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return with_columns.reset_index(drop=True)
