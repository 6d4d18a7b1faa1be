"""The persistent identity store: one SQLite file, stable ids, incremental ingest, erasure.

Why SQLite and not DuckDB: the store's work is transactional and row-shaped -- look up a
few dozen records by blocking key in a millisecond, rewrite one component's edges and one
profile, commit atomically, survive a killed process, and zero deleted pages for erasure
(``secure_delete`` + ``VACUUM``).  That is what SQLite's B-trees and journal do, it ships
with Python (no new dependency) and one file is the whole store.  The batch work (blocking,
comparing, scoring millions of pairs) stays in the pandas/numpy stages either way.

The equivalence contract (see ``docs/store.md``): the store scores with a *frozen scoring
context* -- the Fellegi-Sunter model, the term-frequency tables, the hub values and the
blocking rules, all fixed when the model was fitted.  With that context fixed, a pair's
score depends only on its two records, so ingesting records in batches, in any order,
gives the same linked edges, the same partition (clustering is per connected component of
the linked-edge graph, records in record-id order) and the same golden profiles as one
batch run over the union (:meth:`IdentityStore.build`).  Entity ids follow the ledger.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import sqlite3
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeAlias

import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from unifyprofile import schema
from unifyprofile._log import log_notes, logger
from unifyprofile.blocking import BlockingRule, Key, block, key_values
from unifyprofile.compare import compare_pairs
from unifyprofile.config import Config, config_warnings, dump_config, load_config, parse_config
from unifyprofile.engines import LocalPipeline, plan_blocking
from unifyprofile.errors import ConfigError, DataError, StoreError
from unifyprofile.golden import merge
from unifyprofile.graph import Clustering, cluster, constraints, identity_graph, widest_path
from unifyprofile.resolver import Resolver
from unifyprofile.score import (
    FellegiSunter,
    Scored,
    demote_hubs,
    prepare_rules,
    score_pairs,
    separator,
    vetoed,
)
from unifyprofile.sources import Source, as_frame, is_table, map_rows
from unifyprofile.standardise import standardise
from unifyprofile.store._codec import FIXED, SLICE, decode, encode, frame_dtypes
from unifyprofile.store._ids import assign_ids
from unifyprofile.store._schema import DDL, INDEXES, SCHEMA_VERSION
from unifyprofile.store._suppress import IDENTIFIERS, Suppression

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["Changes", "Explanation", "IdentityStore", "Profile", "Resolution"]

Progress = Callable[[str, int, int], None]
#: A table (pandas, Polars, PyArrow, DuckDB, ...: see :func:`unifyprofile.sources.is_table`),
#: a mapping of source name to table or path, a path, or None.
Data: TypeAlias = "Any | Mapping[str, Any] | str | Path | None"

_CHUNK = 500  # SQL parameters per IN (...) list
#: The columns of :attr:`Resolution.candidates` before the per-comparison evidence.
_EVIDENCE = ("record_id", "entity_id", "match_weight", "match_probability", "rule", "linked")
_CACHE_KIB = 256 * 1024  # SQLite page cache: a batch build of a million records fits in it


@dataclass
class Changes:
    """What a build, ingest or erase changed.

    Attributes:
        run_id: the run in the store's ledger.
        records: records written (ingest/build) or erased.
        created: ids of entities made of new records only.
        updated: ids of entities that kept their id but whose records or profile changed.
        merged: ``(old id, surviving id)`` pairs.
        split: ``(old id, new id)`` pairs: the new entity was split from the old one.
        erased: ids of entities none of whose records remain.
        rejects: rows that could not be read (see :mod:`unifyprofile.schema`).
        suppressed: ids of records not stored because an erasure suppressed them.
        notes: warnings worth a log line.
    """

    run_id: int
    records: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    merged: list[tuple[str, str]] = field(default_factory=list)
    split: list[tuple[str, str]] = field(default_factory=list)
    erased: list[str] = field(default_factory=list)
    rejects: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(schema.REJECT_COLUMNS)))
    suppressed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Counts (and the first few ids) for a log line."""
        return {"run_id": self.run_id, "records": self.records,
                "created": len(self.created), "updated": len(self.updated),
                "merged": len(self.merged), "split": len(self.split),
                "erased": len(self.erased), "rejects": int(len(self.rejects)),
                "suppressed": len(self.suppressed), "notes": list(self.notes)}


@dataclass
class Resolution:
    """The answer of :meth:`IdentityStore.resolve` (nothing is written).

    Attributes:
        entity_id: the entity the record would join, or None (it would be new).
        probability: the highest match probability to a record of that entity.
        golden: that entity's golden profile (field -> value, with provenance columns).
        candidates: every stored record compared: ``record_id``, ``entity_id``,
            ``match_weight``, ``match_probability``, ``rule``, ``linked`` and the log2
            Bayes factor of each comparison (the evidence), strongest first.
        entities: the entities the record links to; more than one means it would bridge
            them (an ingest would then merge them, unless a guard keeps them apart).
    """

    entity_id: str | None
    probability: float
    golden: dict[str, Any] | None
    candidates: pd.DataFrame
    entities: list[str]


@dataclass
class Profile:
    """An entity as :meth:`IdentityStore.lookup` returns it."""

    entity_id: str
    golden: dict[str, Any]
    record_ids: list[str]


