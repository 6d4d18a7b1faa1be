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

:class:`IdentityStore` is the door; the work is done in rooms that share one
:class:`~._core.StoreCore` (database, config, model, frozen context, progress):

* ``_db`` -- the SQLite connection, migrations, transactions, ``meta``, runs;
* ``_context`` -- the frozen scoring context (:class:`~._context.FrozenContext`);
* ``_scoring`` -- scoring and clustering with it;
* ``_input`` -- reading input into the stored form;
* ``_ingest`` -- build, fit and ingest (batch and incremental paths);
* ``_write`` -- records, keys, edges, id assignment, golden profiles, ledger;
* ``_events`` -- touchpoints by record: storing, timelines, computed traits;
* ``_erase`` -- erasure, suppression lifting, compaction;
* ``_query`` -- resolve, explain, lookup, history, graph and the table readers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from unifyprofile.config import Config
from unifyprofile.score import FellegiSunter
from unifyprofile.store import _erase, _events, _follow, _ingest, _query
from unifyprofile.store._core import Progress, StoreCore
from unifyprofile.store._follow import Followed
from unifyprofile.store._input import Data
from unifyprofile.store._results import Changes, Explanation, Profile, Resolution

__all__ = ["IdentityStore"]


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
        self._core = StoreCore(self.path, config, progress, wait)

    # ------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        """Close the file (a checkpoint folds the write-ahead log into it).  Idempotent."""
        self._core.db.close()

    def __repr__(self) -> str:
        if self._core.db.closed:
            return f"IdentityStore({str(self.path)!r}, closed)"
        counts = self.stats()
        return (f"IdentityStore({str(self.path)!r}, records={counts['records']:,}, "
                f"entities={counts['golden']:,}, fitted={self.fitted})")

    def __enter__(self) -> IdentityStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ state
    @property
    def config(self) -> Config:
        """The config the store resolves with."""
        return self._core.config

    @property
    def model(self) -> FellegiSunter:
        """The fitted model the store scores with."""
        return self._core.model

    @property
    def fitted(self) -> bool:
        """Whether the store holds a fitted model."""
        return self._core.fitted

    # ------------------------------------------------------------------ writing
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
        return _ingest.build(self._core, data, source=source, refit=refit, config=config)

    def fit(self, data: Data = None, *, source: str | None = None) -> IdentityStore:
        """Fit the model on ``data`` and freeze the scoring context; store no records.

        Use it to fit on a representative sample (or last month's data) before ingesting
        day by day.  A store that already holds records is refitted with
        ``build(refit=True)`` instead, which re-resolves them with the new model.

        Returns:
            The store.
        """
        _ingest.fit(self._core, data, source=source)
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
        return _ingest.ingest(self._core, data, source=source)

    def follow(self, path: str | Path, *, source: str | None = None, poll: float = 0.25,
               idle_exit: float | None = None,
               stop: Callable[[], bool] | None = None,
               on_batch: Callable[[Changes | None, int], None] | None = None) -> Followed:
        """Ingest the lines of a growing JSONL file as they are written (``tail -f``).

        A line is a Segment-spec message (identify: a record of the source with preset
        ``segment``; track, page, screen: an event) or a record of ``source``.  Each batch
        of lines is one ingest.  Runs until ``stop()`` is true or, with ``idle_exit``, the
        file has not grown for that many seconds.
        """
        return _follow.follow(self, path, source=source, poll=poll, idle_exit=idle_exit,
                              stop=stop, on_batch=on_batch)

    def add_events(self, events: pd.DataFrame | Iterable[Mapping[str, Any]]) -> int:
        """Store touchpoints of records, in one transaction.

        An event belongs to a record that may not be stored yet (a ``track`` call for a
        user identified later): it joins the record's entity once the record arrives.
        The same ``event_id`` again replaces the stored event; the events of a record
        id an erasure suppressed are not stored.

        Args:
            events: rows with the columns of :data:`unifyprofile.events.EVENT_COLUMNS`:
                ``event_id`` and ``record_id`` required; ``source`` defaults to the
                record id's prefix; ``at`` is read as a time (stored in UTC);
                ``properties`` a mapping or JSON text.

        Returns:
            How many events were stored.

        Raises:
            DataError: a required column is missing or empty, an unknown column, or an
                event id given twice.

        Examples:
            >>> import pandas as pd, unifyprofile as up, tempfile, os
            >>> people = pd.DataFrame({"id": ["7"], "email": ["ann@x.org"]})
            >>> config = up.Config(sources=(up.Source("web", data=people, id_column="id",
            ...     columns={"email": "email"}),))
            >>> with up.IdentityStore(os.path.join(tempfile.mkdtemp(), "p.db"),
            ...                       config) as store:
            ...     store.add_events([{"event_id": "t1", "record_id": "web:7",
            ...         "at": "2024-05-01T09:00:00Z", "type": "page_view"}])
            ...     entity = store.ingest(people, source="web").created[0]
            ...     store.timeline(entity)[["at", "type", "record_id"]].to_dict("records")
            1
            [{'at': '2024-05-01T09:00:00Z', 'type': 'page_view', 'record_id': 'web:7'}]
        """
        return _events.add_events(self._core, events)

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
        return _erase.erase(self._core, record_ids, entity_id=entity_id, match=match,
                            compact=compact, suppress=suppress)

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
        return _erase.erase_selection(self._core, record_ids, entity_id=entity_id,
                                      match=match)

    def unsuppress(self, record_ids: Iterable[str] | None = None, *,
                   match: Mapping[str, Any] | None = None) -> int:
        """Lift suppressions that :meth:`erase` left, so that those records can be ingested
        again: the given record ids and/or identifier values (``{"email": "ann@x.org"}``).

        Returns:
            How many entries were lifted (0 when none was suppressed).
        """
        return _erase.unsuppress(self._core, record_ids, match=match)

    def compact(self) -> None:
        """Rewrite the file without free pages and empty the write-ahead log."""
        _erase.compact_file(self._core)

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
        return _query.resolve(self._core, record, source=source)

    def explain(self, record_a: str, record_b: str) -> Explanation:
        """Why two stored records are one entity, or why not; writes nothing.

        One entity: the chain of links that joins them, the one whose weakest link is
        strongest, with each link's evidence.  Two entities: whether blocking ever
        compares them, how they score against each other (and whether a veto or the
        threshold stops the link), or which clustering guard cut the links between them.

        Raises:
            StoreError: a record id is not in the store.
        """
        return _query.explain(self._core, record_a, record_b)

    def graph(self, entity_id: str) -> nx.Graph:
        """An entity's records and links as a networkx graph (an old id is followed).

        Nodes are record ids (attributes ``entity_id``, ``source``); edges carry
        ``match_weight``, ``match_probability``, ``rule``, ``strength`` and the level of
        each comparison.  Empty once the entity is erased.
        """
        return _query.graph(self._core, entity_id)

    def lookup(self, entity_id: str) -> Profile | None:
        """The golden profile and record ids of an entity (followed through merges);
        None when it was erased.  When the store holds events the profile has the
        computed traits of :data:`unifyprofile.events.TRAIT_COLUMNS` too."""
        return _query.lookup(self._core, entity_id)

    def current_id(self, entity_id: str) -> str | None:
        """What an entity id is now: itself, the id it was merged into (followed to the
        end), or None when all its records were erased.

        Raises:
            StoreError: the id was never issued by this store.
        """
        return _query.current_id(self._core, entity_id)

    def entities_of(self, record_ids: Iterable[str]) -> dict[str, str]:
        """The entity each of ``record_ids`` is in now; ids not stored are left out."""
        return self._core.memberships(sorted(set(record_ids)))

    def timeline(self, entity_id: str) -> pd.DataFrame:
        """An entity's touchpoints in time order (an old id is followed through merges):
        the events of its records with their source, channel and source record id
        (:data:`unifyprofile.events.TIMELINE_COLUMNS`, as ``Result.timeline``); empty
        once the entity is erased.

        Raises:
            StoreError: the id was never issued by this store.
        """
        return _query.timeline(self._core, entity_id)

    def history(self, entity_id: str) -> pd.DataFrame:
        """Ledger events that name the entity (as subject or as the other side)."""
        return _query.history(self._core, entity_id)

    def clusters(self) -> pd.DataFrame:
        """``record_id``, ``entity_id`` of every stored record, sorted by record id."""
        return _query.clusters(self._core)

    def golden(self) -> pd.DataFrame:
        """Every active entity's golden profile (sorted by entity id), with the computed
        traits of its events when the store holds any (read from the events of its
        records now, so they follow merges, splits and erasure)."""
        return _query.golden(self._core)

    def records(self) -> pd.DataFrame:
        """Every stored record: raw and standardised columns, and its ``entity_id``."""
        return _query.records(self._core)

    def edges(self) -> pd.DataFrame:
        """The linked pairs: ``record_id_l``, ``record_id_r``, weight, probability, rule."""
        return _query.edges(self._core)

    def ledger(self) -> pd.DataFrame:
        """The whole id ledger."""
        return _query.ledger(self._core)

    def audit(self) -> pd.DataFrame:
        """The erasure log (counts only)."""
        return _query.audit(self._core)

    def stats(self) -> dict[str, int]:
        """Row counts of the main tables."""
        return _query.stats(self._core)
