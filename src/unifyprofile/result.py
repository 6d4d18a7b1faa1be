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
from collections.abc import Callable, Sequence
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
import tomllib

from unifyprofile import schema
from unifyprofile.compare import compare_pairs
from unifyprofile.config import Config, dump_config, parse_config
from unifyprofile.errors import ConfigError, DataError
from unifyprofile.events import EVENT_COLUMNS, empty_events, timeline
from unifyprofile.graph import identity_graph, widest_path
from unifyprofile.score import FellegiSunter, Scored, prepare_rules, score_pairs, vetoed
from unifyprofile.sources import LineCount

__all__ = ["EVIDENCE_COLUMNS", "EXPLAIN_FILES", "REVIEW_BANDS", "TABLES", "Counts",
           "Explanation", "Result", "RunResult", "csv_ready", "evidence_table",
           "explain_reason", "has_events",
           "json_rows", "summarise",
           "write_csv", "write_model_and_summary", "write_parquet"]

#: The tables a result writes, in order (``events`` only when a source is an event source).
TABLES = ("clusters", "golden", "pairs", "rejects", "events")

#: What :meth:`Result.write` adds so that :meth:`Result.read` can explain and review a
#: run from its folder: the standardised records, the links clustering cut, the config
#: without its sources (threshold, guards, rules).
EXPLAIN_FILES = ("records.parquet", "links_cut.parquet", "config.toml")

#: The probability bands :meth:`Result.review` draws a few pairs from each of.
REVIEW_BANDS = (0.0, 0.01, 0.1, 0.5, 0.9, 0.99, 1.0)

#: The columns of :attr:`Explanation.evidence`: one row per comparison.
EVIDENCE_COLUMNS = ("comparison", "value_l", "value_r", "level", "label",
                    "log2_bayes_factor")

#: The columns of an explanation's links before the per-comparison evidence.
_LINK = ("record_id_l", "record_id_r", "match_weight", "match_probability", "rule", "linked")


def json_rows(table: pd.DataFrame) -> list[dict[str, Any]]:
    """A table as JSON-ready rows: missing values as None, times as ISO text.

    Examples:
        >>> json_rows(pd.DataFrame({"a": [1.5, None], "b": ["x", None]}))
        [{'a': 1.5, 'b': 'x'}, {'a': None, 'b': None}]
    """
    if not len(table):
        return []
    return list(json.loads(table.to_json(orient="records", date_format="iso",
                                         default_handler=str)))


def _no_evidence() -> pd.DataFrame:
    return pd.DataFrame(columns=list(EVIDENCE_COLUMNS))