@dataclass
class Explanation:
    """The answer of :meth:`IdentityStore.explain` (nothing is written).

    Attributes:
        record_ids: the two records asked about.
        entity_ids: the entity each of them is in now.
        same_entity: whether that is one entity.
        reason: one sentence: what joins them, or what keeps them apart.
        path: (one entity) the links joining them, in order from the first record:
            ``record_id_l``, ``record_id_r``, ``match_weight``, ``match_probability``,
            ``rule``, ``linked`` and one log2 Bayes factor per comparison.
        direct: the two records scored against each other now, one row with the same
            columns and ``compared``: whether blocking compares them at all.
    """

    record_ids: tuple[str, str]
    entity_ids: tuple[str, str]
    same_entity: bool
    reason: str
    path: pd.DataFrame
    direct: pd.DataFrame


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _chunks(values: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


class IdentityStore:
    """A persistent identity store in one SQLite file.

    Args:
        path: the store file (created if missing).
        config: a :class:`~unifyprofile.Config` or a path to a TOML config.  Optional
            when the store already holds one (it keeps the config it was built with).
            A config whose matching settings (rules, blocking, comparisons, threshold,
            guards, survivorship) differ from the stored one is refused: call
            :meth:`build` with ``refit=True`` to switch.
        progress: called as ``progress(stage, done, total)`` while work runs.
        wait: seconds a write waits for another process's write to finish before
            failing with :class:`~unifyprofile.errors.StoreError` (one process writes at
            a time; reading -- ``resolve``, ``lookup`` -- never waits under the
            write-ahead log).

    Examples:
        >>> import pandas as pd, unifyprofile as up, tempfile, os
        >>> people = pd.DataFrame({"id": ["1", "2"], "first": ["Ann", "Ann"],
        ...                        "email": ["ann@x.org", "ann@x.org"]})
        >>> config = up.Config(sources=(up.Source("crm", data=people, id_column="id",
        ...     columns={"first_name": "first", "email": "email"}),),
        ...     rules=(up.score.DeterministicRule.from_config(
        ...         {"name": "email", "keys": ["email", "first_name:nick"]}),))
        >>> path = os.path.join(tempfile.mkdtemp(), "profiles.db")
        >>> with up.IdentityStore(path, config) as store:
        ...     changes = store.ingest(people, source="crm")
        ...     len(changes.created), store.clusters()["entity_id"].nunique()
        (1, 1)
    """

    def __init__(self, path: str | Path, config: Config | str | Path | None = None, *,
                 progress: Progress | None = None, wait: float = 60.0) -> None:
        self.path = Path(path)
        self._progress = progress
        self._wait = wait
        self._closed = False
        try:
            self._db = sqlite3.connect(str(self.path), isolation_level=None,
                                       check_same_thread=False, timeout=wait)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA secure_delete=ON")
            self._db.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a unifyprofile store or unreadable ({exc}); "
                             "give the path of a store file or a new file name") from exc
        self._run_id: int | None = None
        self._config = self._open_config(config)
        self._model: FellegiSunter | None = None
        self._state: dict[str, Any] | None = None

    # ------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        """Close the file (a checkpoint folds the write-ahead log into it).  Idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self._db.close()

    def __repr__(self) -> str:
        if self._closed:
            return f"IdentityStore({str(self.path)!r}, closed)"
        counts = self.stats()
        return (f"IdentityStore({str(self.path)!r}, records={counts['records']:,}, "
                f"entities={counts['golden']:,}, fitted={self.fitted})")

    def __enter__(self) -> IdentityStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        row = self._db.execute("SELECT name FROM sqlite_master WHERE type='table' AND "
                               "name='schema_version'").fetchone()
        if row is not None:
            version = self._db.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
            if version is not None and version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: store schema version {version} is newer than this "
                    f"unifyprofile supports ({SCHEMA_VERSION}); upgrade unifyprofile")
            if version == SCHEMA_VERSION:
                return
        self._db.executescript("BEGIN;" + DDL + "COMMIT;")
        with self._tx():
            self._db.execute("INSERT INTO schema_version VALUES (?, ?)",
                             (SCHEMA_VERSION, _now()))

    def _begin(self) -> None:
        """``BEGIN IMMEDIATE``; a writer that has to wait for another says so after a
        second (on the ``unifyprofile`` logger) instead of sitting silent."""
        first = min(1.0, self._wait)
        self._db.execute(f"PRAGMA busy_timeout = {int(first * 1000)}")
        try:
            self._db.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if ("locked" not in str(exc) and "busy" not in str(exc)) or self._wait <= first:
                raise
            logger.warning(f"{self.path}: another process is writing to the store; waiting "
                           f"up to {self._wait - first:g} s more for it to finish")
        finally:
            self._db.execute(f"PRAGMA busy_timeout = {int(self._wait * 1000)}")
        self._db.execute(f"PRAGMA busy_timeout = {int((self._wait - first) * 1000)}")
        try:
            self._db.execute("BEGIN IMMEDIATE")
        finally:
            self._db.execute(f"PRAGMA busy_timeout = {int(self._wait * 1000)}")

    @contextmanager
    def _tx(self) -> Iterator[None]:
        try:
            self._begin()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            raise StoreError(f"{self.path}: another process has been writing to the store "
                             f"for more than {self._wait:g} s ({exc}); one process writes "
                             "at a time -- run it after that one, or open the store with a "
                             "longer wait=") from exc
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            self._state = None
            self._model = None
            raise
        self._db.execute("COMMIT")

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def _step(self, stage: str, done: int = 1, total: int = 1) -> None:
        if self._progress:
            self._progress(stage, done, total)

    # ------------------------------------------------------------------ config
    def _open_config(self, config: Config | str | Path | None) -> Config | None:
        if isinstance(config, (str, Path)):
            config = load_config(config)
        if config is not None and not isinstance(config, Config):
            raise ConfigError(f"IdentityStore needs a Config or a config path, got "
                              f"{type(config).__name__}; use unifyprofile.load_config(path)")
        stored = self._meta("config")
        if config is None:
            if stored is None:
                return None
            base = self._meta("base_dir")
            return parse_config(tomllib.loads(stored), Path(base) if base else None)
        if stored is not None:
            differs = _matching_differences(stored, config)
            if differs:
                raise StoreError(
                    f"{self.path}: the config differs from the one this store was built "
                    f"with in {', '.join(differs)}; open the store without a config to use "
                    "the stored one, or switch with store.build(refit=True, config=...), "
                    "which refits and re-resolves everything")
        return config

    @property
    def config(self) -> Config:
        """The config the store resolves with."""
        if self._config is None:
            raise StoreError(f"{self.path}: the store has no config yet; open it with "
                             "IdentityStore(path, config)")
        return self._config

    @property
    def model(self) -> FellegiSunter:
        """The fitted model the store scores with."""
        if self._model is None:
            text = self._meta("model")
            if text is None:
                raise StoreError(f"{self.path}: the store has no model yet; ingest records "
                                 "(the first ingest fits one) or call store.build()")
            self._model = FellegiSunter.from_dict(json.loads(text))
        return self._model

    @property
    def fitted(self) -> bool:
        """Whether the store holds a fitted model."""
        return self._meta("model") is not None

    def _frozen(self) -> dict[str, Any]:
        if self._state is None:
            model = self.model
            hubs: dict[str, set[str]] = {}
            for f, v in self._db.execute("SELECT field, value FROM hubs"):
                hubs.setdefault(f, set()).add(v)
            self._state = {
                "rules": [BlockingRule.parse(r) for r in json.loads(self._meta("rules") or "[]")],
                "columns": json.loads(self._meta("columns") or "[]"),
                "dtypes": json.loads(self._meta("dtypes") or "{}"),
                "tf_default": json.loads(self._meta("tf_default") or "{}"),
                "hubs": hubs,
                "model": model,
            }
            self._state["narrow"] = self._narrow_columns(self._state)
        return self._state

    def _narrow_columns(self, state: dict[str, Any]) -> list[str]:
        """The stored columns that scoring reads (comparisons, rules, blocking keys)."""
        wanted: set[str] = set()
        for comparison in state["model"].comparisons:
            wanted |= set(comparison.columns) | {comparison.field}
            wanted |= {c[:-4] for c in comparison.columns if c.endswith("_std")}
        keys = [k for r in state["rules"] for k in r.keys]
        keys += [k for r in self.config.rules for k in r.keys]
        for key in keys:
            wanted |= {schema.std(key.field), key.field, f"{key.field}_nick"}
        wanted |= {schema.flag(f) for f in state["hubs"]}
        return [c for c in state["columns"] if c in wanted]

    # ------------------------------------------------------------------ reading input
    def _sources_for(self, data: Data, source: str | None
                     ) -> tuple[list[Source], dict[str, pd.DataFrame]]:
        config = self.config
        by_name = {s.name: s for s in config.sources}

        def named(name: str) -> Source:
            if name not in by_name:
                raise ConfigError(f"no source named {name!r} in the config; sources are "
                                  f"{', '.join(by_name) or 'none'}")
            return by_name[name]

        if data is None:
            return list(config.sources), {}
        if is_table(data) and not isinstance(data, pd.DataFrame):
            data = as_frame(data, source or "data")  # Polars, Arrow, DuckDB, ...
        if isinstance(data, pd.DataFrame) and source is None and {
                schema.RECORD_ID, schema.SOURCE, schema.SOURCE_RECORD_ID} <= set(data.columns):
            return _canonical_sources(data, named)
        if isinstance(data, pd.DataFrame):
            if source is None:
                if len(by_name) != 1:
                    raise ConfigError("ingest(DataFrame): name its source with source=... "
                                      f"(one of {', '.join(by_name)})")
                source = next(iter(by_name))
            return [named(source)], {source: data}
        if isinstance(data, (str, Path)):
            name = source or match_source(config, Path(data))
            # A string stays a string: a glob or a URL (s3://...) is not a local Path.
            return [dataclasses.replace(named(name), path=data, data=None)], {}
        sources, frames = [], {}
        for name, value in data.items():
            if is_table(value):
                sources.append(named(name))
                frames[name] = value
            else:
                sources.append(dataclasses.replace(named(name), path=value, data=None))
        return sources, frames

    def _read(self, data: Data, source: str | None = None
              ) -> tuple[pd.DataFrame, pd.DataFrame, list[str], list[str]]:
        """Standardised records (hub values not yet demoted) without the suppressed ones,
        rejects, notes, and the ids of the suppressed records."""
        sources, frames = self._sources_for(data, source)
        pipeline = LocalPipeline(self.config.with_sources(sources), progress=self._progress)
        records, table, _, _ = pipeline.prepare(frames or None, demote=False)
        notes = config_warnings(self.config) + list(table.notes)
        hit = Suppression(self._db).hits(records)
        suppressed = sorted(records.loc[hit, schema.RECORD_ID].astype(str).tolist())
        if suppressed:
            records = records[~hit].reset_index(drop=True)
            notes.append(f"{len(suppressed):,} record(s) were not stored: an earlier erasure "
                         "suppressed them (store.unsuppress lifts it)")
        return records, table.rejects, notes, suppressed

    def _as_stored(self, records: pd.DataFrame) -> tuple[pd.DataFrame, list[str], list[str]]:
        """Records as the store keeps them (fixed columns and types) and their JSON."""
        state = self._frozen()
        columns = state["columns"]
        extra = sorted(set(records.columns) - set(columns) - set(FIXED))
        notes = []
        if extra:
            notes.append(f"column(s) {', '.join(extra)} were not in the data the store was "
                         "fitted on and are not kept; call store.build(refit=True) with "
                         "them present to add them")
        lines = encode(records, columns)
        stored = decode(zip(records[schema.RECORD_ID].astype(str), records[schema.SOURCE],
                            records[schema.SOURCE_RECORD_ID], lines, strict=True),
                        columns, state["dtypes"])
        return stored, lines, notes

    # ------------------------------------------------------------------ frozen context
    def _apply_hubs(self, records: pd.DataFrame) -> pd.DataFrame:
        """Null the frozen hub values (flag ``"hub"``), as ``demote_hubs`` did at fit time."""
        hubs = self._frozen()["hubs"]
        out = records
        for field_name, values in hubs.items():
            column = schema.std(field_name)
            if column not in records.columns:
                continue
            hit = records[column].isin(values).to_numpy()
            if not hit.any():
                continue
            if out is records:
                out = records.copy()
            out.loc[hit, column] = None
            flag = schema.flag(field_name)
            if flag not in out.columns:
                out[flag] = None
            out.loc[hit, flag] = "hub"
        return out

    def _frequencies(self, records: pd.DataFrame) -> list[np.ndarray | None]:
        """Frozen term frequency of each record's value, per comparison."""
        state = self._frozen()
        model = state["model"]
        out: list[np.ndarray | None] = []
        for k, comparison in enumerate(model.comparisons):
            if str(k) not in state["tf_default"]:
                out.append(None)
                continue
            column = _tf_column(records, comparison.field)
            values = records[column]
            present = values.notna().to_numpy()
            keys = values[present].astype(str).to_numpy(dtype=object)
            uniq = list(dict.fromkeys(keys.tolist()))
            found: dict[str, float] = {}
            for part in _chunks(uniq):
                marks = ",".join("?" * len(part))
                found.update(self._db.execute(
                    f"SELECT value, frequency FROM tf WHERE comparison = ? AND value IN "
                    f"({marks})", (k, *part)).fetchall())
            default = float(state["tf_default"][str(k)])
            freq = np.full(len(records), np.nan)
            freq[present] = [found.get(v, default) for v in keys.tolist()]
            out.append(freq)
        return out

    def _side(self, records: pd.DataFrame) -> np.ndarray | None:
        if self.config.link_type != "link_only":
            return None
        first = self.config.sources[0].name
        return (records[schema.SOURCE].to_numpy(dtype=object) != first).astype(np.int64)

    def _score(self, records: pd.DataFrame, i: np.ndarray, j: np.ndarray,
               frequencies: list[np.ndarray | None] | None = None) -> tuple[np.ndarray, Any]:
        model = self._frozen()["model"]
        prepared = [c.prepare(records) for c in model.comparisons]
        levels = compare_pairs(prepared, i, j)
        rules = prepare_rules(records, self.config.rules)
        if frequencies is None:
            frequencies = self._frequencies(records)
        scored = score_pairs(levels, i, j, model, rules, frequencies,
                             threshold=self.config.threshold, guards=self.config.guards)
        return levels, scored

    def _fit(self, records: pd.DataFrame) -> None:
        """Fit the model on ``records`` (standardised) and freeze the scoring context."""
        self._step("fit", 0, 1)
        config = self.config
        demoted, hubs = demote_hubs(records, config.guards)
        demoted = demoted.sort_values(schema.RECORD_ID, kind="stable").reset_index(drop=True)
        rules = plan_blocking(config, demoted.columns)
        model = Resolver(config).fit(demoted).model_
        tf_default: dict[str, float] = {}
        self._db.execute("DELETE FROM tf")
        for k, comparison in enumerate(model.comparisons):
            if not (model.tf_adjust and comparison.tf_adjust and comparison.exact_level
                    is not None):
                continue
            prepared = comparison.prepare(demoted)
            if prepared.value_frequency is None:
                continue
            values = demoted[_tf_column(demoted, comparison.field)]
            present = values.notna().to_numpy()
            table = pd.DataFrame({"value": values[present].astype(str).to_numpy(),
                                  "frequency": prepared.value_frequency[present]})
            table = table.drop_duplicates("value")
            # A value first seen after fitting counts as seen once in the fit population.
            tf_default[str(k)] = 1.0 / max(int(present.sum()), 1)
            self._db.executemany("INSERT INTO tf VALUES (?, ?, ?)",
                                 zip([k] * len(table), table["value"].tolist(),
                                     table["frequency"].tolist(), strict=True))
        self._db.execute("DELETE FROM hubs")
        self._db.executemany("INSERT INTO hubs VALUES (?, ?)",
                             [(str(f), str(v)) for f, v in zip(hubs["field"], hubs["value"],
                                                                strict=True)])
        columns = [c for c in records.columns if c not in FIXED]
        self._set_meta("model", json.dumps(model.to_dict()))
        self._set_meta("rules", json.dumps([r.to_config() for r in rules]))
        self._set_meta("columns", json.dumps(columns))
        self._set_meta("dtypes", json.dumps(frame_dtypes(records)))
        self._set_meta("tf_default", json.dumps(tf_default))
        self._save_config(config)
        self._model = model
        self._state = None
        self._step("fit", 1, 1)

    def _save_config(self, config: Config) -> None:
        try:
            text = dump_config(config)
            tomllib.loads(text)
        except Exception as exc:  # a callable survivorship rule has no TOML form
            raise StoreError(f"the config cannot be saved in the store ({exc}); use "
                             "built-in survivorship rules") from exc
        self._set_meta("config", text)
        self._set_meta("base_dir", str(config.base_dir) if config.base_dir else "")

    # ------------------------------------------------------------------ runs
    def _begin_run(self, kind: str) -> int:
        cur = self._db.execute("INSERT INTO runs (kind, started_at) VALUES (?, ?)",
                               (kind, _now()))
        run_id = cur.lastrowid
        assert run_id is not None
        self._run_id = int(run_id)
        return self._run_id

    def _end_run(self, changes: Changes) -> None:
        self._db.execute("UPDATE runs SET finished_at = ?, summary = ? WHERE run_id = ?",
                         (_now(), json.dumps({k: v for k, v in changes.summary().items()
                                              if k != "notes"}), changes.run_id))

    # ------------------------------------------------------------------ public: writing
    def build(self, data: Data = None, *, source: str | None = None, refit: bool = False,
              config: Config | str | Path | None = None) -> Changes:
        """Batch run: re-resolve every stored record (plus ``data``) in one go.

        The model is fitted first when the store has none or ``refit`` is true (then the
        frozen scoring context is rebuilt from all the records).  Entity ids are mapped
        onto the old ones by the ledger rules, so a re-run renames no one who did not
        change.

        Args:
            data: new or changed records, as for :meth:`ingest` (None: none).
            source: the source of a DataFrame or file ``data``.
            refit: fit the model again on all the records.
            config: a new config to resolve with from now on; one whose matching settings
                differ from the stored config needs ``refit=True``.
        """
        if config is not None:
            new_config = load_config(config) if isinstance(config, (str, Path)) else config
            stored = self._meta("config")
            differs = _matching_differences(stored, new_config) if stored else []
            if differs and not refit:
                raise StoreError(f"the new config differs in {', '.join(differs)}; pass "
                                 "refit=True to refit the model with it")
            self._config = new_config
            self._state = None
        if data is None:
            return self._build(None, None, [], [], refit)
        return self._build(*self._read(data, source), refit)

    def _build(self, new: pd.DataFrame | None, rejects: pd.DataFrame | None,
               notes: list[str], suppressed: list[str], refit: bool) -> Changes:
        with self._tx():
            run_id = self._begin_run("build")
            if refit or not self.fitted:
                stored = self._load_all()
                union = _union(stored, new)
                if union is None or not len(union):
                    raise StoreError("nothing to build from: the store is empty and no "
                                     "records were given")
                self._fit(union)
            stored = self._load_all()
            old = dict(self._db.execute(
                "SELECT record_id, entity_id FROM records WHERE entity_id IS NOT NULL"))
            union = _union(stored, new)
            if union is None:  # a fitted store with no records and nothing new
                union = _empty_like(self._frozen()["columns"])
            records, lines, more = self._as_stored(union)
            changes = Changes(run_id, records=0 if new is None else len(new),
                              suppressed=suppressed, notes=notes + more)
            if rejects is not None:
                changes.rejects = rejects
            self._write_all(records, lines, old, changes)
            self._end_run(changes)
        log_notes(changes.notes)
        return changes

    def fit(self, data: Data = None, *, source: str | None = None) -> IdentityStore:
        """Fit the model on ``data`` and freeze the scoring context; store no records.

        Use it to fit on a representative sample (or last month's data) before ingesting
        day by day.  A store that already holds records is refitted with
        ``build(refit=True)`` instead, which re-resolves them with the new model.

        Returns:
            The store.
        """
        if self._db.execute("SELECT 1 FROM records LIMIT 1").fetchone() is not None:
            raise StoreError(f"{self.path} already holds records; refit with "
                             "store.build(refit=True), which also re-resolves them")
        new, _, _, _ = self._read(data, source)
        with self._tx():
            self._fit(new)
        return self

    def ingest(self, data: Data = None, *, source: str | None = None) -> Changes:
        """Add new or changed records and update only the entities they touch.

        Args:
            data: a table (of ``source``: pandas, Polars, PyArrow, a DuckDB relation, ...),
                a mapping of source name to table or path, a path (a file, glob, folder
                or URL) (its source is ``source``, or the config source whose
                file name it matches), or None for every source of the config.
            source: the config source the records come from.

        Returns:
            The :class:`Changes`; ``rejects`` holds the rows that could not be used.

        A record whose ``record_id`` is already stored replaces it.  The first ingest
        into an empty store fits the model on its records (a :meth:`build`).
        """
        new, rejects, notes, suppressed = self._read(data, source)
        if not self.fitted:
            return self._build(new, rejects, notes, suppressed, refit=True)
        with self._tx():
            run_id = self._begin_run("ingest")
            records, lines, more = self._as_stored(new)
            changes = Changes(run_id, records=len(records), rejects=rejects,
                              suppressed=suppressed, notes=notes + more)
            if len(records):
                self._ingest(records, lines, changes)
            self._end_run(changes)
        log_notes(changes.notes)
        return changes

    # ------------------------------------------------------------------ batch internals
    def _load_all(self) -> pd.DataFrame | None:
        rows = self._db.execute("SELECT record_id, source, source_record_id, data FROM "
                                "records ORDER BY record_id").fetchall()
        if not rows:
            return None
        state = self._frozen()
        return decode(rows, state["columns"], state["dtypes"])

    def _write_all(self, records: pd.DataFrame, lines: list[str], old: dict[str, str],
                   changes: Changes) -> None:
        """The batch path: block, compare, score, cluster and merge all ``records``."""
        config = self.config
        order = np.argsort(records[schema.RECORD_ID].to_numpy(dtype=str), kind="stable")
        records = records.iloc[order].reset_index(drop=True)
        lines = [lines[k] for k in order]
        demoted = self._apply_hubs(records)
        self._step("block", 0, 1)
        cand = block(demoted, self._frozen()["rules"], link_type=config.link_type,
                     side=self._side(demoted), max_pairs_per_rule=config.max_pairs_per_rule)
        self._step("score", 0, 1)
        levels, scored = self._score(demoted, cand.i, cand.j)
        linked = np.flatnonzero(scored.linked)
        apart = self._apart(scored)
        self._step("cluster", 0, 1)
        labels = self._cluster(demoted, cand.i[linked], cand.j[linked],
                               scored.strength(linked), cand.i[apart], cand.j[apart]).labels
        self._step("write", 0, 1)
        for name in INDEXES:
            self._db.execute(f"DROP INDEX IF EXISTS {name}")
        for table in ("records", "block_keys", "edges", "apart"):
            self._db.execute(f"DELETE FROM {table}")
        rid = demoted[schema.RECORD_ID].to_numpy(dtype=object)
        self._insert_edges(rid[cand.i[linked]], rid[cand.j[linked]], levels[linked],
                           scored, linked)
        self._insert_apart(rid[cand.i[apart]], rid[cand.j[apart]])
        self._assign(demoted, labels, old, changes, lines)
        for sql in INDEXES.values():
            self._db.execute(sql)

    def _cluster(self, records: pd.DataFrame, i: np.ndarray, j: np.ndarray,
                 strength: np.ndarray, apart_i: np.ndarray, apart_j: np.ndarray) -> Clustering:
        config = self.config
        model = self._frozen()["model"]
        prepared = [c.prepare(records) for c in model.comparisons]
        unique = [s.name for s in config.sources if s.unique_per_person]
        return cluster(len(records), i, j, strength,
                       constraints=constraints(records, config.guards.unique_identifiers,
                                               unique),
                       max_cluster_size=config.guards.max_cluster_size,
                       apart=(apart_i, apart_j),
                       separate=separator(prepared, model, config.guards,
                                          self._frequencies(records)))

    def _apart(self, scored: Scored) -> np.ndarray:
        """Positions of the scored pairs that ``guards.keep_apart_below`` keeps apart (as
        the batch pipeline decides them)."""
        below = self.config.guards.keep_apart_below
        if below is None:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero((scored.probability < below) & (scored.fired < 0))

    def _insert_apart(self, a: np.ndarray, b: np.ndarray) -> None:
        self._db.executemany("INSERT OR IGNORE INTO apart VALUES (?, ?)",
                             zip(*_ordered(a, b), strict=True))

    def _insert_records(self, records: pd.DataFrame, lines: list[str],
                        entity_ids: np.ndarray | None = None) -> None:
        run_id = self._run_id
        ids = [None] * len(records) if entity_ids is None else entity_ids.tolist()
        self._db.executemany(
            "INSERT INTO records (record_id, source, source_record_id, entity_id, run_id, "
            "data) VALUES (?, ?, ?, ?, ?, ?)",
            zip(records[schema.RECORD_ID].tolist(), records[schema.SOURCE].tolist(),
                records[schema.SOURCE_RECORD_ID].tolist(), ids, [run_id] * len(records),
                lines, strict=True))
        self._insert_keys(records)

    def _insert_keys(self, demoted: pd.DataFrame) -> None:
        rid = demoted[schema.RECORD_ID].to_numpy(dtype=object)
        for n, rule in enumerate(self._frozen()["rules"]):
            values = rule.values(demoted)
            present = np.flatnonzero(values != None)  # noqa: E711 - elementwise
            # In key order the B-tree is filled page by page instead of at random (Arrow
            # sorts UTF-8 bytewise, as SQLite compares text).
            keys = pa.table({"v": pa.array(values[present], pa.string()),
                             "r": pa.array(rid[present], pa.string())})
            keys = keys.take(pc.sort_indices(keys, sort_keys=[("v", "ascending"),
                                                              ("r", "ascending")]))
            self._db.executemany("INSERT OR IGNORE INTO block_keys VALUES (?, ?, ?)",
                                 zip(itertools.repeat(n), keys.column("v").to_pylist(),
                                     keys.column("r").to_pylist()))

    def _insert_edges(self, a: np.ndarray, b: np.ndarray, levels: np.ndarray, scored: Any,
                      linked: np.ndarray) -> None:
        names = [r.name for r in self.config.rules]
        fired = scored.fired[linked]
        rule = [names[f] if f >= 0 else None for f in fired.tolist()]
        lo, hi = _ordered(a, b)
        self._db.executemany(
            "INSERT OR REPLACE INTO edges VALUES (?, ?, ?, ?, ?, ?, ?)",
            zip(lo, hi, scored.weight[linked].tolist(),
                scored.probability[linked].tolist(), rule, scored.strength(linked).tolist(),
                [json.dumps(row) for row in levels.tolist()], strict=True))

    def _assign(self, records: pd.DataFrame, labels: np.ndarray, old: Mapping[str, str],
                changes: Changes, lines: list[str] | None = None) -> None:
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
        for part in _chunks(olds):
            marks = ",".join("?" * len(part))
            age.update(self._db.execute(
                f"SELECT entity_id, age FROM entities WHERE entity_id IN ({marks})", part))
        assignment = assign_ids(groups, old, age, self._taken)
        del groups
        ids = np.empty(len(rid), dtype=object)
        for members_idx, eid in zip(parts, assignment.ids, strict=True):
            ids[members_idx] = eid
        if lines is not None:
            self._insert_records(records, lines, ids)
        else:
            self._db.executemany("UPDATE records SET entity_id = ? WHERE record_id = ?",
                                 zip(ids.tolist(), rid.tolist(), strict=True))
        clusters = pd.DataFrame({schema.RECORD_ID: rid, schema.ENTITY_ID: ids})
        fresh = list(dict.fromkeys(assignment.created + [new for _, new in assignment.split]))
        self._step("golden", 0, 1)
        config = self.config
        if not len(records):
            golden = pd.DataFrame({schema.ENTITY_ID: [], "record_count": []})
        else:
            golden = merge(records, clusters, dict(config.survivorship),
                           default=config.default_survivorship,
                           trust={s.name: s.trust for s in config.sources},
                           fields=self._golden_fields(records))
        # Profiles are encoded and written a slice at a time: a million JSON texts at
        # once would be the largest thing in memory.
        columns, fresh_set = list(golden.columns), set(fresh)
        for start in range(0, len(golden), SLICE):
            part = golden.iloc[start:start + SLICE]
            gids = part[schema.ENTITY_ID].tolist()
            profiles = encode(part, columns)
            before: dict[str, str] = {}
            for chunk in _chunks(gids):
                marks = ",".join("?" * len(chunk))
                before.update(self._db.execute(
                    f"SELECT entity_id, profile FROM golden WHERE entity_id IN ({marks})",
                    chunk))
                self._db.execute(f"DELETE FROM golden WHERE entity_id IN ({marks})", chunk)
            self._db.executemany("INSERT INTO golden VALUES (?, ?, ?)",
                                 zip(gids, part["record_count"].astype(int).tolist(), profiles,
                                     strict=True))
            changes.updated += [e for e, p in zip(gids, profiles, strict=True)
                                if e not in fresh_set and before.get(e) != p]
        for chunk in _chunks(sorted(set(olds) - set(golden[schema.ENTITY_ID].tolist()))):
            marks = ",".join("?" * len(chunk))
            self._db.execute(f"DELETE FROM golden WHERE entity_id IN ({marks})", chunk)
        # The ledger.
        run_id, at = self._run_id, _now()
        next_age = int(self._meta("next_age") or 0)
        sizes = clusters.groupby(schema.ENTITY_ID).size().to_dict()
        events: list[tuple[Any, ...]] = []
        self._db.executemany("INSERT INTO entities VALUES (?, ?, ?, 'active', NULL)",
                             ((eid, next_age + k, run_id) for k, eid in enumerate(fresh)))
        self._set_meta("next_age", str(next_age + len(fresh)))
        events += [(run_id, at, "created", e, None, sizes[e]) for e in assignment.created]
        events += [(run_id, at, "split_from", new, o, sizes[new]) for o, new in assignment.split]
        events += [(run_id, at, "merged_into", o, new, sizes[new])
                   for o, new in assignment.merged]
        events += [(run_id, at, "erased", e, None, 0) for e in assignment.erased]
        self._db.executemany("INSERT INTO ledger (run_id, at, event, entity_id, other_id, "
                             "records) VALUES (?, ?, ?, ?, ?, ?)", events)
        self._db.executemany("UPDATE entities SET status = 'merged', merged_into = ? "
                             "WHERE entity_id = ?", [(w, o) for o, w in assignment.merged])
        self._db.executemany("UPDATE entities SET status = 'erased' WHERE entity_id = ?",
                             [(e,) for e in assignment.erased])
        changes.created += assignment.created
        changes.merged += assignment.merged
        changes.split += assignment.split
        changes.erased += assignment.erased

    def _golden_fields(self, records: pd.DataFrame) -> list[str]:
        columns = self._frozen()["columns"]
        return [f for f in (*schema.CANONICAL_FIELDS, *schema.ID_FIELDS) if f in columns
                and f in records.columns]

    def _taken(self, ids: Collection[str]) -> set[str]:
        """Which of ``ids`` were ever issued."""
        out: set[str] = set()
        for part in _chunks(list(ids)):
            marks = ",".join("?" * len(part))
            out.update(e for (e,) in self._db.execute(
                f"SELECT entity_id FROM entities WHERE entity_id IN ({marks})", part))
        return out

    # ------------------------------------------------------------------ incremental
    def _ingest(self, records: pd.DataFrame, lines: list[str], changes: Changes) -> None:
        rids = records[schema.RECORD_ID].astype(str).tolist()
        existing: set[str] = set()
        for part in _chunks(rids):
            marks = ",".join("?" * len(part))
            existing.update(r for (r,) in self._db.execute(
                f"SELECT record_id FROM records WHERE record_id IN ({marks})", part))
        # Everything in the components of replaced records may regroup.
        touched = set(self._components(sorted(existing))) if existing else set()
        old = self._memberships(sorted(touched))
        if existing:
            self._drop_links(sorted(existing))
            upd = [(r[schema.SOURCE], r[schema.SOURCE_RECORD_ID], self._run_id, line,
                    r[schema.RECORD_ID])
                   for r, line in zip(records.to_dict("records"), lines, strict=True)
                   if r[schema.RECORD_ID] in existing]
            self._db.executemany("UPDATE records SET source = ?, source_record_id = ?, "
                                 "run_id = ?, data = ? WHERE record_id = ?", upd)
        is_new = ~records[schema.RECORD_ID].isin(existing).to_numpy()
        demoted = self._apply_hubs(records)
        self._insert_records(demoted[is_new], [ln for ln, n in zip(lines, is_new,
                                                                   strict=True) if n])
        if existing:
            self._insert_keys(demoted[~is_new])
        self._step("write", 1, 2)
        # Candidates: every stored record sharing a blocking-key value with a new one.
        pairs = self._candidates(demoted)
        others = sorted({r for p in pairs for r in p} - set(rids))
        sub = _union(self._load(others), records)
        assert sub is not None
        sub = self._apply_hubs(sub.sort_values(schema.RECORD_ID).reset_index(drop=True))
        if pairs:
            pos = pd.Index(sub[schema.RECORD_ID])
            i = pos.get_indexer([p[0] for p in pairs]).astype(np.int64)
            j = pos.get_indexer([p[1] for p in pairs]).astype(np.int64)
            side = self._side(sub)
            if side is not None:
                keep = side[i] != side[j]
                i, j = i[keep], j[keep]
            levels, scored = self._score(sub, i, j)
            linked = np.flatnonzero(scored.linked)
            apart = self._apart(scored)
            rid = sub[schema.RECORD_ID].to_numpy(dtype=object)
            self._insert_edges(rid[i[linked]], rid[j[linked]], levels[linked], scored, linked)
            self._insert_apart(rid[i[apart]], rid[j[apart]])
        self._step("cluster", 0, 1)
        scope = self._components(sorted(touched | set(rids)))
        old.update(self._memberships(sorted(set(scope) - set(old))))
        self._recluster(scope, old, changes)

    def _recluster(self, scope: list[str], old: dict[str, str], changes: Changes) -> None:
        clustered = self._clustered(scope)
        if clustered is None:
            self._assign(_empty_like(self._frozen()["columns"]), np.zeros(0, dtype=np.int64),
                         old, changes)
            return
        records, clustering = clustered
        self._assign(records, clustering.labels, old, changes)

    def _clustered(self, scope: list[str]) -> tuple[pd.DataFrame, Clustering] | None:
        """The stored records ``scope`` (whole components) clustered from their stored
        links and kept-apart pairs; None when none of them is stored."""
        records = self._load(scope)
        if records is None:
            return None
        records = self._apply_hubs(records)
        pos = pd.Index(records[schema.RECORD_ID])
        a, b, strength = [], [], []
        for part in _chunks(scope):
            marks = ",".join("?" * len(part))
            for x, y, s in self._db.execute(
                    f"SELECT a, b, strength FROM edges WHERE a IN ({marks})", part):
                a.append(x)
                b.append(y)
                strength.append(s)
        i = pos.get_indexer(a).astype(np.int64)
        j = pos.get_indexer(b).astype(np.int64)
        pairs: list[tuple[str, str]] = []
        for part in _chunks(scope):
            marks = ",".join("?" * len(part))
            pairs += self._db.execute(f"SELECT a, b FROM apart WHERE a IN ({marks})", part)
        apart_i = pos.get_indexer([x for x, _ in pairs]).astype(np.int64)
        apart_j = pos.get_indexer([y for _, y in pairs]).astype(np.int64)
        inside = (apart_i >= 0) & (apart_j >= 0)  # the other side may be outside the scope
        return records, self._cluster(records, i, j, np.asarray(strength, dtype=np.float64),
                                      apart_i[inside], apart_j[inside])

    def _candidates(self, demoted: pd.DataFrame) -> list[tuple[str, str]]:
        """Pairs ``(a, b)``, a < b, of a given record and any stored record sharing a key."""
        rid = demoted[schema.RECORD_ID].to_numpy(dtype=object)
        probe: list[tuple[int, str, str]] = []
        for n, rule in enumerate(self._frozen()["rules"]):
            values = rule.values(demoted)
            present = np.flatnonzero(values != None)  # noqa: E711 - elementwise
            probe += zip([n] * len(present), values[present].tolist(), rid[present].tolist(),
                         strict=True)
        if not probe:
            return []
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS probe (rule INTEGER, value TEXT, "
                         "record_id TEXT)")
        self._db.execute("DELETE FROM probe")
        self._db.executemany("INSERT INTO probe VALUES (?, ?, ?)", probe)
        found = self._db.execute(
            "SELECT DISTINCT MIN(p.record_id, k.record_id), MAX(p.record_id, k.record_id) "
            "FROM probe p JOIN block_keys k ON k.rule = p.rule AND k.value = p.value "
            "WHERE k.record_id != p.record_id").fetchall()
        self._db.execute("DELETE FROM probe")
        return sorted((str(x), str(y)) for x, y in found)

    def _neighbours(self, query: pd.DataFrame) -> list[str]:
        """Stored records sharing a blocking-key value with the one-row ``query``."""
        found: set[str] = set()
        # Each key once, though several rules share it (first_name:nick, ...).
        keys: dict[Key, Any] = {}
        for n, rule in enumerate(self._frozen()["rules"]):
            parts = []
            for key in rule.keys:
                if key not in keys:
                    keys[key] = key_values(query, key)[0]
                parts.append(keys[key])
            value = None if any(v is None for v in parts) else "\x1f".join(parts)
            if value is not None:
                found.update(r for (r,) in self._db.execute(
                    "SELECT record_id FROM block_keys WHERE rule = ? AND value = ?",
                    (n, value)))
        return sorted(found)

    def _components(self, seeds: list[str]) -> list[str]:
        """Every record connected to ``seeds`` by linked edges (seeds included)."""
        seen = set(seeds)
        frontier = list(seeds)
        while frontier:
            nxt: set[str] = set()
            for part in _chunks(frontier):
                marks = ",".join("?" * len(part))
                for (x,) in self._db.execute(
                        f"SELECT b FROM edges WHERE a IN ({marks}) UNION "
                        f"SELECT a FROM edges WHERE b IN ({marks})", (*part, *part)):
                    if x not in seen:
                        nxt.add(x)
            seen |= nxt
            frontier = sorted(nxt)
        return sorted(seen)

    def _memberships(self, rids: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for part in _chunks(rids):
            marks = ",".join("?" * len(part))
            out.update(self._db.execute(
                f"SELECT record_id, entity_id FROM records WHERE record_id IN ({marks}) "
                "AND entity_id IS NOT NULL", part))
        return out

    def _drop_links(self, rids: list[str]) -> None:
        for part in _chunks(rids):
            marks = ",".join("?" * len(part))
            for table in ("edges", "apart"):
                self._db.execute(f"DELETE FROM {table} WHERE a IN ({marks}) OR b IN ({marks})",
                                 (*part, *part))
            self._db.execute(f"DELETE FROM block_keys WHERE record_id IN ({marks})", part)

    def _load(self, rids: Sequence[str], narrow: bool = False,
              first: tuple[str, str, str, str] | None = None) -> pd.DataFrame | None:
        """The stored records ``rids`` in record-id order (``first``, a row in the stored
        form, goes before them)."""
        rows: list[Any] = []
        for part in _chunks(list(rids)):
            marks = ",".join("?" * len(part))
            rows += self._db.execute(
                f"SELECT record_id, source, source_record_id, data FROM records WHERE "
                f"record_id IN ({marks})", part).fetchall()
        if not rows:
            return None
        rows.sort(key=lambda r: r[0])
        if first is not None:
            rows.insert(0, first)
        state = self._frozen()
        return decode(rows, state["narrow" if narrow else "columns"], state["dtypes"])

    # ------------------------------------------------------------------ erasure
    def erase(self, record_ids: Iterable[str] | None = None, *, entity_id: str | None = None,
              match: Mapping[str, Any] | None = None, compact: bool = True,
              suppress: bool = True) -> Changes:
        """Forget records everywhere and re-resolve what is left of their entities.

        Exactly one selector: ``record_ids``; ``entity_id`` (every record of the entity
        it is now); or ``match`` (records whose raw or standardised value of each given
        field equals the given value, e.g. ``{"email": "ann@x.org"}``).  Record ids that
        are not stored are ignored (erasing twice is harmless; :meth:`erase_selection`
        says what a selector matches before anything is erased).

        Records, their blocking keys, edges and golden values go; frozen term
        frequencies and hub values that only erased records held go too.  The remaining
        records of the affected entities are re-clustered (an entity may split); the
        audit table gets a row with counts only.  With ``compact`` (default) the file is
        vacuumed so the erased bytes are gone from disk, not only unreachable.

        With ``suppress`` (default) the erasure sticks: keyed hashes of the erased
        record ids -- and of the matched identifier values (e-mail, phone, customer
        ids) of a ``match`` erasure -- are kept, and a later ingest does not store a
        record that has them (see :meth:`unsuppress`).
        """
        selection, selector = self._select(record_ids, entity_id, match)
        rids = sorted(selection[schema.RECORD_ID].tolist())
        with self._tx():
            run_id = self._begin_run("erase")
            changes = Changes(run_id)
            rids = sorted(self._memberships(rids))
            changes.records = len(rids)
            if suppress:
                Suppression(self._db).add(self._suppression_entries(rids, match), _now())
            if rids:
                scope = self._components(rids)
                old = self._memberships(scope)
                gone = self._load(rids)
                self._drop_links(rids)
                for part in _chunks(rids):
                    marks = ",".join("?" * len(part))
                    self._db.execute(f"DELETE FROM records WHERE record_id IN ({marks})", part)
                if gone is not None:
                    self._forget_values(gone)
                keep = sorted(set(scope) - set(rids))
                self._recluster(keep, old, changes)
            self._db.execute("INSERT INTO audit (at, run_id, action, selector, records, "
                             "entities) VALUES (?, ?, 'erase', ?, ?, ?)",
                             (_now(), run_id, selector, len(rids),
                              len(set(changes.erased) | set(changes.updated)
                                  | {n for _, n in changes.split})))
            self._end_run(changes)
        if compact:
            self.compact()
        return changes

    def erase_selection(self, record_ids: Iterable[str] | None = None, *,
                        entity_id: str | None = None,
                        match: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """What :meth:`erase` with the same selector would erase; writes nothing.

        Returns:
            ``record_id``, ``entity_id`` of every stored record selected, sorted.

        Raises:
            StoreError: not exactly one selector, a field the store does not hold, an
                entity id never issued, or record ids that are not stored (named).
        """
        selection, _ = self._select(record_ids, entity_id, match)
        if record_ids is not None:
            unknown = sorted(set(map(str, record_ids)) - set(selection[schema.RECORD_ID]))
            if unknown:
                raise StoreError(f"no record {', '.join(map(repr, unknown[:5]))} in "
                                 f"{self.path}; record ids look like '<source>:<source id>' "
                                 "(see store.clusters())")
        return selection

    def _select(self, record_ids: Iterable[str] | None, entity_id: str | None,
                match: Mapping[str, Any] | None) -> tuple[pd.DataFrame, str]:
        """The stored records a selector picks (``record_id``, ``entity_id``) and the
        selector's kind for the audit log."""
        given = [x is not None for x in (record_ids, entity_id, match)]
        if sum(given) != 1:
            raise StoreError("erase: give exactly one of record_ids=, entity_id= or match=")
        if entity_id is not None:
            current = self.current_id(entity_id)
            rids = [] if current is None else [r for (r,) in self._db.execute(
                "SELECT record_id FROM records WHERE entity_id = ?", (current,))]
            selector = "entity_id"
        elif match is not None:
            rids = self._matching(match)
            selector = "match:" + ",".join(sorted(match))
        else:
            assert record_ids is not None
            rids = sorted(set(map(str, record_ids)))
            selector = "record_ids"
        member = self._memberships(rids)
        table = pd.DataFrame({schema.RECORD_ID: sorted(member),
                              schema.ENTITY_ID: [member[r] for r in sorted(member)]})
        return table, selector

    def _suppression_entries(self, rids: Sequence[str], match: Mapping[str, Any] | None
                             ) -> list[tuple[str, str]]:
        """What an erasure suppresses: its record ids, and the standardised values of the
        identifier fields a ``match`` selector names."""
        entries = [(schema.RECORD_ID, r) for r in rids]
        if match:
            probe = standardise(pd.DataFrame({k: [v] for k, v in match.items()}))
            for name in match:
                column = schema.std(name)
                if name in IDENTIFIERS and column in probe and probe[column].notna().all():
                    entries.append((name, str(probe[column].iloc[0])))
        return entries

    def unsuppress(self, record_ids: Iterable[str] | None = None, *,
                   match: Mapping[str, Any] | None = None) -> int:
        """Lift suppressions that :meth:`erase` left, so that those records can be ingested
        again: the given record ids and/or identifier values (``{"email": "ann@x.org"}``).

        Returns:
            How many entries were lifted (0 when none was suppressed).
        """
        if record_ids is None and match is None:
            raise StoreError("unsuppress: give record_ids=, match= or both")
        entries = self._suppression_entries(sorted(set(map(str, record_ids or []))), match)
        with self._tx():
            return Suppression(self._db).remove(entries)

    def _matching(self, match: Mapping[str, Any]) -> list[str]:
        columns = set(self._frozen()["columns"])
        probe = standardise(pd.DataFrame({k: [v] for k, v in match.items()}),
                            id_fields=self.config.id_fields)
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
        return sorted(r for (r,) in self._db.execute(sql, params))

    def _forget_values(self, gone: pd.DataFrame) -> None:
        """Drop frozen TF and hub values that only erased records held."""
        state = self._frozen()
        model = state["model"]
        tf = {k: _tf_column(gone, c.field) for k, c in enumerate(model.comparisons)
              if str(k) in state["tf_default"]}
        hubs = {f: schema.std(f) for f in state["hubs"] if schema.std(f) in gone.columns}
        asked: dict[str, set[str]] = {}
        for column in [*tf.values(), *hubs.values()]:
            asked[column] = set(gone[column].dropna().astype(str).tolist())
        held = self._held(asked)
        for k, column in tf.items():
            for value in sorted(asked[column] - held[column]):
                self._db.execute("DELETE FROM tf WHERE comparison = ? AND value = ?",
                                 (k, value))
        for field_name, column in hubs.items():
            for value in sorted((asked[column] & state["hubs"][field_name]) - held[column]):
                self._db.execute("DELETE FROM hubs WHERE field = ? AND value = ?",
                                 (field_name, value))
        self._state = None

    def _held(self, asked: Mapping[str, set[str]]) -> dict[str, set[str]]:
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
        for row in self._db.execute(f"SELECT {picked} FROM records WHERE {where}", params):
            for column, value in zip(columns, row, strict=True):
                if value is not None and str(value) in asked[column]:
                    held[column].add(str(value))
        return held

    def compact(self) -> None:
        """Rewrite the file without free pages and empty the write-ahead log."""
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.execute("VACUUM")
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # ------------------------------------------------------------------ reading
    def resolve(self, record: Mapping[str, Any], *, source: str | None = None) -> Resolution:
        """Which entity a record belongs to, with the evidence; writes nothing.

        Args:
            record: canonical field -> raw value (``first_name``, ``email``, ...), or,
                with ``source``, a row of that source in its own column names (``Email``,
                ``FirstName``, ...), mapped as its export would be.
            source: the config source it comes from (its phone region and date order
                are used; for ``link_only`` it decides the side).

        Raises:
            DataError: a field is neither canonical nor, with ``source``, a column of that
                source.
        """
        state = self._frozen()
        config = self.config
        src = next((s for s in config.sources if s.name == source), None)
        if source is not None and src is None:
            raise ConfigError(f"no source named {source!r} in the config; sources are "
                              f"{', '.join(s.name for s in config.sources)}")
        model = state["model"]
        names = [c.name for c in model.comparisons]
        frame = self._query_frame(record, src)
        frame.insert(0, schema.SOURCE_RECORD_ID, "?")
        frame.insert(0, schema.SOURCE, source or "?")
        frame.insert(0, schema.RECORD_ID, "\x00query")
        frame = standardise(frame, region=src.default_region if src else "US",
                            dayfirst=src.dayfirst if src else False,
                            id_fields=config.id_fields, phone_fields=config.phone_fields,
                            placeholders=dict(config.guards.placeholders))
        query = self._apply_hubs(frame.reindex(columns=[*FIXED, *state["narrow"]]))
        others = self._neighbours(query)
        if not others:
            return Resolution(None, 0.0, None, pd.DataFrame(columns=[*_EVIDENCE, *names]), [])
        # The query goes through the same JSON round trip as a stored record, so both
        # sides of every pair have the types an ingest would give them.
        sub = self._load(others, narrow=True, first=(
            "\x00query", source or "?", "?", encode(query, state["narrow"])[0]))
        assert sub is not None
        sub = self._apply_hubs(sub)
        i = np.zeros(len(sub) - 1, dtype=np.int64)
        j = np.arange(1, len(sub), dtype=np.int64)
        side = self._side(sub)
        if side is not None:
            keep = side[i] != side[j]
            i, j = i[keep], j[keep]
        evidence, scored, _ = self._evidence(sub, i, j)
        rid = sub[schema.RECORD_ID].to_numpy(dtype=object)[j]
        order = np.lexsort((rid.astype(str), -scored.strength()))  # strongest first
        rid = rid[order]
        member = self._memberships(rid.tolist())
        entity = np.array([member.get(r) for r in rid.tolist()], dtype=object)
        linked = scored.linked[order]
        table = pd.DataFrame({"record_id": rid, "entity_id": entity,
                              **{k: v[order] for k, v in evidence.items()}})
        entities = list(dict.fromkeys(entity[linked].tolist()))
        if not entities:
            return Resolution(None, float(scored.probability.max()), None, table, [])
        best = entities[0]
        row = self._db.execute("SELECT profile FROM golden WHERE entity_id = ?",
                               (best,)).fetchone()
        return Resolution(best, float(table["match_probability"].to_numpy()[linked][0]),
                          None if row is None else json.loads(row[0]), table, entities)

    def _query_frame(self, record: Mapping[str, Any], src: Source | None) -> pd.DataFrame:
        """The record to resolve as one raw row in canonical field names."""
        fields = {str(k): v for k, v in record.items() if k not in FIXED}
        known = {*schema.CANONICAL_FIELDS, *schema.ID_FIELDS, schema.UPDATED_AT,
                 *self._frozen()["columns"]}
        unknown = sorted(set(fields) - known)
        if not unknown:
            return pd.DataFrame({k: [v] for k, v in fields.items()})
        if src is None:
            fields_known = sorted(f for f in (*schema.CANONICAL_FIELDS, *schema.ID_FIELDS)
                                  if f in self._frozen()["columns"])
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
        return mapped.drop(columns=[*FIXED, "source_row"])

    def _evidence(self, sub: pd.DataFrame, i: np.ndarray, j: np.ndarray
                  ) -> tuple[dict[str, np.ndarray], Scored, np.ndarray]:
        """Score the pairs ``(i, j)`` of ``sub`` with the frozen context: the columns of
        :attr:`Resolution.candidates` after ``entity_id`` (weight, probability, rule,
        linked, one log2 Bayes factor per comparison), the scores and the levels."""
        model = self._frozen()["model"]
        frequencies = self._frequencies(sub)
        levels, scored = self._score(sub, i, j, frequencies)
        contributions = model.contributions(
            levels, [None if f is None else f[i] for f in frequencies])
        names = [r.name for r in self.config.rules]
        return {"match_weight": scored.weight, "match_probability": scored.probability,
                "rule": np.array([names[f] if f >= 0 else None
                                  for f in scored.fired.tolist()], dtype=object),
                "linked": scored.linked,
                **{c.name: contributions[:, k] for k, c in enumerate(model.comparisons)}
                }, scored, levels

    def explain(self, record_a: str, record_b: str) -> Explanation:
        """Why two stored records are one entity, or why not; writes nothing.

        One entity: the chain of links that joins them, the one whose weakest link is
        strongest, with each link's evidence.  Two entities: whether blocking ever
        compares them, how they score against each other (and whether a veto or the
        threshold stops the link), or which clustering guard cut the links between them.

        Raises:
            StoreError: a record id is not in the store.
        """
        a, b = str(record_a), str(record_b)
        member = self._memberships([a, b])
        for rid in (a, b):
            if rid not in member:
                raise StoreError(f"no record {rid!r} in {self.path}; record ids look like "
                                 "'<source>:<source id>' (see store.clusters())")
        names = [c.name for c in self._frozen()["model"].comparisons]
        columns = ["record_id_l", "record_id_r", *_EVIDENCE[2:], *names]
        sub = self._apply_hubs(self._load(sorted({a, b})))  # type: ignore[arg-type]
        at = {r: k for k, r in enumerate(sub[schema.RECORD_ID].tolist())}
        evidence, scored, levels = self._evidence(sub, np.array([at[a]]), np.array([at[b]]))
        compared = a != b and self._share_key(a, b)
        direct = pd.DataFrame({"record_id_l": [a], "record_id_r": [b], **evidence,
                               "compared": [compared]})
        path = pd.DataFrame(columns=columns)
        probability = float(scored.probability[0])
        if a == b:
            reason = "the same record"
        elif member[a] == member[b]:
            links = self._path(a, b, member[a])
            nodes = sorted({r for link in links for r in link})
            sub = self._apply_hubs(self._load(nodes))  # type: ignore[arg-type]
            at = {r: k for k, r in enumerate(sub[schema.RECORD_ID].tolist())}
            steps, _, _ = self._evidence(sub, np.array([at[x] for x, _ in links]),
                                         np.array([at[y] for _, y in links]))
            path = pd.DataFrame({"record_id_l": [x for x, _ in links],
                                 "record_id_r": [y for _, y in links], **steps})
            weakest = path.loc[path["match_probability"].idxmin()]
            reason = (f"one entity ({member[a]}): {len(links)} link(s) join them; the weakest "
                      f"is {weakest['record_id_l']} - {weakest['record_id_r']} (match "
                      f"probability {weakest['match_probability']:.3f}"
                      + (f", rule {weakest['rule']})" if weakest["rule"] else ")"))
        elif not compared:
            reason = ("never compared: they share no blocking-key value, so no rule or score "
                      f"could link them (scored against each other: match probability "
                      f"{probability:.3f}); a blocking rule on a field they share would "
                      "compare them")
        elif not scored.linked[0]:
            frozen_model = self._frozen()["model"]
            forbidden = vetoed(levels, list(frozen_model.comparisons), self.config.guards,
                               frozen_model)[0]
            reason = (f"compared, not linked: match probability {probability:.3f}"
                      + (" but a veto field disagrees (guards.veto: "
                         f"{', '.join(self.config.guards.veto)})" if forbidden else
                         f" is below the threshold {self.config.threshold:g}"))
        else:
            clustered = self._clustered(self._components([a, b]))
            assert clustered is not None
            cut = sorted(set(clustered[1].cut["reason"].tolist()))
            rule = evidence["rule"][0]
            reason = (f"linked ({f'rule {rule}, ' if rule else ''}match probability "
                      f"{probability:.3f}), but clustering keeps them in different entities: "
                      f"{'; '.join(cut) or 'no link was cut'}")
        return Explanation((a, b), (member[a], member[b]), member[a] == member[b], reason,
                           path[columns], direct)

    def _share_key(self, a: str, b: str) -> bool:
        """Whether two stored records share a blocking-key value (blocking compares them)."""
        return self._db.execute(
            "SELECT 1 FROM block_keys x JOIN block_keys y ON x.rule = y.rule AND "
            "x.value = y.value WHERE x.record_id = ? AND y.record_id = ? LIMIT 1",
            (a, b)).fetchone() is not None

    def _path(self, a: str, b: str, entity_id: str) -> list[tuple[str, str]]:
        """Links joining ``a`` to ``b`` inside their entity, weakest link strongest."""
        return [(str(x), str(y)) for x, y in widest_path(self.graph(entity_id), a, b)]

    def graph(self, entity_id: str) -> nx.Graph:
        """An entity's records and links as a networkx graph (an old id is followed).

        Nodes are record ids (attributes ``entity_id``, ``source``); edges carry
        ``match_weight``, ``match_probability``, ``rule``, ``strength`` and the level of
        each comparison.  Empty once the entity is erased.
        """
        current = self.current_id(entity_id)
        records = pd.read_sql_query(
            "SELECT record_id, entity_id, source FROM records WHERE entity_id = ? ORDER BY "
            "record_id", self._db, params=(current,))
        names = [c.name for c in self._frozen()["model"].comparisons]
        rows: list[Any] = []
        for part in _chunks(records[schema.RECORD_ID].tolist()):
            marks = ",".join("?" * len(part))
            rows += self._db.execute(
                f"SELECT a, b, weight, probability, rule, levels FROM edges WHERE a IN "
                f"({marks}) ORDER BY a, b", part).fetchall()
        links = pd.DataFrame({
            "record_id_l": [r[0] for r in rows], "record_id_r": [r[1] for r in rows],
            "match_weight": [r[2] for r in rows], "match_probability": [r[3] for r in rows],
            "rule": [r[4] for r in rows],
            **{name: [json.loads(r[5])[k] for r in rows] for k, name in enumerate(names)}})
        return identity_graph(records, links)

    def lookup(self, entity_id: str) -> Profile | None:
        """The golden profile and record ids of an entity (followed through merges);
        None when it was erased."""
        current = self.current_id(entity_id)
        if current is None:
            return None
        row = self._db.execute("SELECT profile FROM golden WHERE entity_id = ?",
                               (current,)).fetchone()
        rids = [r for (r,) in self._db.execute(
            "SELECT record_id FROM records WHERE entity_id = ? ORDER BY record_id", (current,))]
        return Profile(current, json.loads(row[0]) if row else {}, rids)

    def current_id(self, entity_id: str) -> str | None:
        """What an entity id is now: itself, the id it was merged into (followed to the
        end), or None when all its records were erased.

        Raises:
            StoreError: the id was never issued by this store.
        """
        seen = []
        current = entity_id
        while True:
            row = self._db.execute("SELECT status, merged_into FROM entities WHERE "
                                   "entity_id = ?", (current,)).fetchone()
            if row is None:
                raise StoreError(f"no entity {current!r} in {self.path}; entity ids look "
                                 "like 'E' + 16 hex digits (see store.clusters())")
            status, into = row
            if status == "erased":
                return None
            if status != "merged" or into in seen:
                return current
            seen.append(current)
            current = into

    def history(self, entity_id: str) -> pd.DataFrame:
        """Ledger events that name the entity (as subject or as the other side)."""
        return pd.read_sql_query(
            "SELECT l.seq, l.run_id, l.at, l.event, l.entity_id, l.other_id, l.records "
            "FROM ledger l WHERE entity_id = ? OR other_id = ? ORDER BY seq", self._db,
            params=(entity_id, entity_id))

    def clusters(self) -> pd.DataFrame:
        """``record_id``, ``entity_id`` of every stored record, sorted by record id."""
        return pd.read_sql_query("SELECT record_id, entity_id FROM records ORDER BY "
                                 "record_id", self._db)

    def golden(self) -> pd.DataFrame:
        """Every active entity's golden profile (sorted by entity id)."""
        rows = self._db.execute("SELECT profile FROM golden ORDER BY entity_id").fetchall()
        return pd.DataFrame.from_records([json.loads(r[0]) for r in rows])

    def records(self) -> pd.DataFrame:
        """Every stored record: raw and standardised columns, and its ``entity_id``."""
        out = self._load_all()
        if out is None:
            return pd.DataFrame(columns=[*FIXED, schema.ENTITY_ID])
        out[schema.ENTITY_ID] = out[schema.RECORD_ID].map(
            dict(self._db.execute("SELECT record_id, entity_id FROM records")))
        return out

    def edges(self) -> pd.DataFrame:
        """The linked pairs: ``record_id_l``, ``record_id_r``, weight, probability, rule."""
        return pd.read_sql_query(
            "SELECT a AS record_id_l, b AS record_id_r, weight AS match_weight, "
            "probability AS match_probability, rule FROM edges ORDER BY a, b", self._db)

    def ledger(self) -> pd.DataFrame:
        """The whole id ledger."""
        return pd.read_sql_query("SELECT * FROM ledger ORDER BY seq", self._db)

    def audit(self) -> pd.DataFrame:
        """The erasure log (counts only)."""
        return pd.read_sql_query("SELECT * FROM audit ORDER BY seq", self._db)

    def stats(self) -> dict[str, int]:
        """Row counts of the main tables."""
        out = {}
        for table in ("records", "edges", "golden", "ledger", "block_keys"):
            out[table] = int(self._db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        out["entities_ever"] = int(self._db.execute(
            "SELECT COUNT(*) FROM entities").fetchone()[0])
        return out


def match_source(config: Config, path: Path) -> str:
    """The config source a file belongs to: the one whose configured file has the same
    name, else the only one whose file stem starts the file's stem
    (``crm_contacts.csv`` matches ``crm_contacts_2026-11-23.csv``).

    Raises:
        ConfigError: no source or several sources match.
    """
    names = [s.name for s in config.sources if s.path is not None
             and Path(str(s.path)).name == path.name]
    if len(names) != 1:
        names = [s.name for s in config.sources if s.path is not None
                 and path.stem.startswith(Path(str(s.path)).stem)]
    if len(names) != 1:
        listing = ", ".join(f"{s.name} ({s.path})" for s in config.sources)
        why = "matches no source" if not names else f"matches {len(names)} sources"
        raise ConfigError(f"{path.name} {why} of the config by file name; name its source "
                          f"with --source (sources: {listing})")
    return names[0]


def _canonical_sources(data: pd.DataFrame, named: Callable[[str], Source]
                       ) -> tuple[list[Source], dict[str, pd.DataFrame]]:
    """Sources for a table already in the records contract (``record_id``, ``source``,
    ``source_record_id`` and canonical field columns, e.g. ``store.records()`` or a
    batch's ``result.records``): read as-is, standardised with each source's settings."""
    fields = [c for c in data.columns if c in schema.CANONICAL_FIELDS or c in schema.ID_FIELDS]
    sources, frames = [], {}
    for name, part in data.groupby(schema.SOURCE, sort=False):
        expected = str(name) + ":" + part[schema.SOURCE_RECORD_ID].astype(str)
        wrong = part[schema.RECORD_ID].astype(str) != expected
        if wrong.any():
            raise ConfigError(
                f"records of source {name!r}: record_id must be '<source>:<source_record_id>' "
                f"(e.g. row {part.index[wrong.to_numpy()][0]} has "
                f"{part.loc[wrong, schema.RECORD_ID].iloc[0]!r})")
        src = named(str(name))
        # All-null columns are left out (the reader would note each as a likely mapping
        # mistake); the store fills every field it keeps anyway.
        mine = [f for f in fields if part[f].notna().any()]
        updated = schema.UPDATED_AT if schema.UPDATED_AT in part.columns else None
        sources.append(dataclasses.replace(
            src, path=None, data=None, preset=None, format=None,
            columns={f: f for f in mine}, id_column=schema.SOURCE_RECORD_ID,
            updated_at=updated))
        frames[str(name)] = part[[schema.SOURCE_RECORD_ID, *mine,
                                  *([updated] if updated else [])]].reset_index(drop=True)
    return sources, frames


def _tf_column(records: pd.DataFrame, field_name: str) -> str:
    return schema.std(field_name) if schema.std(field_name) in records.columns else field_name


def _ordered(a: np.ndarray, b: np.ndarray) -> tuple[list[str], list[str]]:
    """Pairs of record ids as the store keys them: the smaller id first."""
    return np.where(a < b, a, b).tolist(), np.where(a < b, b, a).tolist()


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


def _empty_like(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in (*FIXED, *columns)})


def _matching_differences(stored_text: str, config: Config) -> list[str]:
    """Top-level config sections (other than sources) that differ."""
    old = tomllib.loads(stored_text)
    try:
        new = tomllib.loads(dump_config(config))
    except Exception:  # pragma: no cover - dump failure reported when saving
        return []
    return [k for k in sorted(set(old) | set(new)) if k != "sources"
            and old.get(k) != new.get(k)]

