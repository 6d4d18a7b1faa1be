"""The store's core: the state every room works on, and the reads every room needs.

:class:`StoreCore` holds the database, the config, the fitted model and its frozen context
(both loaded lazily, and dropped when a transaction rolls back or the model is refitted)
and the progress callback.  The rooms -- :mod:`._ingest` (build, fit, ingest),
:mod:`._erase` and :mod:`._query` -- are functions that receive it; :class:`IdentityStore`
only delegates to them.

Several stores may be open on one file (a writer and a reader in one service, or two
processes).  What one of them caches -- model, context, config -- is valid as long as no
other connection refits, switches the config or forgets frozen values in an erasure.
Those writes bump the ``context_version`` entry of ``meta``; :meth:`StoreCore.refresh`,
run at the start of every write transaction and of every query that scores, notices them
with ``PRAGMA data_version`` (no I/O: it changes when another connection commits) and,
only then, one look-up of that entry.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from unifyprofile.config import Config, dump_config, load_config, parse_config
from unifyprofile.errors import ConfigError, StoreError
from unifyprofile.score import FellegiSunter
from unifyprofile.store._codec import FIXED, decode
from unifyprofile.store._context import FrozenContext
from unifyprofile.store._db import Database, chunks

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["Progress", "StoreCore", "empty_like", "matching_differences"]

Progress = Callable[[str, int, int], None]

#: The ``meta`` entry counting the changes of the saved model, context and config.
CONTEXT_VERSION = "context_version"


class StoreCore:
    """What the rooms of one open store share.

    Args:
        path: the store file.
        config: as for :class:`~unifyprofile.IdentityStore`.
        progress: called as ``progress(stage, done, total)`` while work runs.
        wait: seconds a write waits for another process's write to finish.
    """

    def __init__(self, path: Path, config: Config | str | Path | None,
                 progress: Progress | None, wait: float) -> None:
        self.path = path
        self.progress = progress
        self.db = Database(path, wait)
        self._config = self._open_config(config)
        self._model: FellegiSunter | None = None
        self._context: FrozenContext | None = None
        #: What :meth:`refresh` saw last: ``PRAGMA data_version`` and the saved
        #: ``context_version``.
        self._data_version: int | None = None
        self._context_version = self.db.meta(CONTEXT_VERSION)

    # ------------------------------------------------------------------ state
    @contextmanager
    def tx(self) -> Iterator[None]:
        """A write transaction; a rollback drops the cached model and context.  What
        another connection changed before it began is loaded again (:meth:`refresh`)."""
        with self.db.tx(on_rollback=self._forget):
            self.refresh()
            yield

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read transaction (unless a transaction is open already): every read of a
        query sees the same committed state, though another connection commits
        meanwhile (a record's entity merged between reading its membership and the
        entity's golden profile)."""
        if self.db.conn.in_transaction:
            yield
            return
        self.db.execute("BEGIN")
        try:
            yield
        finally:
            self.db.execute("COMMIT")

    def _forget(self) -> None:
        self._context = None
        self._model = None

    def refresh(self) -> None:
        """Drop the cached model and context (and take the stored config, where its
        matching settings changed) when another connection refitted, switched the config
        or forgot frozen values since this one last looked.  Costs a pragma; one
        look-up in ``meta`` when another connection committed anything."""
        version = self.db.execute("PRAGMA data_version").fetchone()[0]
        if version == self._data_version:
            return
        self._data_version = version
        saved = self.db.meta(CONTEXT_VERSION)
        if saved == self._context_version:
            return
        self._context_version = saved
        self._forget()
        stored = self.db.meta("config")
        if stored is not None and (self._config is None
                                   or matching_differences(stored, self._config)):
            base = self.db.meta("base_dir")
            self._config = parse_config(tomllib.loads(stored), Path(base) if base else None)

    def _changed_context(self) -> None:
        """Tell the other connections on the file that the saved context changed (in
        the write transaction that changes it)."""
        self._context_version = str(int(self.db.meta(CONTEXT_VERSION) or 0) + 1)
        self.db.set_meta(CONTEXT_VERSION, self._context_version)

    def step(self, stage: str, done: int = 1, total: int = 1) -> None:
        if self.progress:
            self.progress(stage, done, total)

    @property
    def config(self) -> Config:
        if self._config is None:
            raise StoreError(f"{self.path}: the store has no config yet; open it with "
                             "IdentityStore(path, config)")
        return self._config

    def use_config(self, config: Config) -> None:
        """Resolve with ``config`` from now on (the narrow columns follow its rules)."""
        self._config = config
        self._context = None

    @property
    def model(self) -> FellegiSunter:
        if self._model is None:
            text = self.db.meta("model")
            if text is None:
                raise StoreError(f"{self.path}: the store has no model yet; ingest records "
                                 "(the first ingest fits one) or call store.build()")
            self._model = FellegiSunter.from_dict(json.loads(text))
        return self._model

    @property
    def fitted(self) -> bool:
        return self.db.meta("model") is not None

    def refitted(self, model: FellegiSunter) -> None:
        """A new model (and context) was saved: score with them from now on."""
        self._model = model
        self._context = None
        self._changed_context()

    def context(self) -> FrozenContext:
        """The frozen scoring context, loaded once."""
        if self._context is None:
            self._context = FrozenContext.load(self.db, self.model, self.config)
        return self._context

    def drop_context(self) -> None:
        """The saved context changed (erasure forgot values): load it again when used."""
        self._context = None
        self._changed_context()

    # ------------------------------------------------------------------ config
    def _open_config(self, config: Config | str | Path | None) -> Config | None:
        if isinstance(config, (str, Path)):
            config = load_config(config)
        if config is not None and not isinstance(config, Config):
            raise ConfigError(f"IdentityStore needs a Config or a config path, got "
                              f"{type(config).__name__}; use unifyprofile.load_config(path)")
        stored = self.db.meta("config")
        if config is None:
            if stored is None:
                return None
            base = self.db.meta("base_dir")
            return parse_config(tomllib.loads(stored), Path(base) if base else None)
        if stored is not None:
            differs = matching_differences(stored, config)
            if differs:
                raise StoreError(
                    f"{self.path}: the config differs from the one this store was built "
                    f"with in {', '.join(differs)}; open the store without a config to use "
                    "the stored one, or switch with store.build(refit=True, config=...), "
                    "which refits and re-resolves everything")
        return config

    def save_config(self, config: Config) -> None:
        try:
            text = dump_config(config)
            tomllib.loads(text)
        except Exception as exc:  # a callable survivorship rule has no TOML form
            raise StoreError(f"the config cannot be saved in the store ({exc}); use "
                             "built-in survivorship rules") from exc
        self.db.set_meta("config", text)
        self.db.set_meta("base_dir", str(config.base_dir) if config.base_dir else "")

    # ------------------------------------------------------------------ stored records
    def load_all(self) -> pd.DataFrame | None:
        rows = self.db.execute("SELECT record_id, source, source_record_id, data FROM "
                               "records ORDER BY record_id").fetchall()
        if not rows:
            return None
        context = self.context()
        return decode(rows, context.columns, context.dtypes)

    def load(self, rids: Sequence[str], narrow: bool = False,
             first: tuple[str, str, str, str] | None = None) -> pd.DataFrame | None:
        """The stored records ``rids`` in record-id order (``first``, a row in the stored
        form, goes before them)."""
        rows: list[Any] = []
        for part in chunks(list(rids)):
            marks = ",".join("?" * len(part))
            rows += self.db.execute(
                f"SELECT record_id, source, source_record_id, data FROM records WHERE "
                f"record_id IN ({marks})", part).fetchall()
        if not rows:
            return None
        rows.sort(key=lambda r: r[0])
        if first is not None:
            rows.insert(0, first)
        context = self.context()
        return decode(rows, context.narrow if narrow else context.columns, context.dtypes)

    def memberships(self, rids: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for part in chunks(rids):
            marks = ",".join("?" * len(part))
            out.update(self.db.execute(
                f"SELECT record_id, entity_id FROM records WHERE record_id IN ({marks}) "
                "AND entity_id IS NOT NULL", part))
        return out

    def components(self, seeds: list[str]) -> list[str]:
        """Every record connected to ``seeds`` by linked edges (seeds included)."""
        seen = set(seeds)
        frontier = list(seeds)
        while frontier:
            nxt: set[str] = set()
            for part in chunks(frontier):
                marks = ",".join("?" * len(part))
                for (x,) in self.db.execute(
                        f"SELECT b FROM edges WHERE a IN ({marks}) UNION "
                        f"SELECT a FROM edges WHERE b IN ({marks})", (*part, *part)):
                    if x not in seen:
                        nxt.add(x)
            seen |= nxt
            frontier = sorted(nxt)
        return sorted(seen)


def empty_like(columns: Sequence[str]) -> pd.DataFrame:
    """No records, with the stored columns."""
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in (*FIXED, *columns)})


def matching_differences(stored_text: str, config: Config) -> list[str]:
    """Top-level config sections (other than sources) that differ."""
    old = tomllib.loads(stored_text)
    try:
        new = tomllib.loads(dump_config(config))
    except Exception:  # pragma: no cover - dump failure reported when saving
        return []
    return [k for k in sorted(set(old) | set(new)) if k != "sources"
            and old.get(k) != new.get(k)]
