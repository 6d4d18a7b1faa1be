"""Erasure: forget records everywhere, re-resolve what is left of their entities, keep
the erasure (suppression, :mod:`._suppress`) and zero the freed bytes (``compact``).

Records, their events, blocking keys, edges and golden values go; frozen term frequencies and hub
values that only erased records held go too; the audit table gets counts only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from unifyprofile import schema
from unifyprofile.errors import StoreError
from unifyprofile.standardise import standardise
from unifyprofile.store._context import tf_column
from unifyprofile.store._core import StoreCore
from unifyprofile.store._db import chunks, now
from unifyprofile.store._events import forget
from unifyprofile.store._query import current_id
from unifyprofile.store._results import Changes
from unifyprofile.store._suppress import Suppression, identifiers
from unifyprofile.store._write import drop_links, recluster

__all__ = ["compact_file", "erase", "erase_selection", "unsuppress"]


def erase(core: StoreCore, record_ids: Iterable[str] | None = None, *,
          entity_id: str | None = None, match: Mapping[str, Any] | None = None,
          compact: bool = True, suppress: bool = True) -> Changes:
    """Forget records everywhere and re-resolve what is left of their entities
    (:meth:`IdentityStore.erase`)."""
    selection, selector = _select(core, record_ids, entity_id, match)
    rids = sorted(selection[schema.RECORD_ID].tolist())
    with core.tx():
        run_id = core.db.begin_run("erase")
        changes = Changes(run_id)
        rids = sorted(core.memberships(rids))
        changes.records = len(rids)
        if suppress:
            Suppression(core.db.conn).add(_suppression_entries(core, rids, match), now())
        if rids:
            scope = core.components(rids)
            old = core.memberships(scope)
            gone = core.load(rids)
            drop_links(core, rids)
            forget(core, rids)
            for part in chunks(rids):
                marks = ",".join("?" * len(part))
                core.db.execute(f"DELETE FROM records WHERE record_id IN ({marks})", part)
            if gone is not None:
                _forget_values(core, gone)
            keep = sorted(set(scope) - set(rids))
            recluster(core, keep, old, changes)
        core.db.execute("INSERT INTO audit (at, run_id, action, selector, records, "
                        "entities) VALUES (?, ?, 'erase', ?, ?, ?)",
                        (now(), run_id, selector, len(rids),
                         len(set(changes.erased) | set(changes.updated)
                             | {n for _, n in changes.split})))
        core.db.end_run(changes)
    if compact:
        compact_file(core)
    return changes


def erase_selection(core: StoreCore, record_ids: Iterable[str] | None = None, *,
                    entity_id: str | None = None,
                    match: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """What :func:`erase` with the same selector would erase; writes nothing
    (:meth:`IdentityStore.erase_selection`)."""
    selection, _ = _select(core, record_ids, entity_id, match)
    if record_ids is not None:
        unknown = sorted(set(map(str, record_ids)) - set(selection[schema.RECORD_ID]))
        if unknown:
            raise StoreError(f"no record {', '.join(map(repr, unknown[:5]))} in "
                             f"{core.path}; record ids look like '<source>:<source id>' "
                             "(see store.clusters())")
    return selection


def unsuppress(core: StoreCore, record_ids: Iterable[str] | None = None, *,
               match: Mapping[str, Any] | None = None) -> int:
    """Lift suppressions (:meth:`IdentityStore.unsuppress`)."""
    if record_ids is None and match is None:
        raise StoreError("unsuppress: give record_ids=, match= or both")
    entries = _suppression_entries(core, sorted(set(map(str, record_ids or []))), match)
    with core.tx():
        return Suppression(core.db.conn).remove(entries)


def compact_file(core: StoreCore) -> None:
    """Rewrite the file without free pages and empty the write-ahead log."""
    core.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    core.db.execute("VACUUM")
    core.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _select(core: StoreCore, record_ids: Iterable[str] | None, entity_id: str | None,
            match: Mapping[str, Any] | None) -> tuple[pd.DataFrame, str]:
    """The stored records a selector picks (``record_id``, ``entity_id``) and the
    selector's kind for the audit log."""
    given = [x is not None for x in (record_ids, entity_id, match)]
    if sum(given) != 1:
        raise StoreError("erase: give exactly one of record_ids=, entity_id= or match=")
    if entity_id is not None:
        current = current_id(core, entity_id)
        rids = [] if current is None else [r for (r,) in core.db.execute(
            "SELECT record_id FROM records WHERE entity_id = ?", (current,))]
        selector = "entity_id"
    elif match is not None:
        rids = _matching(core, match)
        selector = "match:" + ",".join(sorted(match))
    else:
        assert record_ids is not None
        rids = sorted(set(map(str, record_ids)))
        selector = "record_ids"
    member = core.memberships(rids)
    table = pd.DataFrame({schema.RECORD_ID: sorted(member),
                          schema.ENTITY_ID: [member[r] for r in sorted(member)]})
    return table, selector