@dataclass
class Explanation:
    """Why two records are one entity, or why not: what :meth:`Result.explain` (a batch
    run) and :meth:`IdentityStore.explain <unifyprofile.store.IdentityStore.explain>`
    return (nothing is written).

    Attributes:
        record_ids: the two records asked about.
        entity_ids: the entity each of them is in now.
        same_entity: whether that is one entity.
        reason: one sentence: what joins them, or what keeps them apart.
        path: (one entity) the links joining them, in order from the first record, the
            chain whose weakest link is strongest: ``record_id_l``, ``record_id_r``,
            ``match_weight``, ``match_probability``, ``rule``, ``linked`` and one log2
            Bayes factor per comparison.
        direct: the two records scored against each other now, one row with the same
            columns and ``compared``: whether blocking compares them at all.
        evidence: the direct pair, one row per comparison (:data:`EVIDENCE_COLUMNS`):
            the value each record holds, the level, its label (``"exact"``,
            ``"jw>=0.92"``, ``"nickname"``; ``"null"`` where a side is missing) and its
            log2 Bayes factor.
    """

    record_ids: tuple[str, str]
    entity_ids: tuple[str, str]
    same_entity: bool
    reason: str
    path: pd.DataFrame
    direct: pd.DataFrame
    evidence: pd.DataFrame = field(default_factory=_no_evidence)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ``path`` as a list of links, ``direct`` as one, ``evidence`` as a
        list of comparisons."""
        return {"record_ids": list(self.record_ids), "entity_ids": list(self.entity_ids),
                "same_entity": self.same_entity, "reason": self.reason,
                "path": json_rows(self.path), "direct": json_rows(self.direct)[0],
                "evidence": json_rows(self.evidence)}


def evidence_table(records: pd.DataFrame, model: FellegiSunter, a: int, b: int,
                   levels: np.ndarray, contributions: np.ndarray) -> pd.DataFrame:
    """One pair's evidence, one row per comparison of ``model`` (:data:`EVIDENCE_COLUMNS`).

    Args:
        records: the records (standardised) holding the pair.
        model: the fitted model whose comparisons made ``levels``.
        a, b: row positions of the pair's two records in ``records``.
        levels: the pair's level per comparison.
        contributions: the pair's log2 Bayes factor per comparison.

    Examples:
        >>> from unifyprofile.compare import ExactMatch
        >>> model = FellegiSunter([ExactMatch("email")]).set_params(
        ...     m=[[0.1, 0.9]], u=[[0.99, 0.01]], lambda_=0.01)
        >>> records = pd.DataFrame({"email": ["a@x.org", "a@x.org"]})
        >>> evidence_table(records, model, 0, 1, np.array([1]), np.array([6.49]))
          comparison  value_l  value_r  level  label  log2_bayes_factor
        0      email  a@x.org  a@x.org      1  exact               6.49
    """
    rows = []
    for k, comparison in enumerate(model.comparisons):
        level = int(levels[k])
        label = "null" if level < 0 else comparison.level_names[level]
        rows.append((comparison.name, _value(records, comparison.field, a),
                     _value(records, comparison.field, b), level, label,
                     float(contributions[k])))
    return pd.DataFrame(rows, columns=list(EVIDENCE_COLUMNS))


def _value(records: pd.DataFrame, name: str, row: int) -> str | None:
    """What a record holds in a field as it came (the standardised form where the raw
    one is not kept)."""
    for column in (name, schema.std(name)):
        if column in records.columns:
            value = records[column].iat[row]
            if value is not None and not (np.ndim(value) == 0 and pd.isna(value)):
                return str(value)
    return None


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


def explain_reason(member: tuple[str, str], path: pd.DataFrame, *, same_record: bool,
                   compared: bool, probability: float, linked: bool, rule: str | None,
                   forbidden: Callable[[], bool], veto: Sequence[str], threshold: float,
                   cut: Callable[[], list[str]]) -> str:
    """The one sentence of an :class:`Explanation`: what joins two records, or what keeps
    them apart (batch and store explain say the same).  ``forbidden`` (a veto stops the
    link) and ``cut`` (clustering's reasons) are asked only when the sentence needs them.
    """
    if same_record:
        return "the same record"
    if member[0] == member[1]:
        weakest = path.loc[path["match_probability"].idxmin()]
        return (f"one entity ({member[0]}): {len(path)} link(s) join them; the weakest is "
                f"{weakest['record_id_l']} - {weakest['record_id_r']} (match probability "
                f"{weakest['match_probability']:.3f}"
                + (f", rule {weakest['rule']})" if weakest["rule"] else ")"))
    if not compared:
        return ("never compared: they share no blocking-key value, so no rule or score "
                f"could link them (scored against each other: match probability "
                f"{probability:.3f}); a blocking rule on a field they share would compare "
                "them")
    if not linked:
        return (f"compared, not linked: match probability {probability:.3f}"
                + (f" but a veto field disagrees (guards.veto: {', '.join(veto)})"
                   if forbidden() else f" is below the threshold {threshold:g}"))
    return (f"linked ({f'rule {rule}, ' if rule else ''}match probability "
            f"{probability:.3f}), but clustering keeps them in different entities: "
            f"{'; '.join(cut()) or 'no link was cut'}")


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

    def explain(self, record_a: str, record_b: str) -> Explanation:
        """Why two records are one entity (the chain of links joining them, the one whose
        weakest link is strongest, and each link's evidence), or why not (never
        compared, below the threshold, vetoed, or cut by a guard): the same answer as
        :meth:`IdentityStore.explain <unifyprofile.store.IdentityStore.explain>` gives
        for a store built from the same records, without a store.

        Raises:
            DataError: a record id is not in this result.

        Examples:
            >>> import pandas as pd, unifyprofile as up
            >>> people = pd.DataFrame({"id": ["1", "2", "3"],
            ...     "first": ["Ann", "Ann", "Bo"], "last": ["Lee", "Lee", "Ng"],
            ...     "email": ["ann@x.org", "ann@x.org", "bo@y.org"]})
            >>> source = up.Source("crm", data=people, id_column="id",
            ...     columns={"first_name": "first", "last_name": "last", "email": "email"})
            >>> rule = up.score.DeterministicRule.from_config({"name": "email",
            ...                                                "keys": ["email"]})
            >>> result = up.Resolver(up.Config(sources=(source,), rules=(rule,))).run()
            >>> why = result.explain("crm:1", "crm:2")
            >>> why.same_entity, why.path["rule"].tolist()
            (True, ['email'])
            >>> why.evidence.loc[why.evidence["comparison"] == "email",
            ...                  ["value_l", "value_r", "label"]].values.tolist()
            [['ann@x.org', 'ann@x.org', 'exact']]
            >>> result.explain("crm:1", "crm:3").same_entity
            False
        """
        a, b = str(record_a), str(record_b)
        member = dict(zip(self.clusters[schema.RECORD_ID].astype(str).tolist(),
                          self.clusters[schema.ENTITY_ID].tolist(), strict=True))
        for rid in (a, b):
            if rid not in member:
                raise DataError(f"no record {rid!r} in this result; record ids look like "
                                "'<source>:<source id>' (see result.clusters['record_id'])")
        names = [c.name for c in self.model.comparisons]
        columns = [*_LINK, *names]
        scorer = _PairScorer(self)
        evidence, scored, levels, parts = scorer.score([a], [b])
        compared = a != b and scorer.compared(a, b)
        direct = pd.DataFrame({"record_id_l": [a], "record_id_r": [b], **evidence,
                               "compared": [compared]})
        table = evidence_table(self.records, self.model, scorer.at[a], scorer.at[b],
                               levels[0], parts[0])
        path = pd.DataFrame(columns=columns)
        probability = float(scored.probability[0])
        if a != b and member[a] == member[b]:
            links = widest_path(scorer.entity_graph(member[a]), a, b)
            steps, _, _, _ = scorer.score([x for x, _ in links], [y for _, y in links])
            path = pd.DataFrame({"record_id_l": [x for x, _ in links],
                                 "record_id_r": [y for _, y in links], **steps})
        guards = self.config.guards
        reason = explain_reason(
            (member[a], member[b]), path, same_record=a == b, compared=compared,
            probability=probability, linked=bool(scored.linked[0]),
            rule=evidence["rule"][0],
            forbidden=lambda: bool(vetoed(levels, list(self.model.comparisons), guards,
                                          self.model)[0]),
            veto=guards.veto, threshold=self.config.threshold,
            cut=lambda: scorer.cut_reasons(member[a], member[b]))
        return Explanation((a, b), (member[a], member[b]), member[a] == member[b], reason,
                           path[columns], direct, table)

    def review(self, n: int = 200, *, seed: int = 0) -> pd.DataFrame:
        """Candidate pairs to label: those the model is least sure of (match weight
        nearest the threshold's, four in five of ``n``) and a few drawn at random from
        each probability band (:data:`REVIEW_BANDS`), with both records' values side by
        side and an empty ``is_match`` column to fill in (1 for one person, 0 for two).

        Args:
            n: how many pairs (fewer when there are fewer candidate pairs).
            seed: the draw from each band; the same seed gives the same pairs.

        Returns:
            ``record_id_l``, ``record_id_r``, ``match_probability``, ``match_weight``,
            ``rule``, ``why`` (``"near the threshold"`` or the band), ``is_match``, then
            ``<field>_l`` / ``<field>_r`` for ``source`` and every field the records hold.

        Examples:
            >>> import pandas as pd, unifyprofile as up
            >>> people = pd.DataFrame({"id": [str(k) for k in range(6)],
            ...     "first": ["Ann", "Ann", "Anne", "Bo", "Bo", "Al"],
            ...     "last": ["Lee", "Lee", "Lee", "Ng", "Ng", "Lee"]})
            >>> source = up.Source("crm", data=people, id_column="id",
            ...     columns={"first_name": "first", "last_name": "last"})
            >>> result = up.Resolver(up.Config(sources=(source,))).run()
            >>> to_label = result.review(3)
            >>> len(to_label), bool(to_label["is_match"].isna().all())
            (3, True)
            >>> [c for c in to_label.columns if c.startswith("first_name")]
            ['first_name_l', 'first_name_r']
        """
        if n < 1:
            raise ConfigError(f"review: n must be at least 1 (got {n})")
        pairs = self.pairs.reset_index(drop=True)
        weight = pairs["match_weight"].to_numpy(dtype=np.float64)
        probability = pairs["match_probability"].to_numpy(dtype=np.float64)
        threshold = min(self.config.threshold, 1 - 1e-9)
        at_threshold = np.log2(threshold / (1 - threshold)) - self.model.prior_weight
        # Ties in distance are broken by the record ids, so the order of the pairs table
        # does not matter.
        left = pairs["record_id_l"].astype(str).to_numpy()
        right = pairs["record_id_r"].astype(str).to_numpy()
        # A pair a deterministic rule linked, or a guard vetoes, is what it is whatever
        # its weight: last.
        comparisons = list(self.model.comparisons)
        levels = pairs[[c.name for c in comparisons]].to_numpy(dtype=np.int8)
        ruled = pairs["rule"].notna().to_numpy() | vetoed(
            levels, comparisons, self.config.guards, self.model)
        near = np.lexsort((right, left, np.abs(weight - at_threshold), ruled))
        chosen = list(near[:n - n // 5].tolist())
        taken = set(chosen)
        why = dict.fromkeys(chosen, "near the threshold")
        rng = np.random.default_rng(seed)
        bands = list(zip(REVIEW_BANDS[:-1], REVIEW_BANDS[1:], strict=True))
        left_over = n - len(chosen)
        for b, (low, high) in enumerate(bands):
            quota = left_over // len(bands) + (b < left_over % len(bands))
            inside = np.flatnonzero((probability >= low) & ((probability < high)
                                                            | (high >= 1.0)))
            inside = np.array(sorted(set(inside.tolist()) - taken), dtype=np.int64)
            if not len(inside) or not quota:
                continue
            drawn = rng.choice(inside, size=min(quota, len(inside)), replace=False)
            for k in sorted(drawn.tolist()):
                chosen.append(k)
                taken.add(k)
                why[k] = f"band [{low:g}, {high:g})"
        # Bands with too few pairs leave room: the next nearest pairs fill it.
        for k in near.tolist():
            if len(chosen) >= n:
                break
            if k not in taken:
                chosen.append(k)
                taken.add(k)
                why[k] = "near the threshold"
        picked = pairs.iloc[chosen]
        out = pd.DataFrame({
            "record_id_l": picked["record_id_l"].astype(str).to_numpy(),
            "record_id_r": picked["record_id_r"].astype(str).to_numpy(),
            "match_probability": picked["match_probability"].to_numpy(),
            "match_weight": picked["match_weight"].to_numpy(),
            "rule": picked["rule"].astype(object).to_numpy(),
            "why": [why[k] for k in chosen],
            "is_match": pd.array([None] * len(chosen), dtype=object)})
        records = self.records.set_index(self.records[schema.RECORD_ID].astype(str))
        fields = [schema.SOURCE, *(f for f in (*schema.CANONICAL_FIELDS, *schema.ID_FIELDS)
                                   if f in records.columns and records[f].notna().any())]
        for name in dict.fromkeys(fields):
            column = records[name]
            out[f"{name}_l"] = column.reindex(out["record_id_l"]).to_numpy()
            out[f"{name}_r"] = column.reindex(out["record_id_r"]).to_numpy()
        return out

    def report(self, path: str | Path, truth: pd.Series | str | Path | None = None
               ) -> Path:
        """Write an offline HTML report of this run to ``path``: one self-contained file
        (inputs, blocking, model, scores, clusters, golden profiles, waterfalls; with
        ``truth``, precision and recall too). See :mod:`unifyprofile.report`.

        Args:
            path: the HTML file to write.
            truth: record id -> true person, or a CSV of ``record_id,person_id``.

        Returns:
            ``path``.
        """
        # The report sits above the result (it reads results and evaluates them):
        # entered on first use, as the optional parts are.
        from unifyprofile.report import write_report

        return write_report(self, path, truth=truth)

    @classmethod
    def read(cls, directory: str | Path) -> Result:
        """The result a local run wrote to ``directory`` (:meth:`write`), read back
        enough to :meth:`explain` its pairs and review them: records, clusters, pairs,
        links cut, model and config (without its sources: the tables are read, not the
        exports).  Golden profiles, rejects and events are left unread.

        Raises:
            ConfigError: a file is missing or is not what ``write`` writes.
        """
        folder = Path(directory)
        needed = ["clusters.parquet", "pairs.parquet", "model.json", *EXPLAIN_FILES]
        missing = [n for n in needed if not (folder / n).is_file()]
        if missing:
            raise ConfigError(f"{folder}: no {', '.join(missing)}; give the output folder "
                              "of `unifyprofile run` on the local engine (a folder written "
                              "before these files existed: run it again)")
        try:
            settings = tomllib.loads((folder / "config.toml").read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{folder / 'config.toml'}: not valid TOML ({exc}); run "
                              "`unifyprofile run` again to rewrite it") from None
        settings.pop("sources", None)
        config = parse_config(settings, base_dir=folder)
        model = FellegiSunter.load(folder / "model.json")
        return cls(records=pd.read_parquet(folder / "records.parquet"),
                   clusters=pd.read_parquet(folder / "clusters.parquet"),
                   golden=pd.DataFrame(columns=[schema.ENTITY_ID]),
                   pairs=pd.read_parquet(folder / "pairs.parquet"),
                   rejects=pd.DataFrame(columns=list(schema.REJECT_COLUMNS)),
                   model=model, config=config,
                   cut=pd.read_parquet(folder / "links_cut.parquet"))

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
        written += self._write_explain_files(out)
        return [*written, *write_model_and_summary(out, self.model, self.summary())]

    def _write_explain_files(self, out: Path) -> list[Path]:
        """:data:`EXPLAIN_FILES`: what :meth:`read` needs beyond the tables."""
        try:
            write_parquet(self.records, out / "records.parquet")
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            # A column of mixed Python objects: as text (explain shows values as text).
            mixed = self.records.select_dtypes(include="object").columns
            write_parquet(self.records.astype({c: object for c in mixed}).assign(**{
                c: self.records[c].map(lambda v: None if v is None else str(v))
                for c in mixed}), out / "records.parquet")
        cut = self.cut if len(self.cut) else pd.DataFrame(
            columns=["record_id_l", "record_id_r", "weight", "reason"])
        write_parquet(cut.drop(columns=["i", "j"], errors="ignore").astype(
            {"record_id_l": str, "record_id_r": str, "reason": str}),
            out / "links_cut.parquet")
        written = [out / "records.parquet", out / "links_cut.parquet"]
        try:
            text = dump_config(dataclasses.replace(self.config, sources=()))
        except (ValueError, TypeError, KeyError) as exc:
            # A spec the TOML cannot hold (a comparison registered in this process
            # only): the tables are written all the same; explain needs the config.
            self.notes.append(f"config.toml not written ({exc}): `unifyprofile explain "
                              "--out` and `review` need it")
            return written
        (out / "config.toml").write_text(
            "# The config of this run without its sources (Result.read reads it).\n"
            + text, encoding="utf-8")
        return [*written, out / "config.toml"]


class _PairScorer:
    """Scores any pair of a result's records as the run scored its candidate pairs
    (the same comparisons, rules, term frequencies, threshold and guards)."""

    def __init__(self, result: Result) -> None:
        self.result = result
        records = result.records
        self.at = {r: k for k, r in enumerate(records[schema.RECORD_ID].astype(str).tolist())}
        self.prepared = [c.prepare(records) for c in result.model.comparisons]
        self.rules = prepare_rules(records, result.config.rules)

    def score(self, left: list[str], right: list[str]
              ) -> tuple[dict[str, np.ndarray], Scored, np.ndarray, np.ndarray]:
        """The link columns of the pairs (weight, probability, rule, linked, one log2
        Bayes factor per comparison), the scores, the levels and the factors."""
        result, model = self.result, self.result.model
        i = np.array([self.at[x] for x in left], dtype=np.int64)
        j = np.array([self.at[y] for y in right], dtype=np.int64)
        levels = compare_pairs(self.prepared, i, j)
        frequencies = [p.value_frequency for p in self.prepared]
        scored = score_pairs(levels, i, j, model, self.rules, frequencies,
                             threshold=result.config.threshold, guards=result.config.guards)
        parts = model.contributions(levels, frequencies, rows=i)
        names = [r.name for r in result.config.rules]
        return {"match_weight": scored.weight, "match_probability": scored.probability,
                "rule": np.array([names[f] if f >= 0 else None
                                  for f in scored.fired.tolist()], dtype=object),
                "linked": scored.linked,
                **{c.name: parts[:, k] for k, c in enumerate(model.comparisons)}
                }, scored, levels, parts

    def compared(self, a: str, b: str) -> bool:
        """Whether blocking made the pair a candidate (it is in the pairs table)."""
        pairs = self.result.pairs
        left = pairs["record_id_l"].astype(str)
        right = pairs["record_id_r"].astype(str)
        return bool((((left == a) & (right == b)) | ((left == b) & (right == a))).any())

    def _cut(self) -> set[frozenset[str]]:
        cut = self.result.cut
        if not len(cut) or "record_id_l" not in cut:
            return set()
        return {frozenset((str(x), str(y))) for x, y in
                zip(cut["record_id_l"].tolist(), cut["record_id_r"].tolist(), strict=True)}

    def entity_graph(self, entity_id: str) -> nx.Graph:
        """An entity's records and the links clustering kept between them."""
        result = self.result
        clusters = result.clusters[result.clusters[schema.ENTITY_ID] == entity_id]
        links = result.links[["record_id_l", "record_id_r", "match_weight", "rule"]].astype(
            {"record_id_l": str, "record_id_r": str})
        cut = self._cut()
        if cut:
            kept = [frozenset((x, y)) not in cut for x, y in zip(
                links["record_id_l"].tolist(), links["record_id_r"].tolist(), strict=True)]
            links = links[np.array(kept, dtype=bool)]
        return identity_graph(clusters[[schema.RECORD_ID, schema.ENTITY_ID]].astype(str),
                              links)

    def cut_reasons(self, entity_a: str, entity_b: str) -> list[str]:
        """Why clustering cut links of two entities' records."""
        cut = self.result.cut
        if not len(cut) or "record_id_l" not in cut:
            return []
        clusters = self.result.clusters
        members = set(clusters.loc[clusters[schema.ENTITY_ID].isin([entity_a, entity_b]),
                                   schema.RECORD_ID].astype(str))
        near = cut["record_id_l"].astype(str).isin(members) | cut["record_id_r"].astype(
            str).isin(members)
        return sorted(set(cut.loc[near, "reason"].astype(str).tolist()))


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
