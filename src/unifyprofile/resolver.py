"""The :class:`Resolver`: composes the stages, nothing more.

sources -> standardise -> guards -> block -> compare -> score -> cluster -> golden
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, cast, overload

import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from unifyprofile import schema
from unifyprofile._columns import order_of
from unifyprofile._log import log_notes
from unifyprofile.blocking import BlockingRule, Candidates, TableKeys, block
from unifyprofile.compare import Comparison, PreparedComparison, default_comparisons
from unifyprofile.config import Config, config_warnings
from unifyprofile.errors import ConfigError
from unifyprofile.golden import merge
from unifyprofile.graph import (
    Constraint,
    Separator,
    cluster,
    clusters_table,
    identity_graph,
    link_strength,
)
from unifyprofile.score import (
    FellegiSunter,
    Guards,
    PreparedRules,
    demote_hubs,
    fit_checked,
    link_bound,
    prepare_rules,
    weight_histogram,
)
from unifyprofile.sources import LineCount, Source, SourceTable, read_sources
from unifyprofile.standardise import standardise

if TYPE_CHECKING:  # the Spark engine is an optional extra
    from unifyprofile.engines.spark import SparkResult

__all__ = ["Resolver", "Result", "Scored", "compare_pairs", "default_blocking_rules", "score_pairs"]

#: Engines a Resolver can run on.
ENGINES = ("local", "spark")

#: Pairs compared and scored at a time; bounds memory.
CHUNK_PAIRS = 2_000_000

#: Bits against a match from which a comparison's disagreement counts against a
#: ``guards.weak`` pair (see :func:`_vetoed`): matches disagree on it at most about 80 %
#: as often as strangers do.  A field filled at random sits near 0.
TELLING_DISAGREEMENT = 0.3
#: Bits against a match from which the disagreements a ``weak`` pair holds contradict
#: its names (see :func:`_vetoed`): matches disagree so at most about a third as often
#: as strangers.  An e-mail that half of one person's records change (work and private)
#: says less.
CONTRADICTING = 1.5

#: EM learns only from pairs that hold every ``guards.veto`` comparison while there are
#: at least this many of them (see :func:`_trainable`); where fewer records hold a first
#: name, from all pairs.
TRAIN_HELD_MIN = 1000

Progress = Callable[[str, int, int], None]


def default_blocking_rules(fields: set[str]) -> list[BlockingRule]:
    """Blocking rules for person data, given which canonical fields are present."""
    wanted = [
        ["email"], ["phone"],
        ["last_name:soundex", "dob"], ["first_name:nick", "last_name:soundex"],
        ["first_name:nick", "dob"], ["last_name", "postcode"], ["first_name:nick", "postcode"],
        ["last_name:soundex", "address:tokens"], ["dob", "postcode"],
        ["first_name:prefix3", "last_name:prefix3"], ["dob", "city"],
        ["address:tokens", "postcode"],
    ]
    wanted += [[f] for f in schema.ID_FIELDS]
    out = [BlockingRule.parse(keys) for keys in wanted
           if all(k.split(":")[0] in fields for k in keys)]
    if not out and "full_name" in fields:
        out.append(BlockingRule.parse(["full_name"]))
    return out


@dataclass
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

    def summary(self) -> dict[str, Any]:
        """Counts for a batch job's log."""
        if "record_count" in self.golden:
            sizes = self.golden["record_count"]  # one row per entity, counted already
        else:
            sizes = self.clusters.groupby(schema.ENTITY_ID).size()
        dist = sizes.value_counts().sort_index()
        records_per_source = self.records[schema.SOURCE].value_counts()
        rejects_per_source = self.rejects[schema.SOURCE].value_counts()
        diagnosis = getattr(self.model, "diagnosis_", None)
        return {
            "rows_read": dict(self.rows_read),
            "lines_read": {k: dataclasses.asdict(v) for k, v in self.lines.items()},
            "records": {str(k): int(v) for k, v in records_per_source.items()},
            "rejects": int(len(self.rejects)),
            "rejects_by_source": {str(k): int(v) for k, v in rejects_per_source.items()},
            "candidate_pairs": int(len(self.pairs)),
            "matches": int(self.pairs["linked"].sum()) if len(self.pairs) else 0,
            "rule_matches": int(self.pairs["rule"].notna().sum()) if len(self.pairs) else 0,
            "entities": int(len(sizes)),
            "cluster_sizes": {str(int(k)): int(v) for k, v in dist.items()},
            "largest_cluster": int(sizes.max()) if len(sizes) else 0,
            "hub_values_demoted": int(len(self.hubs)),
            "links_cut_by_guards": int(len(self.cut)),
            "seconds": {k: round(v, 3) for k, v in self.timings.items()},
            "model_check": diagnosis.as_dict() if diagnosis is not None else None,
            "notes": list(self.notes),
        }

    def write(self, directory: str | Path, *, csv: bool = True,
              tables: tuple[str, ...] = ("clusters", "golden", "pairs", "rejects")
              ) -> list[Path]:
        """Write the result tables as Parquet (and CSV), the model and a summary.

        Args:
            directory: created if missing.
            csv: also write each table as CSV (lists become JSON arrays).
            tables: which of clusters, golden, pairs, rejects to write.

        Returns:
            The paths written, ``model.json`` and ``summary.json`` last.
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        available = {"clusters": self.clusters, "golden": self.golden,
                     "pairs": self.pairs.drop(columns=["i", "j"]), "rejects": self.rejects}
        written = []
        for name in tables:
            _write_parquet(available[name], out / f"{name}.parquet")
            written.append(out / f"{name}.parquet")
            if csv:
                _write_csv(csv_ready(available[name]), out / f"{name}.csv")
                written.append(out / f"{name}.csv")
        self.model.save(out / "model.json")
        (out / "summary.json").write_text(json.dumps(self.summary(), indent=2) + "\n",
                                          encoding="utf-8")
        return [*written, out / "model.json", out / "summary.json"]


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


def _write_parquet(table: pd.DataFrame, path: Path) -> None:
    """Parquet without pandas' dtype metadata, so any reader (and pandas without the
    Arrow-backed dtypes) reads it back as plain columns."""
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    pq.write_table(arrow.replace_schema_metadata(None), path)


def _write_csv(table: pd.DataFrame, path: Path) -> None:
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


#: What :meth:`Resolver.run` returns: :class:`Result` on the local engine,
#: :class:`~unifyprofile.engines.spark.SparkResult` on Spark.
R = TypeVar("R", bound="Result | SparkResult")


class Resolver(Generic[R]):
    """Resolve records into entities and golden profiles.

    A ``Resolver`` is typed by what :meth:`run` returns: ``Resolver[Result]`` for the
    local engine, ``Resolver[SparkResult]`` for ``engine="spark"`` (type checkers pick it
    from a literal ``engine``; an ``engine`` known only at run time gives the union).

    Args:
        config: a :class:`~unifyprofile.Config` (see :func:`~unifyprofile.load_config`).
        model: a fitted model to score with instead of fitting one on the data.
        progress: called as ``progress(stage, done, total)`` while stages run.
        engine: ``"local"`` (pandas on this machine) or ``"spark"`` (the same stages
            scheduled on Spark; needs ``unifyprofile[spark]``).
        spark: the ``SparkSession`` for ``engine="spark"`` (default: the active one).

    Examples:
        >>> import pandas as pd, unifyprofile as up
        >>> people = pd.DataFrame({"id": ["1", "2", "3"],
        ...     "first": ["Robert", "Bob", "Alice"], "last": ["Smith", "Smith", "Jones"],
        ...     "email": ["bob.smith@gmail.com", "bobsmith@gmail.com", "alice@x.org"]})
        >>> source = up.Source("crm", data=people, id_column="id",
        ...     columns={"first_name": "first", "last_name": "last", "email": "email"})
        >>> config = up.Config(sources=(source,),
        ...     rules=(up.score.DeterministicRule.from_config(
        ...         {"name": "email", "keys": ["email", "first_name:nick"]}),))
        >>> result = up.Resolver(config).run()
        >>> result.clusters.groupby("entity_id").size().sort_values().tolist()
        [1, 2]
    """

    @overload
    def __init__(self: Resolver[Result], config: Config, *,
                 model: FellegiSunter | None = None, progress: Progress | None = None,
                 engine: Literal["local"] = "local", spark: None = None) -> None: ...

    @overload
    def __init__(self: Resolver[SparkResult], config: Config, *,
                 model: FellegiSunter | None = None, progress: Progress | None = None,
                 engine: Literal["spark"], spark: Any = None) -> None: ...

    @overload
    def __init__(self: Resolver[Result | SparkResult], config: Config, *,
                 model: FellegiSunter | None = None, progress: Progress | None = None,
                 engine: str, spark: Any = None) -> None: ...

    def __init__(self, config: Config, *, model: FellegiSunter | None = None,
                 progress: Progress | None = None, engine: str = "local",
                 spark: Any = None) -> None:
        if not isinstance(config, Config):
            raise ConfigError(f"Resolver needs a Config, got {type(config).__name__}; "
                              "use unifyprofile.load_config(path)")
        if engine not in ENGINES:
            raise ConfigError(f"engine: expected one of {', '.join(ENGINES)}, got {engine!r}")
        if spark is not None and engine != "spark":
            raise ConfigError("spark= is a session for engine=\"spark\"; pass engine=\"spark\" "
                              "too, or leave spark out")
        self.engine = engine
        self.spark = spark
        self.config = config
        self.model = model
        self._progress = progress
        self._timings: dict[str, float] = {}

    @contextmanager
    def _stage(self, name: str) -> Iterator[None]:
        if self._progress:
            self._progress(name, 0, 1)
        start = time.perf_counter()
        yield
        self._timings[name] = self._timings.get(name, 0.0) + time.perf_counter() - start
        if self._progress:
            self._progress(name, 1, 1)

    def run(self, data: Mapping[str, Any] | None = None) -> R:
        """Read the sources, resolve them and return a :class:`Result`.

        Args:
            data: in-memory tables by source name, replacing those sources' files
                (with ``engine="spark"`` also Spark DataFrames).

        Returns:
            A :class:`Result`; with ``engine="spark"`` a
            :class:`~unifyprofile.engines.spark.SparkResult` with the same attributes,
            whose tables are Spark DataFrames.
        """
        if self.engine == "spark":
            return cast(R, _run_on_spark(self, data))
        self._timings = {}
        records, table, hubs, sources = self.prepare(data)
        result = self.resolve(records, sources)
        result.rejects = table.rejects
        result.notes = config_warnings(self.config) + table.notes + result.notes
        log_notes(result.notes)
        result.rows_read = table.rows_read
        result.lines = table.lines
        result.hubs = hubs
        result.timings = dict(self._timings)
        return cast(R, result)

    def prepare(self, data: Mapping[str, pd.DataFrame] | None = None, *,
                demote: bool = True
                ) -> tuple[pd.DataFrame, SourceTable, pd.DataFrame, list[Source]]:
        """Read and standardise the sources, and demote hub values.

        Args:
            data: in-memory tables by source name, replacing those sources' files.
            demote: demote hub values (a property of the whole population; the identity
                store applies the hub list frozen when its model was fitted instead).

        Returns:
            The standardised records, what reading produced (rejects, notes), the
            demoted hub values and the sources used.
        """
        config = self.config
        sources = sources_with_data(config, data)
        with self._stage("read"):
            table = read_sources(sources, config.base_dir)
        by_name = {s.name: s for s in sources}
        with self._stage("standardise"):
            src = table.records[schema.SOURCE]
            region = src.map({n: s.default_region for n, s in by_name.items()})
            dayfirst = src.map({n: s.dayfirst for n, s in by_name.items()}).astype(bool)
            records = standardise(table.records, region=region, dayfirst=dayfirst,
                                  id_fields=config.id_fields,
                                  phone_fields=config.phone_fields,
                                  placeholders=dict(config.guards.placeholders),
                                  share=True)
            if demote:
                records, hubs = demote_hubs(records, config.guards)
            else:
                hubs = pd.DataFrame(columns=["field", "value", "records", "people"])
        return records, table, hubs, sources

    def blocking_rules(self, records: pd.DataFrame) -> list[BlockingRule]:
        """The rules that make candidate pairs: the deterministic rules' keys first (so
        every pair a rule would link is compared), then the configured or default
        blocking rules."""
        config = self.config
        blocking = list(config.blocking) or default_blocking_rules(_fields(records))
        if not blocking and not config.rules:
            raise ConfigError(
                "no blocking rules: none were configured and the records have none of the "
                f"fields the default rules use (fields present: "
                f"{', '.join(sorted(_fields(records))) or 'none'}). Map source columns to "
                "canonical fields under [sources.columns] or add [blocking] rules"
            )
        return list(dict.fromkeys([BlockingRule(r.keys) for r in config.rules] + blocking))

    def comparisons(self, records: pd.DataFrame) -> list[Comparison]:
        """The configured comparisons, or defaults for the fields present."""
        if self.config.comparisons:
            return list(self.config.comparisons)
        return list(default_comparisons(_fields(records)))

    def fit(self, records: pd.DataFrame) -> FellegiSunter:
        """Fit the model on standardised ``records`` (block, compare, EM) without scoring,
        clustering or merging them."""
        return self._compared(_positional(records)).fit()

    def _compared(self, records: pd.DataFrame, keys: TableKeys | None = None) -> _Compared:
        """Block and compare ``records`` (positions 0..n-1); ``keys`` as for :meth:`resolve`."""
        config = self.config
        side = None
        if config.link_type == "link_only":
            side = pd.factorize(records[schema.SOURCE])[0]
        all_rules = self.blocking_rules(records)
        with self._stage("block"):
            cand = block(records, all_rules, link_type=config.link_type, side=side,
                         max_pairs_per_rule=config.max_pairs_per_rule, keys=keys)
        comparisons = self.comparisons(records)
        with self._stage("compare"):
            prepared = [c.prepare(records) for c in comparisons]
            levels = compare_pairs(prepared, cand.i, cand.j, self._progress)
        return _Compared(self, records, side, all_rules, cand, comparisons, prepared, levels)

    def resolve(self, records: pd.DataFrame, sources: list[Source] | None = None, *,
                golden: bool = True, keys: TableKeys | None = None) -> Result:
        """Resolve already standardised records (positions 0..n-1).

        Args:
            records: standardised records, as :meth:`prepare` returns them.
            sources: the sources they came from (their trust ranks golden values).
            golden: merge each entity into its golden profile. Without it
                ``Result.golden`` is empty: for a caller that scores the entities only
                (``unifyprofile evaluate``), the merge is a tenth of a large run.
            keys: blocking keys of these records derived already (by
                :func:`unifyprofile.infer.fit_config`), reused; emptied once the
                candidate pairs are made, so that they are not held through the run.
        """
        config = self.config
        sources = sources or list(config.sources)
        records = _positional(records)
        n = len(records)
        compared = self._compared(records, keys)
        if keys is not None:
            keys.clear()
        all_rules, cand, comparisons = compared.rules, compared.cand, compared.comparisons
        prepared, levels = compared.prepared, compared.levels
        model = self.model if self.model is not None else compared.fit()
        with self._stage("score"):
            rules = prepare_rules(records, config.rules)
            scored = score_pairs(levels, cand.i, cand.j, model, config, rules,
                                 [p.value_frequency for p in prepared],
                                 weight=compared.weights.get(model))
            weight, probability, fired = scored.weight, scored.probability, scored.fired
        with self._stage("cluster"):
            linked = scored.linked
            constraints = _constraints(records, config, sources)
            apart = None
            if config.guards.keep_apart_below is not None:
                low = (probability < config.guards.keep_apart_below) & (fired < 0)
                apart = (cand.i[low], cand.j[low])
            clustering = cluster(n, cand.i[linked], cand.j[linked], scored.strength(linked),
                                 constraints=constraints,
                                 max_cluster_size=config.guards.max_cluster_size, apart=apart,
                                 separate=separator(prepared, model, config))
            # The prepared comparisons hold per-record codes and distinct values: free
            # them before the golden stage, the run's memory peak.
            del prepared, compared
            clusters = clusters_table(records[schema.RECORD_ID], clustering.labels)
        profiles = pd.DataFrame(columns=[schema.ENTITY_ID])
        if golden:
            with self._stage("golden"):
                trust = {s.name: s.trust for s in sources}
                profiles = merge(records, clusters, dict(config.survivorship),
                                 default=config.default_survivorship, trust=trust)
        pairs = _pairs_table(records, cand, comparisons, levels, weight, probability,
                             rules.names(fired), all_rules, linked)
        cut = clustering.cut
        if len(cut):
            rid = records[schema.RECORD_ID].to_numpy(dtype=object)
            cut = cut.assign(record_id_l=rid[cut["i"].to_numpy()],
                             record_id_r=rid[cut["j"].to_numpy()])
        return Result(records=records, clusters=clusters, golden=profiles, pairs=pairs,
                      rejects=pd.DataFrame(columns=list(schema.REJECT_COLUMNS)), model=model,
                      config=config, cut=cut, timings=dict(self._timings),
                      notes=list(getattr(model, "notes_", [])))


def _positional(records: pd.DataFrame) -> pd.DataFrame:
    if records.index.equals(pd.RangeIndex(len(records))):
        return records
    return records.reset_index(drop=True)  # a copy: only when needed


@dataclass
class _Compared:
    """Candidate pairs of some records and their comparison levels."""

    resolver: Resolver
    records: pd.DataFrame
    side: np.ndarray | None
    rules: list[BlockingRule]
    cand: Candidates
    comparisons: list[Comparison]
    prepared: list[PreparedComparison]
    levels: np.ndarray
    #: Match weights of the pairs under the model :meth:`fit` kept.
    weights: dict[FellegiSunter, np.ndarray] = dataclasses.field(default_factory=dict)

    def fit(self) -> FellegiSunter:
        """The model fitted (EM) on these pairs, checked against them and refitted when
        the check fails (see :func:`unifyprofile.score.fit_checked`); the check is kept
        on the model as ``diagnosis_`` and its notes as ``notes_``."""
        config = self.resolver.config
        n = len(self.records)
        if self.side is None:
            total_pairs = n * (n - 1) // 2
        else:
            total_pairs = int((self.side == 0).sum()) * int((self.side == 1).sum())
        allowed = _trainable(self.levels, self.comparisons, config.guards)
        # A generator: at millions of pairs, one mask per rule held at once is 100 MB.
        sessions = ((mask & allowed, fixed) for mask, fixed in
                    _training_sessions(self.cand, self.rules, self.comparisons))
        order = order_of(self.records[schema.RECORD_ID])

        inputs = FellegiSunter(self.comparisons, seed=config.seed).fit_inputs(
            self.levels, self.prepared, n, side=self.side, sessions=sessions, order=order)

        bound = self._link_bound()

        def fit_one(candidate_u: bool, held: bool) -> FellegiSunter:
            return FellegiSunter(self.comparisons, seed=config.seed, candidate_u=candidate_u,
                                 max_matches=bound if held else None).fit_counts(*inputs)

        def links(model: FellegiSunter) -> np.ndarray:
            weight = match_weights(self.levels, self.cand.i, model,
                                   [p.value_frequency for p in self.prepared])
            self.weights[model] = weight  # for scoring, when this fit is kept
            model.fit_lambda_to(weight_histogram(weight), total_pairs)
            out = np.empty(len(weight), dtype=bool)
            for start in range(0, len(out), CHUNK_PAIRS):  # bounded memory
                part = slice(start, start + CHUNK_PAIRS)
                out[part] = model.match_probability(weight[part]) >= config.threshold
            return out

        with self.resolver._stage("fit"):
            model, diagnosis, notes = fit_checked(fit_one, links, self.levels, total_pairs,
                                                  max_links=bound)
        self.weights = {m: w for m, w in self.weights.items() if m is model}
        model.diagnosis_ = diagnosis
        model.notes_ = notes
        return model


    def _link_bound(self) -> int | None:
        """The most pairs this link can hold (:func:`~unifyprofile.score.link_bound`)."""
        if self.side is None:
            return None
        unique = {s.name for s in self.resolver.config.sources if s.unique_per_person}
        names = self.records[schema.SOURCE].to_numpy(dtype=object)
        sizes = (int((self.side == 0).sum()), int((self.side == 1).sum()))
        flags = tuple(bool(np.isin(names[self.side == k], list(unique)).all())
                      and sizes[k] > 0 for k in (0, 1))
        return link_bound(sizes, (flags[0], flags[1]))


def compare_pairs(prepared: list[PreparedComparison], i: np.ndarray, j: np.ndarray,
                  progress: Progress | None = None) -> np.ndarray:
    """Comparison levels of the pairs ``(i, j)``: int8, one column per comparison.

    Pairs are compared in chunks of :data:`CHUNK_PAIRS` so memory stays bounded.
    """
    levels = np.empty((len(i), len(prepared)), dtype=np.int8)
    for start in range(0, len(i), CHUNK_PAIRS):
        stop = min(start + CHUNK_PAIRS, len(i))
        for k, prep in enumerate(prepared):
            levels[start:stop, k] = prep.levels(i[start:stop], j[start:stop])
        if progress:
            progress("compare", stop, len(i))
    return levels


@dataclass
class Scored:
    """Scores of compared pairs: what :func:`score_pairs` returns."""

    weight: np.ndarray
    probability: np.ndarray
    #: Index of the deterministic rule that fired, -1 where none did.
    fired: np.ndarray
    #: A rule fired, or the probability reached the threshold without a veto.
    linked: np.ndarray

    def strength(self, which: np.ndarray | None = None) -> np.ndarray:
        """Link strength of the pairs ``which`` selects (a mask or positions; default
        all), for clustering: rule links rank above every probabilistic one."""
        if which is None:
            return link_strength(self.weight, self.fired)
        return link_strength(self.weight[which], self.fired[which])


def match_weights(levels: np.ndarray, i: np.ndarray, model: FellegiSunter,
                  frequencies: Sequence[np.ndarray | None]) -> np.ndarray:
    """The model's match weight of each compared pair; ``frequencies`` as for
    :func:`score_pairs`."""
    return model.match_weight(levels, frequencies, rows=i)


def score_pairs(levels: np.ndarray, i: np.ndarray, j: np.ndarray, model: FellegiSunter,
                config: Config, rules: PreparedRules,
                frequencies: Sequence[np.ndarray | None], *,
                weight: np.ndarray | None = None) -> Scored:
    """Score compared pairs and decide which are links.

    Args:
        levels: the output of :func:`compare_pairs` for ``(i, j)``.
        i, j: row positions of the pairs.
        model: a fitted model.
        config: threshold, veto guards.
        rules: the deterministic rules prepared on the same records.
        frequencies: per comparison, the term frequency of each record's value (indexed
            by row position) or None; the left record's frequency is used.
        weight: the pairs' match weights under ``model`` when already computed.
    """
    if weight is None:
        weight = match_weights(levels, i, model, frequencies)
    probability = model.match_probability(weight)
    fired = rules.fired(i, j)
    vetoed = _vetoed(levels, list(model.comparisons), config.guards, model)
    linked = (fired >= 0) | ((probability >= config.threshold) & ~vetoed)
    return Scored(weight, probability, fired, linked)


def separates(config: Config) -> bool:
    """Whether the config's guards tell records of one component apart (see
    :func:`separator`)."""
    guards = config.guards
    return bool(guards.veto or guards.weak or guards.keep_apart_below is not None)


def separator(prepared: Sequence[PreparedComparison], model: FellegiSunter, config: Config,
              frequencies: Sequence[np.ndarray | None] | None = None) -> Separator | None:
    """What tells two records of one component apart (see :func:`~unifyprofile.graph.cluster`):
    a veto comparison at its "else" level (two different first names, two different
    dates of birth), or a pair scored a clear non-match (below ``keep_apart_below``)
    on evidence against it, not for want of evidence.  None without either guard.
    It is blind to the records with no value on any veto comparison (to every record
    when there is no veto).

    ``frequencies`` are the term frequencies per record and comparison (default: those
    the prepared comparisons counted; the identity store passes its frozen ones).
    """
    guards = config.guards
    if not separates(config):
        return None
    if frequencies is None:
        frequencies = [p.value_frequency for p in prepared]
    apart = dataclasses.replace(guards, weak=())

    def separate(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        levels = compare_pairs(list(prepared), i, j)
        # A veto tells two records apart; a want of corroboration only stops a link.
        out = _vetoed(levels, list(model.comparisons), apart)
        if guards.keep_apart_below is not None:
            weight = model.match_weight(levels, [None if f is None else f[i]
                                                 for f in frequencies])
            probability = model.match_probability(weight)
            out |= (probability < guards.keep_apart_below) & (weight < 0)
        return out

    # Without vetoes every record is blind: only scores keep entities apart.
    blind = np.ones(prepared[0].n_records if prepared else 0, dtype=bool)
    for p in prepared:
        if p.comparison.name in guards.veto:
            blind &= p.value_codes < 0 if p.value_codes is not None else False
    return Separator(separate, blind)


def _run_on_spark(resolver: Resolver[Any], data: Mapping[str, Any] | None) -> SparkResult:
    from unifyprofile.engines import spark  # optional extra: imported only when asked for

    return spark.run(resolver, resolver.spark, data)


def _vetoed(levels: np.ndarray, comparisons: list[Comparison], guards: Guards,
            model: FellegiSunter | None = None) -> np.ndarray:
    """Pairs a probabilistic link is forbidden to: "else" on a ``guards.veto``
    comparison, unless they agree exactly on a ``guards.veto_unless`` one; or, with
    ``guards.weak`` set, pairs that disagree on every comparison outside it that both
    records hold (agreeing on a name and a town says nothing when the two e-mails and
    the two phones differ).  With ``model``, only a comparison whose disagreement the
    model counts as evidence against a match (at least :data:`TELLING_DISAGREEMENT`
    bits) corroborates or contradicts: a field on which matches differ as often as
    strangers (a system name, a flag, a category filled at random) says nothing either
    way; and the disagreements must say :data:`CONTRADICTING` bits together (a work
    and a private e-mail of one customer say less).  A pair that nothing corroborates
    or contradicts links only where every weak comparison it holds agrees exactly."""
    names = [c.name for c in comparisons]
    unknown = [v for v in (*guards.veto, *guards.veto_unless, *guards.weak)
               if v not in names]
    if unknown:
        raise ConfigError(f"guards.veto / veto_unless / weak: no comparison named "
                          f"{', '.join(unknown)}; comparisons are {', '.join(names)}")
    out = np.zeros(len(levels), dtype=bool)
    for name in guards.veto:
        out |= levels[:, names.index(name)] == 0
    for name in guards.veto_unless:
        k = names.index(name)
        exact = comparisons[k].exact_level
        if exact is not None:
            out &= levels[:, k] != exact
    if guards.weak:
        weak = [k for k, name in enumerate(names) if name in guards.weak]
        telling = [k for k, name in enumerate(names) if name not in guards.weak and (
            model is None or model.level_weight(k, 0) <= -TELLING_DISAGREEMENT)]
        corroborated = (levels[:, telling] > 0).any(axis=1)
        # What the disagreements held say against a match, in bits (without a model,
        # any disagreement held contradicts).
        against = np.array([CONTRADICTING if model is None else -model.level_weight(k, 0)
                            for k in telling], dtype=np.float64)
        contradicted = (levels[:, telling] == 0) @ against >= CONTRADICTING if telling \
            else np.zeros(len(levels), dtype=bool)
        out |= contradicted & ~corroborated
        # Where nothing that could corroborate agrees and little contradicts (a record
        # with a name and a town only; a work and a private e-mail), the weak fields
        # must agree exactly: "Ling Zheng" and "Ling Zhang" of one city are two people
        # as likely as one.
        top = np.array([len(comparisons[k].level_names) - 1 for k in weak], dtype=np.int64)
        inexact = ((levels[:, weak] >= 0) & (levels[:, weak] < top)).any(axis=1)
        out |= ~corroborated & inexact
    return out


def _trainable(levels: np.ndarray, comparisons: Sequence[Comparison],
               guards: Guards, counts: np.ndarray | None = None) -> np.ndarray:
    """Pairs EM may learn from: not those a ``guards.veto`` forbids, nor those no veto
    can speak on (a record without a first name, where the first name is the only veto;
    with a phone veto too, a pair that holds neither both first names nor both phones)
    while :data:`TRAIN_HELD_MIN` or more pairs are left.  ``counts``: pairs per row when
    the rows of ``levels`` are level patterns.

    The model never links a vetoed pair (two people of one household: different first
    names, one surname, one address, one family mailbox); counted as matches in a
    session blocked on the mailbox, they would teach EM that matches differ in first
    name and phone, and the model would then merge a household's nameless records.
    Two nameless records of one household are such a pair that no veto can catch: in
    the match class they teach EM that a match's phones often differ (at the harshest
    hazard point m of "different phone" fell from 0.020 to 0.003 without them, where
    no true match differs in its mobile; in four-person households with a family
    mailbox, from 0.80 to 0)."""
    if not guards.veto:
        return np.ones(len(levels), dtype=bool)
    allowed = ~_vetoed(levels, list(comparisons), dataclasses.replace(guards, weak=()))
    names = [c.name for c in comparisons]
    held = (levels[:, [names.index(v) for v in guards.veto]] >= 0).any(axis=1)
    pairs = np.ones(len(levels)) if counts is None else np.asarray(counts, dtype=np.float64)
    if pairs[allowed & held].sum() >= TRAIN_HELD_MIN:
        allowed &= held
    return allowed


def _training_sessions(cand: Candidates, rules: list[BlockingRule],
                       comparisons: list[Comparison]) -> Iterator[tuple[np.ndarray, list[int]]]:
    """One EM session per blocking rule: its pairs, with its own fields held out."""
    for rule, codes in zip(rules, cand.codes, strict=True):
        ci = codes[cand.i]
        mask = (ci >= 0) & (ci == codes[cand.j])
        fields = {k.field for k in rule.keys}
        yield mask, [n for n, c in enumerate(comparisons) if c.field in fields]


def sources_with_data(config: Config, data: Mapping[str, Any] | None) -> list[Source]:
    """The config's sources, with in-memory tables in place of the files of those named in
    ``data``."""
    sources = list(config.sources)
    if data:
        unknown = set(data) - {s.name for s in sources}
        if unknown:
            raise ConfigError(f"data given for unknown sources: {', '.join(sorted(unknown))}"
                              f"; sources are {', '.join(s.name for s in sources)}")
        sources = [Source(**{**_source_fields(s), "data": data[s.name], "path": None})
                   if s.name in data else s for s in sources]
    if not sources:
        raise ConfigError("no sources: add at least one [[sources]] table")
    return sources


def _source_fields(source: Source) -> dict[str, Any]:
    return {f: getattr(source, f) for f in source.__dataclass_fields__}


def _fields(records: pd.DataFrame) -> set[str]:
    fields = {c[:-4] for c in records.columns if c.endswith("_std")}
    return fields | {c for c in records.columns if c in schema.CANONICAL_FIELDS}


def _constraints(records: pd.DataFrame, config: Config,
                 sources: list[Source]) -> list[Constraint]:
    out = []
    for name in config.guards.unique_identifiers:
        column = schema.std(name) if schema.std(name) in records.columns else name
        if column not in records.columns:
            raise ConfigError(f"guards.unique_identifiers: no field '{name}' in the records; "
                              f"map a source column to it or remove it")
        codes, _ = pd.factorize(records[column], use_na_sentinel=True)
        out.append(Constraint(name, codes.astype(np.int64)))
    for source in sources:
        if source.unique_per_person:
            mine = (records[schema.SOURCE] == source.name).to_numpy()
            codes = np.where(mine, np.arange(len(records)), -1)
            out.append(Constraint(f"one record per person in '{source.name}'", codes))
    return out


def _pairs_table(records: pd.DataFrame, cand: Any, comparisons: list[Comparison],
                 levels: np.ndarray, weight: np.ndarray, probability: np.ndarray,
                 rule: pd.Categorical, blocking: list[BlockingRule],
                 linked: np.ndarray) -> pd.DataFrame:
    rid = pd.Categorical(records[schema.RECORD_ID])
    columns: dict[str, Any] = {
        "i": cand.i, "j": cand.j,
        "record_id_l": pd.Categorical.from_codes(rid.codes[cand.i], categories=rid.categories),
        "record_id_r": pd.Categorical.from_codes(rid.codes[cand.j], categories=rid.categories),
    }
    for k, comparison in enumerate(comparisons):
        columns[comparison.name] = levels[:, k]
    columns["match_weight"] = weight
    columns["match_probability"] = probability
    columns["rule"] = rule
    columns["blocking_rule"] = pd.Categorical.from_codes(
        cand.rule.astype(np.int64), categories=[b.name for b in blocking]) if blocking else None
    columns["linked"] = linked
    # No copy: at millions of pairs the frame's columns would double the run's peak.
    return pd.DataFrame(columns, copy=False)