def _suppression_entries(core: StoreCore, rids: Sequence[str],
                         match: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """What an erasure suppresses: its record ids, and the standardised values of the
    identifier fields a ``match`` selector names."""
    entries = [(schema.RECORD_ID, r) for r in rids]
    if match:
        probe = standardise(pd.DataFrame({k: [v] for k, v in match.items()}))
        for name in match:
            column = schema.std(name)
            if name in identifiers() and column in probe and probe[column].notna().all():
                entries.append((name, str(probe[column].iloc[0])))
    return entries


def _matching(core: StoreCore, match: Mapping[str, Any]) -> list[str]:
    columns = set(core.context().columns)
    probe = standardise(pd.DataFrame({k: [v] for k, v in match.items()}),
                        id_fields=core.config.id_fields)
    clauses, params = [], []
    for name, value in match.items():
        std_name = schema.std(name)
        if name not in columns and std_name not in columns:
            raise StoreError(f"erase(match=...): no field {name!r} in the store; fields "
                             f"are {', '.join(sorted(c for c in columns if '_' not in c))}")
        options = ["json_extract(data, ?) = ?"]
        params += [f'$."{name}"', value]
        if std_name in probe.columns and probe[std_name].notna().all():
            options.append("json_extract(data, ?) = ?")
            params += [f'$."{std_name}"', probe[std_name].iloc[0]]
        clauses.append("(" + " OR ".join(options) + ")")
    sql = "SELECT record_id FROM records WHERE " + " AND ".join(clauses)
    return sorted(r for (r,) in core.db.execute(sql, params))


def _forget_values(core: StoreCore, gone: pd.DataFrame) -> None:
    """Drop frozen TF and hub values that only erased records held."""
    context = core.context()
    model = context.model
    tf = {k: tf_column(gone, c.field) for k, c in enumerate(model.comparisons)
          if k in context.tf_default}
    hubs = {f: schema.std(f) for f in context.hubs if schema.std(f) in gone.columns}
    asked: dict[str, set[str]] = {}
    for column in [*tf.values(), *hubs.values()]:
        asked[column] = set(gone[column].dropna().astype(str).tolist())
    held = _held(core, asked)
    for k, column in tf.items():
        for value in sorted(asked[column] - held[column]):
            core.db.execute("DELETE FROM tf WHERE comparison = ? AND value = ?",
                            (k, value))
    for field_name, column in hubs.items():
        for value in sorted((asked[column] & context.hubs[field_name]) - held[column]):
            core.db.execute("DELETE FROM hubs WHERE field = ? AND value = ?",
                            (field_name, value))
    core.drop_context()


def _held(core: StoreCore, asked: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """Which of the ``asked`` values (per stored column) a stored record still holds:
    one scan of the records for all of them."""
    held: dict[str, set[str]] = {c: set() for c in asked}
    asked = {c: v for c, v in asked.items() if v}
    if not asked:
        return held
    columns = list(asked)
    paths = [f'$."{c}"' for c in columns]
    where = " OR ".join(f"json_extract(data, ?) IN ({','.join('?' * len(asked[c]))})"
                        for c in columns)
    params: list[Any] = [*paths]
    for path, column in zip(paths, columns, strict=True):
        params += [path, *sorted(asked[column])]
    picked = ", ".join("json_extract(data, ?)" for _ in columns)
    for row in core.db.execute(f"SELECT {picked} FROM records WHERE {where}", params):
        for column, value in zip(columns, row, strict=True):
            if value is not None and str(value) in asked[column]:
                held[column].add(str(value))
    return held
