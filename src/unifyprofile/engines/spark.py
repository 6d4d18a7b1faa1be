"""The Spark engine: the local pipeline's stages, scheduled over a Spark cluster.

Nothing here decides whether two records match.  Every decision is made by the same stage
functions the local engine calls, run inside Spark on Arrow batches:

=============  ==================================================================
stage          how it is distributed
=============  ==================================================================
read           CSV / Parquet by ``spark.read``, then ``mapInArrow(map_rows)`` (the
               local reader's mapping); repeated ids by ``groupBy``; positions by a
               sort on (source, row).  JSONL and pandas tables: the local reader
standardise    ``mapInPandas(standardise)`` per partition of records
hub guard      distinct people per value by ``groupBy``; :func:`demote_hubs` on the
               rows of the few candidate values decides; ``isin`` nulls them
block          per rule, a self-join on :meth:`~unifyprofile.blocking.BlockingRule.values`
               (large blocks salted); a pair found by an earlier rule is dropped (same
               as local); ``link_only`` keeps pairs across the two sides
compare        both records joined to each pair; ``prepare(...).levels`` per batch
fit            pattern counts by ``groupBy`` -> :meth:`FellegiSunter.fit_counts`; u's
               random pairs drawn on the driver by record-id rank (as local)
score          ``mapInPandas(match_weight)`` with term frequencies counted by
               ``groupBy``; deterministic rules by ``prepare_rules(...).fired``
cluster        large-star / small-star connected components over DataFrames, then
               ``cogroup`` of edges and members by a hash bucket of the component ->
               ``cluster`` (guards) and ``clusters_table`` (entity ids)
golden         ``groupBy(hash bucket of entity_id).applyInPandas(merge)``
=============  ==================================================================

pyspark is optional: importing this module without it raises an ImportError that names
the ``unifyprofile[spark]`` extra.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa

from unifyprofile import schema
from unifyprofile import score as score_stage
from unifyprofile._log import log_notes
from unifyprofile.blocking import BlockingRule, link_sides
from unifyprofile.compare import (
    TF_PRIOR_PEOPLE,
    Comparison,
    NameComparison,
    given_keys,
    person_keys,
    spelled_shares,
    value_keys,
)
from unifyprofile.config import Config, config_warnings
from unifyprofile.engines._base import (
    Progress,
    Stopwatch,
    plan_blocking,
    plan_comparisons,
    sources_with_data,
    year_pivots,
)
from unifyprofile.errors import BlockingError, ConfigError, SourceError
from unifyprofile.golden import merge
from unifyprofile.graph import (
    cluster,
    clusters_table,
    constraint_columns,
    constraints,
    identity_graph,
)
from unifyprofile.result import TABLES, Counts, csv_ready, summarise, write_model_and_summary
from unifyprofile.score import (
    FellegiSunter,
    check_guard_names,
    decide,
    demote_hubs,
    fit_checked,
    held_out,
    kept_apart,
    link_bound,
    prepare_rules,
    separates,
    separator,
    trainable,
    weight_histogram,
)
from unifyprofile.sources import (
    Source,
    check_mapping,
    check_names,
    csv_file_dialect,
    empty_column_notes,
    empty_source_error,
    id_rejects,
    location,
    map_rows,
    read_source,
    unreadable_note,
    unreadable_rejects,
)
from unifyprofile.standardise import standardise
from unifyprofile.standardise.names import LOST_LETTER

try:
    from pyspark.sql import Column, DataFrame, SparkSession
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "the Spark engine needs pyspark: pip install 'unifyprofile[spark]'"
    ) from exc

__all__ = ["SparkEngine", "SparkPipeline", "SparkResult", "default_session"]

POS = "_pos"
#: Blocks with more records than this are salted (spread over several join tasks).
SALT_ABOVE = 20_000
#: The Spark setting that overrides :data:`SALT_ABOVE` (``--conf`` of spark-submit).
SALT_ABOVE_CONF = "spark.unifyprofile.saltAbove"
#: Rounds of large-star + small-star before giving up; each round at least roughly halves
#: the depth of every component's tree, so real graphs need well under 20 (docs/scaling.md).
_CC_MAX_ROUNDS = 64


@dataclass(repr=False)
class SparkResult:
    """What a Spark run produced: the local :class:`~unifyprofile.Result`'s
    tables as Spark DataFrames (``records``, ``clusters``, ``golden``, ``pairs``,
    ``rejects``) and the small one (``hubs``) as pandas."""

    records: DataFrame
    clusters: DataFrame
    golden: DataFrame
    pairs: DataFrame
    rejects: DataFrame
    model: FellegiSunter
    config: Config
    notes: list[str] = field(default_factory=list)
    rows_read: dict[str, int] = field(default_factory=dict)
    hubs: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Links the guards cut: ``i``, ``j``, ``weight``, ``reason``, ``record_id_l/_r``.
    cut: DataFrame | None = None
    timings: dict[str, float] = field(default_factory=dict)
    cc_rounds: int = 0

    @property
    def links(self) -> DataFrame:
        """Pairs that were linked."""
        return self.pairs.filter(F.col("linked"))

    def __repr__(self) -> str:
        return (f"SparkResult(tables=Spark DataFrames, model={self.model!r}, "
                f"notes={len(self.notes)})")

    def graph(self, entity_id: str | None = None) -> nx.Graph:
        """The identity graph as networkx, as :meth:`unifyprofile.Result.graph` draws it,
        collected to the driver: ask for one entity's part (``entity_id``) on a large
        run."""
        clusters = self.clusters
        if entity_id is not None:
            clusters = clusters.filter(F.col(schema.ENTITY_ID) == entity_id)
        nodes = clusters.join(self.records.select(schema.RECORD_ID, schema.SOURCE),
                              schema.RECORD_ID, "left")
        ids = nodes.select(schema.RECORD_ID)
        links = (self.links.drop("i", "j", "linked")
                 .join(ids.withColumnRenamed(schema.RECORD_ID, "record_id_l"), "record_id_l")
                 .join(ids.withColumnRenamed(schema.RECORD_ID, "record_id_r"), "record_id_r"))
        return identity_graph(_pandas(nodes), _pandas(links))

    def summary(self) -> dict[str, Any]:
        """Counts for a batch job's log (computed by Spark)."""
        sizes = self.clusters.groupBy(schema.ENTITY_ID).count()

        def per(frame: DataFrame, column: str) -> dict[Any, int]:
            return {r[0]: int(r[1]) for r in frame.groupBy(column).count().collect()}

        totals = _first(self.pairs.agg(
            F.count(F.lit(1)), F.sum(F.col("linked").cast("long")),
            F.sum(F.col("rule").isNotNull().cast("long"))))
        counts = Counts(
            records=per(self.records, schema.SOURCE), rejects=per(self.rejects, schema.SOURCE),
            candidate_pairs=int(totals[0] or 0), matches=int(totals[1] or 0),
            rule_matches=int(totals[2] or 0), cluster_sizes=per(sizes, "count"),
            links_cut=int(self.cut.count()) if self.cut is not None else 0)
        return summarise(counts, model=self.model, notes=self.notes, rows_read=self.rows_read,
                         lines={}, hubs=self.hubs, timings=self.timings,
                         connected_component_rounds=self.cc_rounds)

    def write(self, directory: str | Path, *, csv: bool = False,
              tables: tuple[str, ...] = TABLES) -> list[Path]:
        """Write the tables as Parquet directories (written by Spark), the model and a
        summary.

        Args:
            directory: created if missing (a local path: the model and summary are
                written by the driver).
            csv: also write each table as a CSV directory (``<table>.csv/part-*``) with
                a header; lists become JSON arrays, by the local result's own
                conversion.  Off by default: at the sizes Spark is for, Parquet is the
                output to read back.
            tables: which of clusters, golden, pairs, rejects to write.

        Returns:
            The paths written, ``model.json`` and ``summary.json`` last.
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        available = {"clusters": self.clusters, "golden": self.golden,
                     "pairs": self.pairs.drop("i", "j"), "rejects": self.rejects}
        for name in tables:
            if name not in available:  # events: never an event source on Spark
                continue
            path = out / f"{name}.parquet"
            available[name].write.mode("overwrite").parquet(str(path))
            written.append(path)
            if csv:
                path = out / f"{name}.csv"
                _csv_ready_frame(available[name]).write.mode("overwrite").option(
                    "header", "true").option("escape", '"').csv(str(path))
                written.append(path)
        return [*written, *write_model_and_summary(out, self.model, self.summary())]


#: The charsets Spark's CSV reader takes (Spark 4 refuses others).
SPARK_CHARSETS = frozenset({"iso-8859-1", "latin-1", "us-ascii", "utf-16", "utf-16be",
                            "utf-16le", "utf-32", "utf-8"})


def _spark_charset(source: Source, where: str, encoding: str) -> str:
    """``encoding`` as Spark's CSV reader takes it: Windows-1252 is read as Latin-1 when
    the file holds none of the characters where the two differ (bytes 0x80-0x9f: € – “ ”
    and a few more); otherwise, and for any other charset Spark lacks, an error that says
    what to do."""
    if encoding.lower() in SPARK_CHARSETS:
        return encoding
    if encoding.replace("-", "").lower() == "cp1252" and "://" not in where:
        with Path(where).open("rb") as file:
            while chunk := file.read(1 << 24):
                raw = np.frombuffer(chunk, dtype=np.uint8)
                if ((raw >= 0x80) & (raw <= 0x9F)).any():
                    break
            else:
                return "iso-8859-1"
    raise SourceError(
        f"source '{source.name}': {where} is in {encoding}, which Spark's CSV reader does "
        f"not read (it reads {', '.join(sorted(SPARK_CHARSETS))}); convert the file to "
        "UTF-8, or run it on the local engine")


def _csv_ready_frame(frame: DataFrame) -> DataFrame:
    """``frame`` with its array columns as JSON text (:func:`~unifyprofile.result.csv_ready`
    per batch)."""
    lists = [f.name for f in frame.schema.fields if isinstance(f.dataType, T.ArrayType)]
    if not lists:
        return frame
    struct = frame.schema
    out_schema = T.StructType([T.StructField(f.name, T.StringType(), True) if f.name in lists
                               else f for f in struct.fields])
    tz = str(frame.sparkSession.conf.get("spark.sql.session.timeZone") or "UTC")

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            ready = csv_ready(_from_arrow(batch, struct, tz))
            yield _to_arrow_ready(ready, out_schema)

    return frame.mapInPandas(run, out_schema)


# ------------------------------------------------------------------- arrow plumbing


def _pandas(frame: DataFrame) -> pd.DataFrame:
    """A small Spark result on the driver (counts, samples, reports)."""
    return cast(pd.DataFrame, frame.toPandas())


def _first(frame: DataFrame) -> Any:
    row = frame.first()
    if row is None:  # an aggregate without groups always has a row
        raise RuntimeError("Spark returned no row for an aggregate")
    return row


def _python_objects(values: pd.Series) -> pd.Series:
    """An Arrow-backed column as plain Python objects (None for nulls), as Spark expects."""
    if isinstance(values.dtype, pd.ArrowDtype) and not pd.api.types.is_bool_dtype(values.dtype):
        arrow = values.array._pa_array  # noqa: SLF001
        return pd.Series(arrow.to_pylist(), index=values.index, dtype=object)
    return values


def _spark_type(values: pd.Series) -> T.DataType:
    values = _python_objects(values)
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return T.BooleanType()
    if pd.api.types.is_integer_dtype(dtype):
        return T.LongType()
    if pd.api.types.is_float_dtype(dtype):
        return T.DoubleType()
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return T.TimestampType()
    present = values.dropna()
    if len(present):
        first = present.iloc[0]
        if isinstance(first, (list, tuple, np.ndarray)):
            elements = [x for v in present for x in v if x is not None]
            if elements and isinstance(elements[0], datetime):
                return T.ArrayType(T.TimestampType())
            return T.ArrayType(T.StringType())
        if isinstance(first, (bool, np.bool_)):
            return T.BooleanType()
        if isinstance(first, pd.Timestamp):
            return T.TimestampType()
    return T.StringType()


def _schema_of(table: pd.DataFrame) -> T.StructType:
    return T.StructType([T.StructField(str(c), _spark_type(table[c]), True)
                         for c in table.columns])


def _to_arrow_ready(table: pd.DataFrame, struct: T.StructType) -> pd.DataFrame:
    """Coerce a pandas batch to the declared schema (Arrow is strict about types)."""
    out = {}
    for f in struct.fields:
        values = _python_objects(table[f.name]) if f.name in table.columns else pd.Series(
            [None] * len(table), index=table.index, dtype=object)
        kind = f.dataType
        if isinstance(kind, T.StringType):
            values = values.astype(object).map(
                lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v))
                else str(v))
        elif isinstance(kind, T.ArrayType):
            element = (lambda x: x if isinstance(x, pd.Timestamp) else pd.Timestamp(x)) \
                if isinstance(kind.elementType, T.TimestampType) else str
            values = values.map(
                lambda v, element=element: None if v is None or (np.ndim(v) == 0 and pd.isna(v))
                else [None if x is None or x is pd.NaT else element(x) for x in list(v)])
        elif isinstance(kind, T.BooleanType):
            values = values.astype("boolean")
        elif isinstance(kind, T.TimestampType):
            values = pd.to_datetime(values, utc=True)
        out[f.name] = values
    return pd.DataFrame(out, index=table.index)


def _from_arrow(table: pd.DataFrame, struct: T.StructType, tz: str = "UTC") -> pd.DataFrame:
    """Undo what Arrow did to a pandas batch: arrays back to lists, booleans nullable,
    timestamps (naive, in the session time zone ``tz``) back to UTC."""
    table = table.copy()
    for f in struct.fields:
        if f.name not in table.columns:
            continue
        if isinstance(f.dataType, T.ArrayType):
            table[f.name] = table[f.name].map(
                lambda v: None if v is None else list(v))
        elif isinstance(f.dataType, T.BooleanType):
            table[f.name] = table[f.name].astype("boolean")
        elif isinstance(f.dataType, T.TimestampType):
            stamps = pd.to_datetime(table[f.name])
            if stamps.dt.tz is None:
                stamps = stamps.dt.tz_localize(tz)
            table[f.name] = stamps.dt.tz_convert("UTC")
    return table


# ------------------------------------------------------------------- the run


def _who() -> Column:
    """The person a record counts as for people-counted term frequencies: its person key,
    or the record itself where it has none (as the local engine counts)."""
    return F.coalesce(F.col("_person"),
                      F.concat(F.lit("#"), F.col(POS).cast("string"))).alias("_who")


class SparkPipeline:
    """One Spark run of ``config``: its stages as Spark jobs, callable one at a time
    (as :class:`~unifyprofile.engines.LocalPipeline`'s are locally), timed on one clock.

    Args:
        config: what to run.
        spark: the session.
        model: a fitted model to score with instead of fitting one.
        progress: called as ``progress(stage, done, total)`` while stages run.
        salt_above: blocks with more records are salted (default: the session's
            ``spark.unifyprofile.saltAbove``, else :data:`SALT_ABOVE`).
    """

    def __init__(self, config: Config, spark: SparkSession, *,
                 model: FellegiSunter | None = None, progress: Progress | None = None,
                 salt_above: int | None = None) -> None:
        self.config = config
        self.model = model
        self.spark = spark
        if salt_above is None:
            salt_above = int(spark.conf.get(SALT_ABOVE_CONF, None) or SALT_ABOVE)
        if salt_above < 1:
            raise ConfigError(f"salt_above must be at least 1 (got {salt_above})")
        self.salt_above = salt_above
        self.clock = Stopwatch(progress)
        self.tz = str(spark.conf.get("spark.sql.session.timeZone") or "UTC")

    # ---------------------------------------------------------------- read
    def read(self, data: Mapping[str, Any] | None
             ) -> tuple[DataFrame, DataFrame, list[str], dict[str, int], list[Source]]:
        """Records of every source (``_pos`` in the local engine's order: sources in
        config order, rows in row order), rejects, notes and rows read per source."""
        sources = sources_with_data(self.config, data)
        check_names(sources)
        records: list[DataFrame] = []
        rejects: list[DataFrame] = []
        notes: list[str] = []
        rows_read: dict[str, int] = {}
        for index, source in enumerate(sources):
            mine, bad, more, n = self._read_source(source)
            records.append(mine.withColumn("_src", F.lit(index)))
            rejects.append(bad)
            notes += more
            rows_read[source.name] = n
        table = records[0]
        for more_records in records[1:]:
            # Fields in the order the sources bring them, as the local reader's concat.
            table = table.unionByName(more_records, allowMissingColumns=True)
        table, _ = _index(table, ["_src", "source_row"], POS)
        out = rejects[0]
        for more_rejects in rejects[1:]:
            out = out.unionByName(more_rejects)
        return table.drop("_src"), out, notes, rows_read, sources

    def _read_source(self, source: Source) -> tuple[DataFrame, DataFrame, list[str], int]:
        """One source's records, rejects, notes and rows read.  Parquet and CSV files and
        Spark DataFrames are read by Spark and mapped by :func:`map_rows` per Arrow batch;
        pandas tables and JSONL files by the local reader on the driver."""
        base_dir = self.config.base_dir
        fmt = source.resolved_format
        unreadable: str | None = None
        found: list[str] = []
        if isinstance(source.data, DataFrame):
            raw, where = source.data, "Spark DataFrame"
        elif source.data is None and source.path is not None and fmt in ("csv", "parquet"):
            where = location(source, base_dir)
            if "://" not in where and not Path(where).is_file():
                raise SourceError(f"source '{source.name}': file not found: {where}")
            raw, unreadable, found = self._load(source, where, fmt)
        else:
            table = read_source(source, base_dir)
            struct = _schema_of(table.records)
            return (self.spark.createDataFrame(_to_arrow_ready(table.records, struct), struct),
                    self.spark.createDataFrame(table.rejects, _REJECTS_SCHEMA),
                    table.notes, table.rows_read[source.name])
        raw, total = _index(raw, None, "_row")
        raw = raw.withColumn("_row", F.col("_row") + 1)  # 1-based, header excluded
        if total == 0:
            raise empty_source_error(source, where)
        # What the workers need of the source: not its DataFrame (a driver-only object).
        source = replace(source, data=None)
        if unreadable is not None:
            def unread(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
                for batch in batches:
                    yield unreadable_rejects(source, batch["_row"].to_numpy(),
                                             batch["text"].tolist())

            bad = raw.filter(F.col(unreadable).isNotNull()).select(
                "_row", F.col(unreadable).alias("text")).mapInPandas(unread, _REJECTS_SCHEMA)
            raw = raw.filter(F.col(unreadable).isNull()).drop(unreadable)
        else:
            bad = self.spark.createDataFrame([], _REJECTS_SCHEMA)
        check_mapping(source, where, [c for c in raw.columns if c != "_row"])
        floats = [f.name for f in raw.schema.fields
                  if isinstance(f.dataType, (T.DoubleType, T.FloatType))]
        integral: dict[str, bool] = {}
        if floats:
            # Whether a float column holds whole numbers only is decided over the whole
            # source (the local reader sees it at once), then given to every batch.
            finite = {c: F.col(c).isNotNull() & ~F.isnan(c) for c in floats}
            row = _first(raw.agg(*[F.min(F.when(finite[c], (F.col(c) % 1 == 0).cast("int")))
                                   for c in floats]))
            integral = {c: row[n] == 1 for n, c in enumerate(floats)}
        mapped_schema = _mapped_schema(source)
        arrow_schema = _arrow_schema(mapped_schema)

        def mapping(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
            for batch in batches:
                if not batch.num_rows:
                    continue
                frame = pa.Table.from_batches([batch]).to_pandas(types_mapper=pd.ArrowDtype)
                rows = frame.pop("_row").to_numpy(dtype=np.int64)
                out = map_rows(source, frame, rows, integral=integral)
                yield pa.RecordBatch.from_pandas(out[mapped_schema.fieldNames()],
                                                 schema=arrow_schema, preserve_index=False)

        mapped = raw.mapInArrow(mapping, mapped_schema).localCheckpoint()
        ids = F.col(schema.SOURCE_RECORD_ID)
        # The first row of an id (by row number) keeps it, as in the local reader.
        repeated = (mapped.filter(ids.isNotNull()).groupBy(schema.SOURCE_RECORD_ID)
                    .agg(F.min("source_row").alias("_first"), F.count(F.lit(1)).alias("_n"))
                    .filter(F.col("_n") > 1).drop("_n"))
        flagged = mapped.join(repeated, schema.SOURCE_RECORD_ID, "left").withColumn(
            "_dup", F.coalesce(F.col("source_row") != F.col("_first"), F.lit(False)))

        def reject(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
            for batch in batches:
                yield id_rejects(source, batch, batch["_dup"].to_numpy(dtype=bool))

        bad = bad.unionByName(
            flagged.filter(ids.isNull() | F.col("_dup"))
            .select("source_row", schema.SOURCE_RECORD_ID, "_dup")
            .mapInPandas(reject, _REJECTS_SCHEMA))
        fields = list(source.mapping)
        counts = _first(mapped.agg(F.count(F.lit(1)), *[F.count(F.col(c)) for c in fields]))
        notes = found + empty_column_notes(
            source, int(counts[0]), {c: int(counts[n + 1]) for n, c in enumerate(fields)})
        if int(counts[0]) == 0:
            notes.append(unreadable_note(source, where, total))
        records = flagged.filter(ids.isNotNull() & ~F.col("_dup")).select(
            *mapped_schema.fieldNames())
        return records, bad, notes, total

    def _load(self, source: Source, where: str, fmt: str
              ) -> tuple[DataFrame, str | None, list[str]]:
        """A CSV or Parquet file as a Spark DataFrame; for CSV every column a string, the
        name of the column that holds the raw text of rows that cannot be parsed, and the
        notes on what reading found (a delimiter, an encoding)."""
        if fmt == "parquet":
            return self.spark.read.parquet(where), None, []
        # As the local reader: the encoding and delimiter not given are found in the
        # file's head.
        encoding, delimiter, notes = csv_file_dialect(source, where)
        encoding = _spark_charset(source, where, encoding)
        # Quoted values may hold newlines, "" is a quote inside quotes.  A file with
        # newlines in values cannot be split at arbitrary bytes, so one task parses each
        # CSV file (Parquet is read in parallel; docs/scaling.md).
        options = {"header": "true", "multiLine": "true", "escape": '"', "sep": delimiter,
                   "encoding": encoding, "mode": "PERMISSIVE"}
        try:
            names = self.spark.read.options(**options).csv(where).columns
        except Exception as exc:  # Spark's own errors (Py4J, analysis) vary by version
            raise SourceError(f"source '{source.name}': cannot read csv file {where}: "
                              f"{str(exc).splitlines()[0]}") from exc
        unreadable = "_unreadable"
        while unreadable in names:
            unreadable += "_"
        struct = T.StructType([T.StructField(n, T.StringType(), True) for n in names]
                              + [T.StructField(unreadable, T.StringType(), True)])
        frame = self.spark.read.options(**options, columnNameOfCorruptRecord=unreadable) \
            .schema(struct).csv(where)
        return frame, unreadable, notes

    # ---------------------------------------------------------------- standardise
    def standardise(self, raw: DataFrame, sources: list[Source]) -> DataFrame:
        by_name = {s.name: s for s in sources}
        regions = {n: s.default_region for n, s in by_name.items()}
        dayfirst = {n: bool(s.dayfirst) for n, s in by_name.items()}
        pivots = {n: s.year_pivot for n, s in by_name.items()}
        placeholders = dict(self.config.guards.placeholders)
        phone_fields = self.config.phone_fields
        id_fields = self.config.id_fields
        tz = self.tz

        def std(batch: pd.DataFrame) -> pd.DataFrame:
            src = batch[schema.SOURCE]
            return standardise(batch, region=src.map(regions),
                               dayfirst=src.map(dayfirst).astype(bool),
                               year_pivot=year_pivots(src, pivots),
                               id_fields=id_fields, phone_fields=phone_fields,
                               placeholders=placeholders)

        in_schema = raw.schema
        # The columns standardise adds depend on the columns, not the values: learn them
        # (and their types) from a sample.
        sample = std(_from_arrow(_pandas(raw.filter(F.col(POS) < 200).orderBy(POS)),
                                 in_schema, tz).reset_index(drop=True))
        out_schema = _schema_of(sample)
        for f in out_schema.fields:  # a column that is null throughout the sample
            if f.name in in_schema.fieldNames():
                f.dataType = in_schema[f.name].dataType

        def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
            for batch in batches:
                if len(batch):
                    yield _to_arrow_ready(std(_from_arrow(batch, in_schema, tz)
                                              .reset_index(drop=True)), out_schema)

        parts = max(self.spark.sparkContext.defaultParallelism, self.n_records // 200_000)
        return raw.repartition(parts).mapInPandas(run, out_schema)

    # ---------------------------------------------------------------- hubs
    def demote_hubs(self, records: DataFrame) -> tuple[DataFrame, pd.DataFrame]:
        guards = self.config.guards
        people = "first_name_nick"
        empty = pd.DataFrame(columns=["field", "value", "records", "people"])
        if people not in records.columns:
            return records, empty
        reports = []
        for field_name in guards.hub_fields:
            column = schema.std(field_name)
            if column not in records.columns:
                continue
            # Only a value with more distinct people than the limit can be a hub; the
            # existing guard decides on those values' rows alone.
            both = records.filter(F.col(column).isNotNull() & F.col(people).isNotNull())
            per_value = both.groupBy(column).agg(F.countDistinct(people).alias("n"))
            typical = 0.0
            if field_name in score_stage.SHARED_FIELDS:  # from the field-type registry
                typical = float((per_value.approxQuantile("n", [0.5], 0.001) or [0.0])[0])
            suspects = (per_value.filter(F.col("n") > guards.people_limit(field_name, typical))
                        .select(column))
            rows = _pandas(records.join(F.broadcast(suspects), column, "left_semi").select(
                column, people))
            if not len(rows):
                continue
            counts = _pandas(records.join(F.broadcast(suspects), column, "left_semi").groupBy(
                column).count())
            _, report = demote_hubs(rows, guards.__class__(
                **{**{f: getattr(guards, f) for f in guards.__dataclass_fields__},
                   "hub_fields": (field_name,)}), typical={field_name: typical})
            if not len(report):
                continue
            report["records"] = report["value"].map(
                dict(zip(counts[column], counts["count"], strict=True))).astype(int)
            reports.append(report)
            hubs = report["value"].tolist()
            flag = schema.flag(field_name)
            hit = F.col(column).isin(hubs)
            if flag not in records.columns:
                records = records.withColumn(flag, F.lit(None).cast("string"))
            records = records.withColumn(flag, F.when(hit, F.lit("hub")).otherwise(F.col(flag)))
            records = records.withColumn(column, F.when(hit, F.lit(None)).otherwise(
                F.col(column)))
        report_all = pd.concat(reports, ignore_index=True) if reports else empty
        return records, report_all

    # ---------------------------------------------------------------- sides
    def sides(self, records: DataFrame) -> dict[str, int] | None:
        """Source -> side (0/1) for ``link_only``, as the local engine assigns them (by
        :func:`~unifyprofile.blocking.link_sides`); None when deduplicating."""
        if self.config.link_type == "dedupe":
            return None
        first = records.groupBy(schema.SOURCE).agg(F.min(POS).alias("first")).orderBy("first")
        names = [str(r[0]) for r in first.collect()]
        side = link_sides(pd.DataFrame({schema.SOURCE: names}), self.config.link_type)
        assert side is not None
        return {name: int(v) for name, v in zip(names, side, strict=True)}

    # ---------------------------------------------------------------- keys
    def keys(self, records: DataFrame, rules: list[BlockingRule],
             comparisons: list[Comparison], sides: Mapping[str, int] | None = None
             ) -> DataFrame:
        """Per record: position, one string per blocking rule (null if any key is null),
        the value key of each comparison (exact agreement and term frequency: see
        :func:`~unifyprofile.compare.value_keys`) and, for a link task
        (``sides``: source -> 0/1), the record's ``_side``."""
        struct = records.schema
        tz = self.tz
        tf = [n for n, c in enumerate(comparisons) if c.tf_adjust]
        people = any(comparisons[n].tf_counts_people for n in tf)
        given = [n for n in tf if getattr(comparisons[n], "tf_given", None)]
        out_schema = T.StructType(
            [T.StructField(POS, T.LongType(), False)]
            + [T.StructField(f"k{n}", T.StringType(), True) for n in range(len(rules))]
            + [T.StructField(f"vkey{n}", T.StringType(), True) for n in range(len(comparisons))]
            + [T.StructField(f"tfgiven{n}", T.StringType(), True) for n in given]
            + ([T.StructField("_person", T.StringType(), True)] if people else [])
            + ([T.StructField("_side", T.IntegerType(), False)] if sides is not None else []))

        def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
            for batch in batches:
                batch = _from_arrow(batch, struct, tz).reset_index(drop=True)
                cols: dict[str, Any] = {POS: batch[POS].to_numpy(dtype=np.int64)}
                for n, rule in enumerate(rules):
                    cols[f"k{n}"] = rule.values(batch)
                for n, comparison in enumerate(comparisons):
                    cols[f"vkey{n}"] = value_keys(batch, comparison)
                for n in given:
                    cols[f"tfgiven{n}"] = given_keys(batch, comparisons[n])
                if people:
                    cols["_person"] = person_keys(batch)
                if sides is not None:
                    cols["_side"] = batch[schema.SOURCE].map(sides).to_numpy(dtype=np.int32)
                yield pd.DataFrame(cols)

        return records.mapInPandas(run, out_schema)

    # ---------------------------------------------------------------- block
    def block(self, keys: DataFrame, rules: list[BlockingRule]) -> DataFrame:
        """Candidate pairs ``i < j`` of every rule (the first rule that finds a pair keeps
        it, as in the local engine), with the rule's index and the bit mask of the rules
        whose blocks hold both records (``sessions``, for EM).  With ``link_only``
        (``keys`` has ``_side``) only pairs across the two sides.  A block larger than
        ``salt_above`` records is salted: see :meth:`_salted_pairs`."""
        limit = self.config.max_pairs_per_rule
        rule_cols = [f"k{n}" for n in range(len(rules))]
        link = "_side" in keys.columns
        if limit is not None:
            for n, rule in enumerate(rules):
                c = rule_cols[n]
                present = keys.filter(F.col(c).isNotNull())
                if link:
                    sizes = present.groupBy(c).agg(
                        F.count(F.lit(1)).alias("count"),
                        (F.sum((F.col("_side") == 0).cast("long"))
                         * F.sum((F.col("_side") == 1).cast("long"))).alias("pairs"))
                else:
                    sizes = present.groupBy(c).count().withColumn(
                        "pairs", F.col("count") * (F.col("count") - 1) / 2)
                row = _first(sizes.agg(F.sum("pairs"), F.max("count")))
                count = int(row[0] or 0)
                if count > limit:
                    raise BlockingError(
                        f"blocking rule '{rule.name}' would produce {count:,} candidate pairs, "
                        f"more than max_pairs_per_rule = {limit:,} (its largest block has "
                        f"{int(row[1]):,} records). Add a key to the rule (e.g. "
                        f"[\"{rule.name.split(' & ')[0]}\", \"dob:year\"]), remove it, or "
                        "raise max_pairs_per_rule under [blocking]")
        side = keys.select(POS, *rule_cols, *(["_side"] if link else []))
        mask = sum((F.coalesce(F.col(f"l_{c}") == F.col(f"r_{c}"), F.lit(False))
                    .cast("long") * (1 << m) for m, c in enumerate(rule_cols)), F.lit(0))
        found = []
        for n, c in enumerate(rule_cols):
            present = side.filter(F.col(c).isNotNull())
            big = (present.groupBy(c).count().filter(F.col("count") > self.salt_above)
                   .select(c, F.ceil(F.col("count") / F.lit(self.salt_above)).cast("long")
                           .alias("_salts")))
            if big.limit(1).count():
                big = F.broadcast(big.localCheckpoint())
                pairs = _self_join(present.join(big, c, "left_anti"), c).unionByName(
                    _salted_pairs(present.join(big, c), c))
            else:
                pairs = _self_join(present, c)
            if link:
                pairs = pairs.filter(F.col("l__side") != F.col("r__side"))
            for earlier in rule_cols[:n]:  # first rule wins, as in the local engine
                pairs = pairs.filter(~F.coalesce(F.col(f"l_{earlier}") == F.col(f"r_{earlier}"),
                                                 F.lit(False)))
            found.append(pairs.select(F.col(f"l_{POS}").alias("i"), F.col(f"r_{POS}").alias("j"),
                                      F.lit(n).cast("int").alias("blocking"),
                                      mask.alias("sessions")))
        out = found[0]
        for more in found[1:]:
            out = out.unionByName(more)
        return out

    # ---------------------------------------------------------------- compare
    def levels(self, pairs: DataFrame, records: DataFrame, comparisons: list[Comparison],
               extra: list[str]) -> DataFrame:
        """Comparison levels (and the rule that fired) of ``pairs`` (``i``, ``j``, ...)."""
        rules = self.config.rules
        records = records.select(POS, *_read_by(records.columns, comparisons, rules))
        struct = records.schema
        names = [f.name for f in struct.fields]
        tz = self.tz
        joined = (pairs.join(records.select(*[F.col(c).alias(f"l_{c}") for c in names]),
                             F.col("i") == F.col(f"l_{POS}"))
                  .join(records.select(*[F.col(c).alias(f"r_{c}") for c in names]),
                        F.col("j") == F.col(f"r_{POS}")))
        keep = ["i", "j", *extra]
        out_schema = T.StructType(
            [pairs.schema[c] for c in keep]
            + [T.StructField(f"lv{n}", T.ByteType(), False) for n in range(len(comparisons))]
            + [T.StructField("fired", T.IntegerType(), False)])

        def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
            for batch in batches:
                m = len(batch)
                if not m:
                    continue
                both = pd.concat(
                    [batch[[f"l_{c}" for c in names]].set_axis(names, axis=1),
                     batch[[f"r_{c}" for c in names]].set_axis(names, axis=1)],
                    ignore_index=True)
                both = _from_arrow(both, struct, tz)
                a, b = np.arange(m), np.arange(m, 2 * m)
                out = {c: batch[c].to_numpy() for c in keep}
                for n, comparison in enumerate(comparisons):
                    out[f"lv{n}"] = comparison.prepare(both).levels(a, b)
                out["fired"] = (prepare_rules(both, rules).fired(a, b).astype(np.int32)
                                if rules else np.full(m, -1, dtype=np.int32))
                yield pd.DataFrame(out)

        return joined.mapInPandas(run, out_schema)

    # ---------------------------------------------------------------- fit
    def fit(self, pairs: DataFrame, records: DataFrame, n: int, rules: list[BlockingRule],
            comparisons: list[Comparison], keys: DataFrame, frequencies: DataFrame,
            sides: tuple[int, int] | None = None, max_matches: int | None = None
            ) -> FellegiSunter:
        """The model from pattern counts, checked and refitted as the local engine does
        (:func:`~unifyprofile.score.fit_checked`); ``sides``: records per side of a link
        task (``keys`` then holds each record's ``_side``); ``max_matches``: the most
        pairs the link can hold (:func:`~unifyprofile.score.link_bound`)."""
        config = self.config
        model = FellegiSunter(comparisons, seed=config.seed)
        lv = [f"lv{k}" for k in range(len(comparisons))]
        counted = _pandas(pairs.groupBy(*lv, "sessions").count())
        patterns = counted[lv].to_numpy(dtype=np.int64).reshape(-1, len(lv))
        counts = counted["count"].to_numpy(dtype=np.int64)
        masks = counted["sessions"].to_numpy(dtype=np.int64)
        sessions = []
        allowed = trainable(patterns.astype(np.int8), comparisons, config.guards, counts)
        for s, rule in enumerate(rules):
            hit = ((masks >> s) & 1 == 1) & allowed
            sessions.append((patterns[hit], counts[hit], held_out(rule, comparisons)))
        # u: the same random pairs as the local engine, by rank of record id (for a link
        # task: within each side, the right side's ranks after the left's).
        if sides is None:
            ri, rj = model.random_ranks(n)
            ranks = _ranks(records.select(POS, schema.RECORD_ID), schema.RECORD_ID)
            total_pairs = n * (n - 1) // 2
        else:
            ri, rj = model.random_ranks(n, sides)
            rj = rj + sides[0]
            ranked, _ = _index(records.select(POS, schema.RECORD_ID).join(
                keys.select(POS, "_side"), POS), ["_side", schema.RECORD_ID], "rank")
            ranks = ranked.select("rank", POS)
            total_pairs = sides[0] * sides[1]
        draws = self.spark.createDataFrame(
            pd.DataFrame({"ri": ri.astype(np.int64), "rj": rj.astype(np.int64)}))
        random = (draws.join(ranks.withColumnRenamed("rank", "ri")
                             .withColumnRenamed(POS, "pi"), "ri")
                  .join(ranks.withColumnRenamed("rank", "rj").withColumnRenamed(POS, "pj"), "rj")
                  .filter(F.col("pi") != F.col("pj"))
                  .select(F.least("pi", "pj").alias("i"), F.greatest("pi", "pj").alias("j")))
        sample = _pandas(self.levels(random, records, comparisons, []).groupBy(*lv).count())
        inputs = ((sample[lv].to_numpy(dtype=np.int64), sample["count"].to_numpy(np.int64)),
                  (patterns, counts), sessions, total_pairs,
                  self.agreement(keys, comparisons, link=sides is not None))

        def fit_one(candidate_u: bool, held: bool) -> FellegiSunter:
            return FellegiSunter(comparisons, seed=config.seed, candidate_u=candidate_u,
                                 max_matches=max_matches if held else None
                                 ).fit_counts(*inputs)

        # The check reads patterns (pairs per pattern) and the pairs each model links.
        by_pattern = counted.groupby(lv, sort=True)["count"].sum().reset_index()
        tf = [k for k, c in enumerate(comparisons) if c.tf_adjust]
        probe = pairs.select("i", *lv)
        if tf:
            probe = probe.join(frequencies.withColumnRenamed(POS, "i"), "i", "left")
        linked_schema = T.StructType([*(probe.schema[c] for c in lv),
                                      T.StructField("linked", T.LongType(), False)])
        threshold = config.threshold

        def weights(fitted: FellegiSunter, batch: pd.DataFrame) -> np.ndarray:
            freqs = [batch[f"tf{k}"].to_numpy(np.float64) if k in tf else None
                     for k in range(len(comparisons))]
            return fitted.match_weight(batch[lv].to_numpy(np.int8), freqs)

        def links(fitted: FellegiSunter) -> np.ndarray:
            def count(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
                for batch in batches:
                    histogram = weight_histogram(weights(fitted, batch))
                    present = np.flatnonzero(histogram)
                    yield pd.DataFrame({"bin": present, "n": histogram[present]})

            counted = _pandas(probe.mapInPandas(count, "bin long, n long").groupBy("bin")
                              .agg(F.sum("n").alias("n")))
            histogram = np.zeros(len(weight_histogram(np.zeros(0))), dtype=np.int64)
            histogram[counted["bin"].to_numpy(np.int64)] = counted["n"].to_numpy(np.int64)
            fitted.fit_lambda_to(histogram, total_pairs)

            def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
                for batch in batches:
                    weight = weights(fitted, batch)
                    out = batch[lv].copy()
                    out["linked"] = (fitted.match_probability(weight) >= threshold
                                     ).astype(np.int64)
                    yield out

            linked = _pandas(probe.mapInPandas(run, linked_schema).groupBy(*lv)
                             .agg(F.sum("linked").alias("linked")))
            return by_pattern[lv].merge(linked, on=lv, how="left")["linked"].fillna(
                0).to_numpy(np.int64)

        fitted, diagnosis, notes = fit_checked(
            fit_one, links, by_pattern[lv].to_numpy(np.int64), total_pairs,
            by_pattern["count"].to_numpy(np.int64), max_links=max_matches)
        fitted.diagnosis_ = diagnosis
        fitted.notes_ = notes
        return fitted

    @staticmethod
    def agreement(keys: DataFrame, comparisons: list[Comparison], link: bool
                  ) -> list[tuple[int, int]]:
        """Per comparison, the pairs that agree exactly and the pairs where both records
        hold a value, as :func:`~unifyprofile.score.agreement_counts` counts them
        locally: from the value keys, all comparisons in one job."""
        side = F.col("_side") if link else F.lit(0)
        values = None
        for n in range(len(comparisons)):
            part = (keys.select(F.lit(n).alias("c"), F.col(f"vkey{n}").alias("v"),
                                side.alias("s"))
                    .filter(F.col("v").isNotNull()))
            values = part if values is None else values.unionByName(part)
        if values is None:
            return []
        per_value = values.groupBy("c", "v").agg(
            F.sum((F.col("s") == 0).cast("long")).alias("l"),
            F.sum((F.col("s") == 1).cast("long")).alias("r"))
        agree = F.expr("l * r") if link else F.expr("l * (l - 1) div 2")
        found = {row["c"]: row for row in per_value.groupBy("c").agg(
            F.sum(agree).alias("a"), F.sum("l").alias("l"), F.sum("r").alias("r")).collect()}
        out = []
        for n in range(len(comparisons)):
            row = found.get(n)
            if row is None:  # no record holds a value
                out.append((0, 0))
                continue
            left, right = int(row["l"]), int(row["r"])
            out.append((int(row["a"]), left * right if link else left * (left - 1) // 2))
        return out

    # ---------------------------------------------------------------- score
    def frequencies(self, keys: DataFrame, comparisons: list[Comparison]) -> DataFrame:
        """``(_pos, tf<n>...)``: per record, the term frequency of its value for each
        TF-adjusted comparison ``n``, as the local engine's prepared comparisons count
        it: the share of non-null records holding it, or, where the comparison counts
        people, of the people (records sharing a person key count once)."""
        out = keys.select(POS)
        for n, comparison in enumerate(comparisons):
            if not comparison.tf_adjust:
                continue
            col = f"vkey{n}"
            present = keys.filter(F.col(col).isNotNull())
            if comparison.tf_counts_people:
                present = present.select(col, _who()).distinct()
            total = present.count()
            freq = present.groupBy(col).count().select(
                col, (F.col("count") / F.lit(float(max(total, 1)))).alias(f"tf{n}"))
            per_record = keys.select(POS, col).join(freq, col, "left")
            if getattr(comparison, "tf_given", None):
                per_record = self._within_given(keys, n, per_record)
            if isinstance(comparison, NameComparison):
                per_record = self._spelled(per_record, n)
            out = out.join(per_record.drop(col), POS, "left")
        return out

    def _spelled(self, per_record: DataFrame, n: int) -> DataFrame:
        """A name with letters an export lost counts the share of the names it spells
        with its own (:func:`~unifyprofile.compare.spelled_shares`), as locally."""
        col, tf = f"vkey{n}", f"tf{n}"
        if not per_record.filter(F.col(col).contains(LOST_LETTER)).limit(1).count():
            return per_record
        vocabulary = _pandas(per_record.filter(F.col(col).isNotNull())
                             .groupBy(col).agg(F.max(tf).alias(tf)))
        names = vocabulary[col].to_numpy(dtype=object)
        extra = spelled_shares(names, vocabulary[tf].to_numpy(dtype=np.float64))
        if not extra:
            return per_record
        table = self.spark.createDataFrame(
            pd.DataFrame({col: names[list(extra)], "_spelled": list(extra.values())}))
        return (per_record.join(F.broadcast(table), col, "left")
                .withColumn(tf, F.when(F.col("_spelled").isNotNull(), F.least(
                    F.col(tf) + F.col("_spelled"), F.lit(1.0))).otherwise(F.col(tf)))
                .drop("_spelled"))

    @staticmethod
    def _within_given(keys: DataFrame, n: int, per_record: DataFrame) -> DataFrame:
        """A name's share among the people of the record's surname (``tf_given``),
        shrunk towards its own share ``tf<n>`` as the local engine shrinks it."""
        col, given, tf = f"vkey{n}", f"tfgiven{n}", f"tf{n}"
        trios = keys.filter(F.col(col).isNotNull() & F.col(given).isNotNull()).select(
            col, given, _who()).distinct()
        together = trios.groupBy(col, given).count().withColumnRenamed("count", "_together")
        among = trios.groupBy(given).count().withColumnRenamed("count", "_among")
        prior = float(TF_PRIOR_PEOPLE)
        return (per_record.join(keys.select(POS, given), POS, "left")
                .join(together, [col, given], "left").join(among, given, "left")
                .withColumn(tf, F.when(
                    F.col(given).isNotNull(),
                    (F.col("_together") + F.lit(prior) * F.col(tf))
                    / (F.col("_among") + F.lit(prior))).otherwise(F.col(tf)))
                .drop(given, "_together", "_among"))

    def score(self, pairs: DataFrame, frequencies: DataFrame, model: FellegiSunter,
              comparisons: list[Comparison]) -> DataFrame:
        tf = [n for n, c in enumerate(comparisons) if c.tf_adjust]
        scored = pairs
        if tf:  # the left record's value, as locally
            scored = scored.join(frequencies.withColumnRenamed(POS, "i"), "i", "left")
        config = self.config
        check_guard_names(comparisons, config.guards)  # up front, not in a task
        out_schema = T.StructType(
            [f for f in pairs.schema.fields]
            + [T.StructField("match_weight", T.DoubleType(), False),
               T.StructField("match_probability", T.DoubleType(), False),
               T.StructField("strength", T.DoubleType(), False),
               T.StructField("linked", T.BooleanType(), False),
               T.StructField("apart", T.BooleanType(), False)])
        keep = pairs.columns
        threshold, guards = config.threshold, config.guards

        def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
            for batch in batches:
                if not len(batch):
                    continue
                levels = batch[[f"lv{k}" for k in range(len(comparisons))]].to_numpy(np.int8)
                freqs = [batch[f"tf{k}"].to_numpy(np.float64) if k in tf else None
                         for k in range(len(comparisons))]
                scored = decide(levels, freqs, model, batch["fired"].to_numpy(),
                                threshold=threshold, guards=guards)
                out = batch[keep].copy()
                out["match_weight"] = scored.weight
                out["match_probability"] = scored.probability
                out["strength"] = scored.strength()
                out["linked"] = scored.linked
                out["apart"] = kept_apart(scored, guards)
                yield out

        return scored.mapInPandas(run, out_schema)

    # ---------------------------------------------------------------- cluster
    def components(self, edges: DataFrame) -> tuple[DataFrame, int]:
        """``(node, component)`` for every node of ``edges`` (``i``, ``j``): the
        component is its smallest node.  Alternating large-star / small-star."""
        e = edges.select(F.col("i").alias("u"), F.col("j").alias("v")).distinct()
        rounds = 0
        while True:
            rounds += 1
            # large-star: each node's larger neighbours hang off the smallest of its
            # neighbourhood (itself included).
            both = e.unionByName(e.select(F.col("v").alias("u"), F.col("u").alias("v")))
            low = both.groupBy("u").agg(F.min("v").alias("m"))
            low = low.withColumn("m", F.least("m", "u"))
            large = (both.filter(F.col("v") > F.col("u")).join(low, "u")
                     .select(F.col("v").alias("u"), F.col("m").alias("v")))
            # small-star: each node and its smaller neighbours hang off the smallest.
            ordered = large.select(F.greatest("u", "v").alias("u"),
                                   F.least("u", "v").alias("v")).distinct()
            small_min = ordered.groupBy("u").agg(F.min("v").alias("m"))
            small = (ordered.join(small_min, "u")
                     .select(F.col("v").alias("a"), F.col("m").alias("b"))
                     .unionByName(small_min.select(F.col("u").alias("a"),
                                                   F.col("m").alias("b")))
                     .filter(F.col("a") != F.col("b"))
                     .select(F.greatest("a", "b").alias("u"), F.least("a", "b").alias("v"))
                     .distinct())
            small = small.localCheckpoint()
            e = small
            # Converged when every component is a star around its smallest node: no node
            # is both a child and a parent, and no child has two parents.
            parents = small.select(F.col("v").alias("u")).distinct()
            deep = small.join(parents, "u").limit(1).count()
            forked = small.groupBy("u").count().filter(F.col("count") > 1).limit(1).count()
            if deep == 0 and forked == 0:
                break
            if rounds >= _CC_MAX_ROUNDS:
                raise RuntimeError(f"connected components did not converge in {rounds} "
                                   "rounds of large-star / small-star")
        labels = e.select(F.col("u").alias("node"), F.col("v").alias("component")).unionByName(
            e.select(F.col("v").alias("node"), F.col("v").alias("component"))).distinct()
        return labels.localCheckpoint(), rounds

    def clusters(self, scored: DataFrame, records: DataFrame, model: FellegiSunter,
                 comparisons: list[Comparison], frequencies: DataFrame
                 ) -> tuple[DataFrame, int]:
        config = self.config
        links = scored.filter(F.col("linked")).select("i", "j", "strength").localCheckpoint()
        labels, rounds = self.components(links.select("i", "j"))
        unique = config.guards.unique_identifiers
        unique_cols = [c for _, c in constraint_columns(records.columns, unique)]
        per_person = [s.name for s in self.sources if s.unique_per_person]
        max_size = config.guards.max_cluster_size
        # The separator (vetoes, clear non-matches) compares members of one component:
        # their compared columns and term frequencies travel with them.
        separating = separates(config.guards)
        compared = _read_by(records.columns, comparisons, []) if separating else []
        tf = [f"tf{n}" for n, c in enumerate(comparisons) if c.tf_adjust] if separating else []
        member_cols = records.select(
            F.col(POS).alias("node"), schema.RECORD_ID, schema.SOURCE, *unique_cols,
            *[F.col(c).alias(f"c_{c}") for c in compared])
        if tf:
            member_cols = member_cols.join(
                frequencies.select(F.col(POS).alias("node"), *tf), "node", "left")
        members = labels.join(member_cols, "node")
        compared_struct = T.StructType([records.schema[c] for c in compared])
        tz = self.tz
        # Named apart, or Spark cannot tell the two sides' ``component`` columns apart.
        edge_labels = labels.select(F.col("node").alias("i"),
                                    F.col("component").alias("edge_component"))
        edges = links.withColumn("apart", F.lit(False)).join(edge_labels, "i")
        if config.guards.keep_apart_below is not None:
            # Compared pairs scored a non-match travel with the links of their component
            # (only those inside one component can matter), flagged ``apart``.
            low = (scored.filter(F.col("apart"))
                   .select("i", "j", F.lit(0.0).alias("strength"), F.lit(True).alias("apart"))
                   .join(edge_labels, "i")
                   .join(labels.select(F.col("node").alias("j"),
                                       F.col("component").alias("j_component")), "j")
                   .filter(F.col("edge_component") == F.col("j_component"))
                   .drop("j_component"))
            edges = edges.unionByName(low)
        out_schema = T.StructType([T.StructField(POS, T.LongType(), False),
                                   T.StructField(schema.RECORD_ID, T.StringType(), False),
                                   T.StructField(schema.ENTITY_ID, T.StringType(), False)])
        # The guards' output carries both tables: members (entity_id set) and the links
        # they cut (``cut_j`` set), told apart after one pass.
        split_schema = T.StructType([
            *out_schema.fields, T.StructField("cut_j", T.LongType(), True),
            T.StructField("cut_weight", T.DoubleType(), True),
            T.StructField("cut_reason", T.StringType(), True)])

        def split(group_edges: pd.DataFrame, group_members: pd.DataFrame) -> pd.DataFrame:
            nodes = group_members.sort_values("node", kind="stable").reset_index(drop=True)
            where = pd.Series(np.arange(len(nodes)), index=nodes["node"].to_numpy())
            apart_rows = group_edges["apart"].to_numpy(dtype=bool)
            kept_apart = group_edges[apart_rows]
            apart = (where[kept_apart["i"].to_numpy()].to_numpy(),
                     where[kept_apart["j"].to_numpy()].to_numpy()) if len(kept_apart) else None
            group_edges = group_edges[~apart_rows]
            i = where[group_edges["i"].to_numpy()].to_numpy()
            j = where[group_edges["j"].to_numpy()].to_numpy()
            separate = None
            if separating:
                both = _from_arrow(nodes[[f"c_{c}" for c in compared]].set_axis(
                    compared, axis=1), compared_struct, tz)
                prepared = [c.prepare(both) for c in comparisons]
                separate = separator(prepared, model, config.guards, [
                    nodes[f"tf{n}"].to_numpy(np.float64) if c.tf_adjust else None
                    for n, c in enumerate(comparisons)])
            result = cluster(len(nodes), i, j, group_edges["strength"].to_numpy(np.float64),
                             constraints=constraints(nodes, unique, per_person),
                             max_cluster_size=max_size, apart=apart,
                             separate=separate)
            table = clusters_table(nodes[schema.RECORD_ID], result.labels)
            node = nodes["node"].to_numpy(np.int64)
            cut = result.cut
            rid = nodes[schema.RECORD_ID].to_numpy(dtype=object)
            return pd.concat([
                pd.DataFrame({POS: node, schema.RECORD_ID: table[schema.RECORD_ID],
                              schema.ENTITY_ID: table[schema.ENTITY_ID]}),
                pd.DataFrame({POS: node[cut["i"].to_numpy(np.int64)],
                              schema.RECORD_ID: rid[cut["i"].to_numpy(np.int64)],
                              schema.ENTITY_ID: "",
                              "cut_j": node[cut["j"].to_numpy(np.int64)],
                              "cut_weight": cut["weight"].to_numpy(np.float64),
                              "cut_reason": cut["reason"].astype(str)}),
            ], ignore_index=True)

        # Components travel in buckets (by hash): one cluster() call per bucket handles
        # its components together, as the local engine does for all of them.
        buckets = self._buckets()
        edges = edges.withColumn("bucket", F.pmod(F.xxhash64("edge_component"), F.lit(buckets)))
        members = members.withColumn("bucket", F.pmod(F.xxhash64("component"), F.lit(buckets)))
        linked = edges.groupBy("bucket").cogroup(members.groupBy("bucket")) \
            .applyInPandas(split, split_schema).localCheckpoint()
        self.cut = (linked.filter(F.col("cut_j").isNotNull())
                    .select(F.col(POS).alias("i"), F.col("cut_j").alias("j"),
                            F.col("cut_weight").alias("weight"),
                            F.col("cut_reason").alias("reason"))
                    .join(records.select(F.col(POS).alias("i"),
                                         F.col(schema.RECORD_ID).alias("record_id_l")), "i")
                    .join(records.select(F.col(POS).alias("j"),
                                         F.col(schema.RECORD_ID).alias("record_id_r")), "j")
                    .select("i", "j", "weight", "reason", "record_id_l", "record_id_r"))
        linked = linked.filter(F.col("cut_j").isNull()).select(*out_schema.fieldNames())

        def alone(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
            for batch in batches:
                table = clusters_table(batch[schema.RECORD_ID], np.arange(len(batch)))
                yield pd.DataFrame({POS: batch[POS].to_numpy(np.int64),
                                    schema.RECORD_ID: table[schema.RECORD_ID],
                                    schema.ENTITY_ID: table[schema.ENTITY_ID]})

        singles = records.select(POS, schema.RECORD_ID).join(
            labels.select(F.col("node").alias(POS)), POS, "left_anti").mapInPandas(
            alone, out_schema)
        return linked.unionByName(singles), rounds

    # ---------------------------------------------------------------- golden
    def golden(self, records: DataFrame, clusters: DataFrame) -> DataFrame:
        config = self.config
        trust = {s.name: s.trust for s in self.sources}
        policies = dict(config.survivorship)
        default = config.default_survivorship
        struct = records.schema
        tz = self.tz
        buckets = self._buckets()
        table = records.join(clusters.select(POS, schema.ENTITY_ID), POS).withColumn(
            "_bucket", F.pmod(F.xxhash64(schema.ENTITY_ID), F.lit(buckets)))

        def golden_of(batch: pd.DataFrame) -> pd.DataFrame:
            recs = _from_arrow(batch.drop(columns=[schema.ENTITY_ID, "_bucket"]), struct, tz)
            return merge(recs.reset_index(drop=True),
                         batch[[schema.RECORD_ID, schema.ENTITY_ID]].reset_index(drop=True),
                         policies, default=default, trust=trust)

        # Columns of golden depend on the record columns and policies, not on values;
        # types are learned from the entities of a sample of records.
        sample_ids = table.select(schema.ENTITY_ID).distinct().limit(300)
        sample = _pandas(table.join(sample_ids, schema.ENTITY_ID))
        inferred = golden_of(sample)
        out_schema = _schema_of(inferred)

        def run(batch: pd.DataFrame) -> pd.DataFrame:
            return _to_arrow_ready(golden_of(batch), out_schema)

        # Entities travel in buckets (by hash of entity id): merge() is vectorised over
        # many entities, and one call per entity would cost more than the merging.
        return table.groupBy("_bucket").applyInPandas(run, out_schema)

    # ---------------------------------------------------------------- all
    sources: list[Source]
    n_records: int = 0
    cut: DataFrame | None = None

    def _buckets(self) -> int:
        """Groups for per-entity work: enough to fill the cores, about 20k records each."""
        return max(self.spark.sparkContext.defaultParallelism, self.n_records // 20_000, 1)

    def run(self, data: Mapping[str, Any] | None) -> SparkResult:
        config = self.config
        self.clock.tick("read")
        raw, rejects, notes, rows_read, sources = self.read(data)
        self.sources = sources
        n = raw.count()
        self.n_records = n
        self.clock.tick("standardise")
        records = self.standardise(raw, sources)
        records, hubs = self.demote_hubs(records)
        records = records.localCheckpoint()
        sample = _pandas(records.limit(200))
        rules = plan_blocking(config, sample.columns)
        comparisons = plan_comparisons(config, sample.columns)
        self.clock.tick("block")
        sides = self.sides(records)
        keys = self.keys(records, rules, comparisons, sides).localCheckpoint()
        per_side = bound = None
        if sides is not None:
            counted: dict[int, int] = {int(r[0]): int(r[1]) for r in
                                       keys.groupBy("_side").count().collect()}
            per_side = (int(counted.get(0, 0)), int(counted.get(1, 0)))
            unique = {src.name for src in self.sources if src.unique_per_person}
            held = [[name for name, k in sides.items() if k == side] for side in (0, 1)]
            bound = link_bound(per_side, (bool(held[0]) and set(held[0]) <= unique,
                                          bool(held[1]) and set(held[1]) <= unique))
        candidates = self.block(keys, rules)
        self.clock.tick("compare")
        pairs = self.levels(candidates, records, comparisons,
                            ["blocking", "sessions"]).localCheckpoint()
        frequencies = self.frequencies(keys, comparisons).localCheckpoint()
        model = self.model
        if model is None:
            self.clock.tick("fit")
            model = self.fit(pairs, records, n, rules, comparisons, keys, frequencies,
                             per_side, bound)
        self.clock.tick("score")
        scored = self.score(pairs, frequencies, model, comparisons).localCheckpoint()
        self.clock.tick("cluster")
        clusters, rounds = self.clusters(scored, records, model, comparisons, frequencies)
        clusters = clusters.localCheckpoint()
        self.clock.tick("golden")
        golden = self.golden(records, clusters).localCheckpoint()
        self.clock.tick("")
        out_pairs = _pairs_table(scored, records, comparisons, rules, config)
        notes = config_warnings(config) + notes + list(getattr(model, "notes_", []))
        log_notes(notes)
        return SparkResult(
            records=records.drop(POS), clusters=clusters.select(schema.RECORD_ID,
                                                                schema.ENTITY_ID),
            golden=golden, pairs=out_pairs, rejects=rejects.localCheckpoint(), model=model,
            config=config, notes=notes, rows_read=rows_read,
            hubs=hubs, cut=self.cut, timings=dict(self.clock.timings), cc_rounds=rounds)


def _read_by(available: list[str], comparisons: list[Comparison],
             rules: Any) -> list[str]:
    """The record columns comparisons and deterministic rules read (only these travel
    with each pair)."""
    wanted: list[str] = []
    for comparison in comparisons:
        for column in comparison.columns:
            wanted += [column, column.removesuffix("_std")]
        wanted.append(comparison.field)
    for rule in rules:
        for key in rule.keys:
            wanted += [schema.std(key.field), key.field, f"{key.field}_nick"]
    return [c for c in dict.fromkeys(wanted) if c in available and c != POS]


def _index(table: DataFrame, order: list[str] | None, name: str) -> tuple[DataFrame, int]:
    """``table`` with ``name``: each row's 0-based position in the order of ``order``
    (``None``: the table's own order, partition by partition, e.g. a file's rows as
    read), and the number of rows.  Nothing but one count per partition is collected:
    a (range-partitioned) sort, then each row's index inside its partition plus the rows
    of the partitions before it.  The sorted table is checkpointed first, so the counts
    and the positions see the same partitions."""
    ordered = table.sort(*order) if order else table
    ordered = ordered.select(
        "*", F.spark_partition_id().alias("_pid"),
        F.monotonically_increasing_id().alias("_mid")).localCheckpoint()
    sizes: dict[int, int] = {int(r[0]): int(r[1])
                             for r in ordered.groupBy("_pid").count().collect()}
    offsets, total = {}, 0
    for pid in sorted(sizes):
        offsets[pid] = total
        total += sizes[pid]
    offset = F.create_map(*[x for pid, off in offsets.items()
                            for x in (F.lit(pid), F.lit(off))]) if offsets else F.lit(None)
    # monotonically_increasing_id = partition id << 33 | index inside the partition.
    position = (offset[F.col("_pid")] + F.col("_mid")
                - F.shiftleft(F.col("_pid").cast("long"), 33)).cast("long")
    return ordered.withColumn(name, position).drop("_pid", "_mid"), total


def _ranks(table: DataFrame, column: str) -> DataFrame:
    """``rank`` (0-based, by ``column``, unique values) and ``_pos`` per row."""
    ranked, _ = _index(table.select(POS, column), [column], "rank")
    return ranked.select("rank", POS)


_REJECTS_SCHEMA = T.StructType([
    T.StructField("source", T.StringType(), True), T.StructField("row", T.LongType(), True),
    T.StructField("source_record_id", T.StringType(), True),
    T.StructField("column", T.StringType(), True),
    T.StructField("reason", T.StringType(), True)])


def _mapped_schema(source: Source) -> T.StructType:
    """The columns :func:`map_rows` gives for ``source``: text, and the row number."""
    names = [schema.RECORD_ID, schema.SOURCE, schema.SOURCE_RECORD_ID, "source_row"]
    if source.resolved_updated_at is not None:
        names.append(schema.UPDATED_AT)
    names += [c for c in source.mapping if c not in names]
    return T.StructType([T.StructField(n, T.LongType() if n == "source_row"
                                       else T.StringType(), True) for n in names])


def _arrow_schema(struct: T.StructType) -> pa.Schema:
    return pa.schema([(f.name, pa.int64() if isinstance(f.dataType, T.LongType)
                       else pa.string()) for f in struct.fields])


def _self_join(side: DataFrame, key: str) -> DataFrame:
    """Pairs of rows of ``side`` (``_pos`` and keys) with equal ``key``: one row per pair,
    the left record's columns ``l_*`` (the smaller position), the right's ``r_*``."""
    left = side.select(*[F.col(c).alias(f"l_{c}") for c in side.columns])
    right = side.select(*[F.col(c).alias(f"r_{c}") for c in side.columns])
    return left.join(right, (F.col(f"l_{key}") == F.col(f"r_{key}"))
                     & (F.col(f"l_{POS}") < F.col(f"r_{POS}")))


def _salted_pairs(side: DataFrame, key: str) -> DataFrame:
    """:func:`_self_join` for rows of large blocks (``_salts`` = S per block), spread over
    S (S + 1) / 2 join keys per block instead of one.

    Each record gets a salt ``b`` in ``0..S-1`` (a hash of its position).  The pair of
    records with salts ``a <= b`` is made by exactly one join key ``(block, a, b)``: the
    left side holds each record under ``(b, t)`` for every ``t >= b``, the right side
    under ``(t, b)`` for every ``t <= b``; a key ``(a, b)`` with ``a < b`` meets the
    records of salt ``a`` with those of salt ``b`` once each way round, and ``(a, a)``
    meets salt ``a`` with itself, where ``l_pos < r_pos`` keeps each pair once.  So the
    set of pairs is the unsalted one, and the largest task holds about ``2 s / S``
    records of a block of ``s`` instead of all ``s``.
    """
    salted = side.withColumn("_salt", F.pmod(F.xxhash64(F.col(POS)), F.col("_salts")))
    columns = [c for c in side.columns if c != "_salts"]
    left = salted.select(
        *[F.col(c).alias(f"l_{c}") for c in columns], F.col("_salt").alias("_llo"),
        F.explode(F.sequence(F.col("_salt"), F.col("_salts") - 1)).alias("_lhi"))
    right = salted.select(
        *[F.col(c).alias(f"r_{c}") for c in columns],
        F.explode(F.sequence(F.lit(0).cast("long"), F.col("_salt"))).alias("_rlo"),
        F.col("_salt").alias("_rhi"))
    joined = left.join(right, (F.col(f"l_{key}") == F.col(f"r_{key}"))
                       & (F.col("_llo") == F.col("_rlo")) & (F.col("_lhi") == F.col("_rhi")))
    # Keys (a, b), a < b: every cross pair once, either way round; (a, a): both ways.
    joined = joined.filter((F.col("_llo") < F.col("_lhi"))
                           | (F.col(f"l_{POS}") < F.col(f"r_{POS}")))
    # The smaller position on the left, as the unsalted join gives it.
    swap = F.col(f"l_{POS}") > F.col(f"r_{POS}")
    return joined.select(*[F.when(swap, F.col(f"r_{c}")).otherwise(F.col(f"l_{c}"))
                           .alias(f"l_{c}") for c in columns],
                         *[F.when(swap, F.col(f"l_{c}")).otherwise(F.col(f"r_{c}"))
                           .alias(f"r_{c}") for c in columns])


def _pairs_table(scored: DataFrame, records: DataFrame, comparisons: list[Comparison],
                 rules: list[BlockingRule], config: Config) -> DataFrame:
    ids = records.select(POS, schema.RECORD_ID)
    rule_names = F.array(*[F.lit(r.name) for r in config.rules]) if config.rules else None
    blocking_names = F.array(*[F.lit(r.name) for r in rules])
    return (scored
            .join(ids.select(F.col(POS).alias("i"), F.col(schema.RECORD_ID).alias("record_id_l")),
                  "i")
            .join(ids.select(F.col(POS).alias("j"), F.col(schema.RECORD_ID).alias("record_id_r")),
                  "j")
            .select("i", "j", "record_id_l", "record_id_r",
                    *[F.col(f"lv{k}").alias(c.name) for k, c in enumerate(comparisons)],
                    "match_weight", "match_probability",
                    (F.when(F.col("fired") >= 0, rule_names[F.col("fired")])
                     if rule_names is not None else F.lit(None).cast("string")).alias("rule"),
                    blocking_names[F.col("blocking")].alias("blocking_rule"),
                    "linked"))


class SparkEngine:
    """Runs the stages on Spark: ``Resolver(config, engine=SparkEngine(session))``.

    Args:
        spark: the session; default the active one (or a new local one).
        salt_above: blocks with more records are salted (default: the session's
            ``spark.unifyprofile.saltAbove``, else :data:`SALT_ABOVE`).
    """

    name = "spark"

    def __init__(self, spark: SparkSession | None = None, *,
                 salt_above: int | None = None) -> None:
        self.spark = spark
        self.salt_above = salt_above

    def run(self, config: Config, data: Mapping[str, Any] | None = None, *,
            model: FellegiSunter | None = None, progress: Progress | None = None
            ) -> SparkResult:
        """Run ``config`` on Spark; ``data``: tables by source name (pandas or Spark
        DataFrames) replacing files.

        Raises:
            ConfigError: a source is an event source (events are read by the local
                engine and the identity store only, for now).
        """
        timed = [s.name for s in config.sources if s.events is not None]
        if timed:
            raise ConfigError([f"source {name!r}: events are not read by the Spark engine "
                               "yet; run this config with the local engine (the default) "
                               "or the identity store, or leave [sources.events] out for "
                               "Spark" for name in timed])
        return SparkPipeline(config, self.spark or default_session(), model=model,
                             progress=progress, salt_above=self.salt_above).run(data)

    def __repr__(self) -> str:
        return f"SparkEngine(salt_above={self.salt_above})"


def default_session() -> SparkSession:
    """The active Spark session, or a new local one using every core of this machine.

    A new local session runs its Python workers with this interpreter, so they import
    the same unifyprofile; its memory is ``UNIFYPROFILE_SPARK_MEMORY`` (default 4g)."""
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return (SparkSession.builder.appName("unifyprofile").master("local[*]")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.memory", os.environ.get("UNIFYPROFILE_SPARK_MEMORY", "4g"))
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", "50000")
            .getOrCreate())

