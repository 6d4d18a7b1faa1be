"""Reading input: which config sources a ``data`` argument names, reading and
standardising their records (the ``Resolver``'s ``prepare`` with ``demote=False``),
dropping suppressed ones, and putting them in the form the store keeps."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeAlias

import pandas as pd

from unifyprofile import schema
from unifyprofile.config import Config, config_warnings
from unifyprofile.engines import LocalPipeline
from unifyprofile.errors import ConfigError
from unifyprofile.sources import Source, as_frame, is_table
from unifyprofile.store._codec import FIXED, decode, encode
from unifyprofile.store._core import StoreCore
from unifyprofile.store._suppress import Suppression

__all__ = ["Data", "as_stored", "match_source", "read", "sources_for"]

#: A table (pandas, Polars, PyArrow, DuckDB, ...: see :func:`unifyprofile.sources.is_table`),
#: a mapping of source name to table or path, a path, or None.
Data: TypeAlias = "Any | Mapping[str, Any] | str | Path | None"


def sources_for(core: StoreCore, data: Data, source: str | None
                ) -> tuple[list[Source], dict[str, pd.DataFrame]]:
    config = core.config
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


def read(core: StoreCore, data: Data, source: str | None = None
         ) -> tuple[pd.DataFrame, pd.DataFrame, list[str], list[str], pd.DataFrame]:
    """Standardised records (hub values not yet demoted) without the suppressed ones,
    rejects, notes, the ids of the suppressed records, and the events of the records
    kept (event sources only)."""
    sources, frames = sources_for(core, data, source)
    pipeline = LocalPipeline(core.config.with_sources(sources), progress=core.progress)
    records, table, _, _ = pipeline.prepare(frames or None, demote=False)
    notes = config_warnings(core.config) + list(table.notes)
    hit = Suppression(core.db.conn).hits(records)
    suppressed = sorted(records.loc[hit, schema.RECORD_ID].astype(str).tolist())
    events = table.events
    if suppressed:
        records = records[~hit].reset_index(drop=True)
        events = events[~events[schema.RECORD_ID].isin(suppressed)].reset_index(drop=True)
        notes.append(f"{len(suppressed):,} record(s) were not stored: an earlier erasure "
                     "suppressed them (store.unsuppress lifts it)")
    return records, table.rejects, notes, suppressed, events


def as_stored(core: StoreCore, records: pd.DataFrame
              ) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Records as the store keeps them (fixed columns and types) and their JSON."""
    context = core.context()
    columns = context.columns
    extra = sorted(set(records.columns) - set(columns) - set(FIXED))
    notes = []
    if extra:
        notes.append(f"column(s) {', '.join(extra)} were not in the data the store was "
                     "fitted on and are not kept; call store.build(refit=True) with "
                     "them present to add them")
    lines = encode(records, columns)
    stored = decode(zip(records[schema.RECORD_ID].astype(str), records[schema.SOURCE],
                        records[schema.SOURCE_RECORD_ID], lines, strict=True),
                    columns, context.dtypes)
    return stored, lines, notes


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
            updated_at=updated, events=None))  # records hold no event columns
        frames[str(name)] = part[[schema.SOURCE_RECORD_ID, *mine,
                                  *([updated] if updated else [])]].reset_index(drop=True)
    return sources, frames
