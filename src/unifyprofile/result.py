"""What a run returns: :class:`Result` (pandas tables, from the local engine) and the
interface every engine's result shares (:class:`RunResult`), with the writers of its
tables.

Tables follow the contracts in :mod:`unifyprofile.schema`; the Spark engine's result
(:class:`~unifyprofile.engines.spark.SparkResult`) holds the same tables as Spark
DataFrames.
"""

from __future__ import annotations

import dataclasses
import html
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from unifyprofile import schema
from unifyprofile.config import Config
from unifyprofile.errors import DataError
from unifyprofile.events import EVENT_COLUMNS, empty_events, timeline
from unifyprofile.graph import identity_graph
from unifyprofile.score import FellegiSunter
from unifyprofile.sources import LineCount

__all__ = ["TABLES", "Counts", "Result", "RunResult", "csv_ready", "has_events", "summarise",
           "write_csv", "write_model_and_summary", "write_parquet"]

#: The tables a result writes, in order (``events`` only when a source is an event source).
TABLES = ("clusters", "golden", "pairs", "rejects", "events")


@runtime_checkable
class RunResult(Protocol):
    """What every engine's result offers: the tables (pandas or Spark DataFrames), the
    model and config that made them, and the same four methods."""

    model: FellegiSunter
    config: Config
    notes: list[str]

    @property
    def links(self) -> Any:
        """Pairs that were linked."""

    def graph(self, entity_id: str | None = None) -> nx.Graph:
        """The identity graph (networkx), whole or of one entity."""

    def summary(self) -> dict[str, Any]:
        """Counts for a batch job's log."""

    def write(self, directory: str | Path, *, csv: bool = ...,
              tables: tuple[str, ...] = ...) -> list[Path]:
        """Write the tables, the model and the summary."""


@dataclass(frozen=True)
class Counts:
    """What a run's summary counts, however its engine counted it (pandas, Spark)."""

    records: dict[str, int]
    rejects: dict[str, int]
    candidate_pairs: int
    matches: int
    rule_matches: int
    #: Entities per number of records.
    cluster_sizes: dict[int, int]
    links_cut: int


def summarise(counts: Counts, *, model: FellegiSunter, notes: list[str],
              rows_read: dict[str, int], lines: dict[str, LineCount], hubs: pd.DataFrame,
              timings: dict[str, float], **extra: Any) -> dict[str, Any]:
    """A run's summary (``summary.json``), the same keys from every engine; ``extra``
    keys go before the timings."""
    sizes = counts.cluster_sizes
    diagnosis = getattr(model, "diagnosis_", None)
    return {
        "rows_read": dict(rows_read),
        "lines_read": {k: dataclasses.asdict(v) for k, v in lines.items()},
        "records": {str(k): int(v) for k, v in counts.records.items()},
        "rejects": int(sum(counts.rejects.values())),
        "rejects_by_source": {str(k): int(v) for k, v in counts.rejects.items()},
        "candidate_pairs": int(counts.candidate_pairs),
        "matches": int(counts.matches),
        "rule_matches": int(counts.rule_matches),
        "entities": int(sum(sizes.values())),
        "cluster_sizes": {str(int(k)): int(v) for k, v in sorted(sizes.items())},
        "largest_cluster": int(max(sizes, default=0)),
        "hub_values_demoted": int(len(hubs)),
        "links_cut_by_guards": int(counts.links_cut),
        **extra,
        "seconds": {k: round(v, 3) for k, v in timings.items()},
        "model_check": diagnosis.as_dict() if diagnosis is not None else None,
        "notes": list(notes),
    }


def write_model_and_summary(out: Path, model: FellegiSunter, summary: dict[str, Any]
                            ) -> list[Path]:
    """``model.json`` and ``summary.json`` in ``out``, the last files a result writes."""
    model.save(out / "model.json")
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return [out / "model.json", out / "summary.json"]


@dataclass(repr=False)
class Result:
    """What a run produced.  All tables follow the contracts in :mod:`unifyprofile.schema`."""

    records: pd.DataFrame
    clusters: pd.DataFrame
    golden: pd.DataFrame
    pairs: pd.DataFrame
    rejects: pd.DataFrame
    model: FellegiSunter
    config: Config
    notes: list[str] = field(default_factory=list)
    rows_read: dict[str, int] = field(default_factory=dict)
    lines: dict[str, LineCount] = field(default_factory=dict)
    hubs: pd.DataFrame = field(default_factory=pd.DataFrame)
    cut: pd.DataFrame = field(default_factory=pd.DataFrame)
    timings: dict[str, float] = field(default_factory=dict)
    #: The touchpoints of the event sources (:mod:`unifyprofile.events`); empty without.
    events: pd.DataFrame = field(default_factory=empty_events)

    def __repr__(self) -> str:
        entities = self.clusters[schema.ENTITY_ID].nunique() if len(self.clusters) else 0
        linked = int(self.pairs["linked"].sum()) if "linked" in self.pairs else 0
        return (f"Result(records={len(self.records):,}, entities={entities:,}, "
                f"pairs={len(self.pairs):,}, links={linked:,}, "
                f"rejects={len(self.rejects):,}, notes={len(self.notes)})")

    def _repr_html_(self) -> str:
        per_source = pd.DataFrame({
            "records": self.records[schema.SOURCE].value_counts(),
            "rejects": self.rejects[schema.SOURCE].value_counts()}).fillna(0).astype(int)
        per_source.index.name = "source"
        return (f"<p>{html.escape(repr(self))}</p>"
                + per_source.reset_index().to_html(index=False))

    @property
    def links(self) -> pd.DataFrame:
        """Pairs that were linked (a rule fired or the probability reached the threshold)."""
        return self.pairs[self.pairs["linked"]]

    def graph(self, entity_id: str | None = None) -> nx.Graph:
        """The identity graph as networkx: records as nodes (``entity_id``, ``source``),
        links as edges with their evidence (weight, probability, rule, comparison
        levels); with ``entity_id`` only that entity's part."""
        clusters = self.clusters
        if entity_id is not None:
            clusters = clusters[clusters[schema.ENTITY_ID] == entity_id]
        nodes = clusters.merge(self.records[[schema.RECORD_ID, schema.SOURCE]],
                               on=schema.RECORD_ID, how="left")
        return identity_graph(nodes, self.links.drop(columns=["i", "j", "linked"],
                                                     errors="ignore"))

    def timeline(self, entity_id: str) -> pd.DataFrame:
        """An entity's touchpoints in time order: the events of its records, each with
        its source and channel (columns :data:`unifyprofile.events.TIMELINE_COLUMNS`).

        Raises:
            DataError: no entity has this id.

        Examples:
            >>> import pandas as pd, unifyprofile as up
            >>> chats = pd.DataFrame({"id": ["1", "2"], "email": ["ann@x.org"] * 2,
            ...     "first": ["Ann"] * 2, "at": ["2024-05-02 10:00", "2024-05-01 09:00"]})
            >>> source = up.Source("chat", data=chats, id_column="id",
            ...     columns={"email": "email", "first_name": "first"},
            ...     events=up.Events(at="at", type_value="chat"))
            >>> rule = up.score.DeterministicRule.from_config({"name": "email",
            ...                                                "keys": ["email"]})
            >>> result = up.Resolver(up.Config(sources=(source,), rules=(rule,))).run()
            >>> entity = result.clusters["entity_id"].iloc[0]
            >>> result.timeline(entity)[["at", "source", "type", "record_id"]]
                                 at source  type record_id
            0  2024-05-01T09:00:00Z   chat  chat    chat:2
            1  2024-05-02T10:00:00Z   chat  chat    chat:1
        """
        clusters = self.clusters
        members = clusters.loc[clusters[schema.ENTITY_ID] == entity_id, schema.RECORD_ID]
        if not len(members):
            raise DataError(f"no entity {entity_id!r} in this result; entity ids are in "
                            "result.clusters['entity_id']")
        events = self.events
        return timeline(events[events[schema.RECORD_ID].isin(set(members.astype(str)))])

    def summary(self) -> dict[str, Any]:
        """Counts for a batch job's log."""
        if "record_count" in self.golden:
            sizes = self.golden["record_count"]  # one row per entity, counted already
        else:
            sizes = self.clusters.groupby(schema.ENTITY_ID).size()
        pairs = self.pairs
        counts = Counts(
            records=self.records[schema.SOURCE].value_counts().to_dict(),
            rejects=self.rejects[schema.SOURCE].value_counts().to_dict(),
            candidate_pairs=len(pairs),
            matches=int(pairs["linked"].sum()) if len(pairs) else 0,
            rule_matches=int(pairs["rule"].notna().sum()) if len(pairs) else 0,
            cluster_sizes={int(k): int(v) for k, v in sizes.value_counts().items()},
            links_cut=len(self.cut))
        return summarise(counts, model=self.model, notes=self.notes, rows_read=self.rows_read,
                         lines=self.lines, hubs=self.hubs, timings=self.timings)

    def write(self, directory: str | Path, *, csv: bool = True,
              tables: tuple[str, ...] = TABLES
              ) -> list[Path]:
        """Write the result tables as Parquet (and CSV), the model and a summary.

        Args:
            directory: created if missing.
            csv: also write each table as CSV (lists become JSON arrays).
            tables: which of clusters, golden, pairs, rejects and events to write
                (events only when a source of the config is an event source).

        Returns:
            The paths written, ``model.json`` and ``summary.json`` last.
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        available = {"clusters": self.clusters, "golden": self.golden,
                     "pairs": self.pairs.drop(columns=["i", "j"]), "rejects": self.rejects,
                     "events": self.events[list(EVENT_COLUMNS)]}
        written = []
        for name in tables:
            if name == "events" and not has_events(self.config):
                continue
            write_parquet(available[name], out / f"{name}.parquet")
            written.append(out / f"{name}.parquet")
            if csv:
                write_csv(csv_ready(available[name]), out / f"{name}.csv")
                written.append(out / f"{name}.csv")
        return [*written, *write_model_and_summary(out, self.model, self.summary())]


def has_events(config: Config) -> bool:
    """Whether a source of ``config`` is an event source (then a result has an events
    table and golden profiles have traits)."""
    return any(s.events is not None for s in config.sources)


def csv_ready(table: pd.DataFrame) -> pd.DataFrame:
    """Lists (collect-all fields) become JSON arrays so the CSV stays one value per cell."""
    out = table.copy()
    for column in out.columns:
        dtype = out[column].dtype
        arrow_list = isinstance(dtype, pd.ArrowDtype) and pa.types.is_list(dtype.pyarrow_dtype)
        if arrow_list or (dtype is np.dtype(object) and out[column].map(
                lambda v: isinstance(v, (list, np.ndarray))).any()):
            fast = _json_lists(out[column])
            out[column] = fast if fast is not None else [
                json.dumps([_plain(x) for x in v], ensure_ascii=False)
                if isinstance(v, (list, np.ndarray)) else v
                for v in out[column].tolist()]
    return out


_CONTROL = r"[\x00-\x1f]"


def _json_lists(column: pd.Series) -> pd.Series | None:
    """JSON arrays of a column of lists of text or times, built by Arrow (a million
    golden profiles' lists in a second, not ten); ``None`` for any other column, which
    :func:`csv_ready` writes value by value."""
    try:
        lists = pa.array(column, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    if isinstance(lists, pa.ChunkedArray):
        lists = lists.combine_chunks()
    if not pa.types.is_list(lists.type) or lists.offset:
        return None
    items = lists.flatten()
    if pa.types.is_timestamp(items.type):
        items = _times(items, "T")
    elif not pa.types.is_string(items.type) \
            or pc.any(pc.match_substring_regex(items, _CONTROL)).as_py():
        return None
    escaped = pc.replace_substring(pc.replace_substring(items, "\\", "\\\\"), '"', '\\"')
    quoted = pc.fill_null(pc.binary_join_element_wise('"', escaped, '"', ""), "null")
    rows = pa.ListArray.from_arrays(lists.offsets, quoted, mask=lists.is_null())
    text = pc.binary_join_element_wise("[", pc.binary_join(rows, ", "), "]", "")
    return pd.Series(text.to_pylist(), index=column.index, dtype=object)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def write_parquet(table: pd.DataFrame, path: Path) -> None:
    """Parquet without pandas' dtype metadata, so any reader (and pandas without the
    Arrow-backed dtypes) reads it back as plain columns."""
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    pq.write_table(arrow.replace_schema_metadata(None), path)


def write_csv(table: pd.DataFrame, path: Path) -> None:
    """CSV through Arrow's writer (eight times pandas' speed: a million records' pairs in
    five seconds, not forty), times as ``2024-03-12 10:00:00``; a column Arrow cannot
    type (mixed Python objects) falls back to pandas."""
    try:
        arrow = pa.Table.from_pandas(table, preserve_index=False)
        for k, column in enumerate(arrow.columns):
            if pa.types.is_timestamp(column.type):
                arrow = arrow.set_column(k, arrow.field(k).name, _times(column, " "))
        pa_csv.write_csv(arrow, path)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        table.to_csv(path, index=False)


def _times(column: pa.Array | pa.ChunkedArray, between: str) -> pa.Array | pa.ChunkedArray:
    """Times as text, ``2024-03-12 10:00:05`` (seconds as fractions only when some
    time has them; ``between`` the date and the time)."""
    zone = "%z" if column.type.tz else ""
    seconds = column.cast(pa.timestamp("s", tz=column.type.tz), safe=False)
    whole = pc.all(pc.equal(seconds.cast(column.type), column)).as_py() is not False
    return pc.strftime(seconds if whole else column,
                       format=f"%Y-%m-%d{between}%H:%M:%S{zone}")
