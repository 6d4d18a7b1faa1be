"""The local engine: the stages on pandas and numpy arrays on this machine.

read -> standardise -> guards -> block -> compare -> fit -> score -> cluster -> golden

:class:`LocalEngine` is what ``Resolver(config).run()`` runs.  :class:`LocalPipeline`
holds its stages as steps a caller can run one at a time (the identity store reads and
fits with it; ``unifyprofile evaluate`` resolves without the golden stage).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from unifyprofile import schema
from unifyprofile._columns import order_of
from unifyprofile._log import log_notes
from unifyprofile.blocking import BlockingRule, Candidates, TableKeys, block
from unifyprofile.compare import Comparison, PreparedComparison, compare_pairs
from unifyprofile.config import Config, config_warnings
from unifyprofile.engines._base import (
    Progress,
    Stopwatch,
    plan_blocking,
    plan_comparisons,
    sources_with_data,
    year_pivots,
)
from unifyprofile.events import with_traits
from unifyprofile.golden import merge
from unifyprofile.graph import cluster, clusters_table, constraints
from unifyprofile.result import Result, has_events
from unifyprofile.score import (
    MIN_EACH,
    PSEUDO_COUNT,
    FellegiSunter,
    Labels,
    Scored,
    best_threshold,
    blend_m,
    demote_hubs,
    fit_checked,
    held_out,
    kept_apart,
    link_bound,
    prepare_rules,
    score_pairs,
    separator,
    trainable,
    weight_histogram,
)
from unifyprofile.sources import Source, SourceTable, read_sources
from unifyprofile.standardise import standardise

__all__ = ["CHUNK_PAIRS", "LocalEngine", "LocalPipeline"]

#: Pairs scored at a time while a fit is checked; bounds memory.
CHUNK_PAIRS = 2_000_000


class LocalEngine:
    """Runs the stages with pandas, numpy and rapidfuzz in this process."""

    name = "local"

    def run(self, config: Config, data: Mapping[str, Any] | None = None, *,
            model: FellegiSunter | None = None, progress: Progress | None = None,
            labels: Labels | None = None) -> Result:
        return LocalPipeline(config, model=model, progress=progress, labels=labels).run(data)

    def __repr__(self) -> str:
        return "LocalEngine()"


class LocalPipeline:
    """One local run's stages, callable one at a time, timed on one :class:`Stopwatch`.

    Args:
        config: what to run.
        model: a fitted model to score with instead of fitting one.
        progress: called as ``progress(stage, done, total)`` while stages run.
        labels: labelled pairs (:func:`unifyprofile.score.read_labels`): their matches
            blend into ``m``, they choose the threshold, and the pairs labelled
            different are kept apart (see :mod:`unifyprofile.score` ``_labels``).
    """

    def __init__(self, config: Config, *, model: FellegiSunter | None = None,
                 progress: Progress | None = None, labels: Labels | None = None) -> None:
        self.config = config
        self.model = model
        self.progress = progress
        self.labels = labels
        self.clock = Stopwatch(progress)

    def run(self, data: Mapping[str, Any] | None = None) -> Result:
        """Read the sources (``data``'s tables in place of their files), resolve them and
        return a :class:`~unifyprofile.Result`."""
        self.clock.timings.clear()
        records, table, hubs, sources = self.prepare(data)
        result = self.resolve(records, sources)
        result.rejects = table.rejects
        result.notes = config_warnings(self.config) + table.notes + result.notes
        log_notes(result.notes)
        result.rows_read = table.rows_read
        result.lines = table.lines
        result.hubs = hubs
        if has_events(self.config):
            with self.clock.stage("events"):
                events = table.events
                entity = events[schema.RECORD_ID].map(
                    result.clusters.set_index(schema.RECORD_ID)[schema.ENTITY_ID])
                result.events = events
                result.golden = with_traits(result.golden, events.assign(entity_id=entity))
        result.timings = dict(self.clock.timings)
        return result

    def prepare(self, data: Mapping[str, Any] | None = None, *, demote: bool = True
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
        with self.clock.stage("read"):
            table = read_sources(sources, config.base_dir)
        by_name = {s.name: s for s in sources}
        with self.clock.stage("standardise"):
            src = table.records[schema.SOURCE]
            region = src.map({n: s.default_region for n, s in by_name.items()})
            dayfirst = src.map({n: s.dayfirst for n, s in by_name.items()}).astype(bool)
            records = standardise(table.records, region=region, dayfirst=dayfirst,
                                  year_pivot=year_pivots(
                                      src, {n: s.year_pivot for n, s in by_name.items()}),
                                  id_fields=config.id_fields,
                                  phone_fields=config.phone_fields,
                                  placeholders=dict(config.guards.placeholders),
                                  share=True)
            if demote:
                records, hubs = demote_hubs(records, config.guards)
            else:
                hubs = pd.DataFrame(columns=["field", "value", "records", "people"])
        return records, table, hubs, sources

    def compared(self, records: pd.DataFrame, keys: TableKeys | None = None) -> Compared:
        """Block and compare ``records`` (positions 0..n-1); ``keys`` as for
        :meth:`resolve`."""
        config = self.config
        side = None
        if config.link_type == "link_only":
            side = pd.factorize(records[schema.SOURCE])[0]
        all_rules = plan_blocking(config, records.columns)
        with self.clock.stage("block"):
            cand = block(records, all_rules, link_type=config.link_type, side=side,
                         max_pairs_per_rule=config.max_pairs_per_rule, keys=keys)
        comparisons = plan_comparisons(config, records.columns)
        with self.clock.stage("compare"):
            prepared = [c.prepare(records) for c in comparisons]
            levels = compare_pairs(prepared, cand.i, cand.j, self.progress)
        return Compared(self, records, side, all_rules, cand, comparisons, prepared, levels)

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
        records = positional(records)
        n = len(records)
        compared = self.compared(records, keys)
        if keys is not None:
            keys.clear()
        all_rules, cand, comparisons = compared.rules, compared.cand, compared.comparisons
        prepared, levels = compared.prepared, compared.levels
        model = self.model if self.model is not None else compared.fit()
        taught = None
        if self.labels is not None:
            with self.clock.stage("labels"):
                taught = _Taught.learn(self.labels, compared, model)
            model, config = taught.model, taught.config
        with self.clock.stage("score"):
            rules = prepare_rules(records, config.rules)
            scored = score_pairs(levels, cand.i, cand.j, model, rules,
                                 [p.value_frequency for p in prepared],
                                 threshold=config.threshold, guards=config.guards,
                                 weight=compared.weights.get(model))
        with self.clock.stage("cluster"):
            linked = scored.linked
            apart = None
            if config.guards.keep_apart_below is not None:
                low = kept_apart(scored, config.guards)
                apart = (cand.i[low], cand.j[low])
            if taught is not None and len(taught.apart[0]):
                apart = taught.apart if apart is None else (
                    np.concatenate([apart[0], taught.apart[0]]),
                    np.concatenate([apart[1], taught.apart[1]]))
            clustering = cluster(
                n, cand.i[linked], cand.j[linked], scored.strength(linked),
                constraints=constraints(records, config.guards.unique_identifiers,
                                        [s.name for s in sources if s.unique_per_person]),
                max_cluster_size=config.guards.max_cluster_size, apart=apart,
                separate=separator(prepared, model, config.guards))
            # The prepared comparisons hold per-record codes and distinct values: free
            # them before the golden stage, the run's memory peak.
            del prepared, compared
            clusters = clusters_table(records[schema.RECORD_ID], clustering.labels)
        profiles = pd.DataFrame(columns=[schema.ENTITY_ID])
        if golden:
            with self.clock.stage("golden"):
                trust = {s.name: s.trust for s in sources}
                profiles = merge(records, clusters, dict(config.survivorship),
                                 default=config.default_survivorship, trust=trust)
        pairs = _pairs_table(records, cand, comparisons, levels, scored.weight,
                             scored.probability, rules.names(scored.fired), all_rules,
                             linked)
        cut = clustering.cut
        if len(cut):
            rid = records[schema.RECORD_ID].to_numpy(dtype=object)
            cut = cut.assign(record_id_l=rid[cut["i"].to_numpy()],
                             record_id_r=rid[cut["j"].to_numpy()])
        return Result(records=records, clusters=clusters, golden=profiles, pairs=pairs,
                      rejects=pd.DataFrame(columns=list(schema.REJECT_COLUMNS)), model=model,
                      config=config, cut=cut, timings=dict(self.clock.timings),
                      notes=list(getattr(model, "notes_", []))
                      + (taught.notes if taught is not None else []))


@dataclass
class _Taught:
    """What labelled pairs changed: the model (``m`` blended), the config (the threshold
    F1 chose), the pairs to keep apart and notes saying so."""

    model: FellegiSunter
    config: Config
    apart: tuple[np.ndarray, np.ndarray]
    notes: list[str]

    @classmethod
    def learn(cls, labels: Labels, compared: Compared, model: FellegiSunter) -> _Taught:
        config = compared.pipeline.config
        records, cand = compared.records, compared.cand
        li, lj = labels.positions(records[schema.RECORD_ID])
        levels = compare_pairs(compared.prepared, li, lj)
        is_match = labels.pairs["is_match"].to_numpy(dtype=bool)
        frequencies = [p.value_frequency for p in compared.prepared]
        notes = [f"labels: {len(is_match):,} labelled pair(s) from {labels.where} "
                 f"({int(is_match.sum()):,} match(es), {int((~is_match).sum()):,} "
                 "non-match(es))"]
        # Review picked the pairs to label by the weights of the model fitted without
        # labels: the labelled zone is found with them.
        fitted = compared.weights.get(model)
        if fitted is None:
            fitted = model.match_weight(compared.levels, frequencies, rows=cand.i)
        zone_of = (fitted, model.prior_weight)
        if is_match.any():
            model = blend_m(model, levels[is_match])
            # The prior follows the new m, as a fit sets it (the weights are kept for
            # scoring).
            weight = model.match_weight(compared.levels, frequencies, rows=cand.i)
            model.fit_lambda_to(weight_histogram(weight), compared.total_pairs())
            compared.weights = {model: weight}
            notes.append(f"labels: m blended with EM's: the labelled matches' levels plus "
                         f"{PSEUDO_COUNT:g} pseudo-pairs at EM's m, per comparison")
        rules = prepare_rules(records, config.rules)
        now = compared.weights.get(model)
        if now is None:
            now = model.match_weight(compared.levels, frequencies, rows=cand.i)
        everyone = score_pairs(compared.levels, cand.i, cand.j, model, rules, frequencies,
                               threshold=1e-12, guards=config.guards, weight=now)
        threshold, said = _threshold(labels, li, lj, is_match, everyone, config.threshold,
                                     zone_of, len(records), cand)
        notes.append(said)
        config = dataclasses.replace(config, threshold=threshold)
        apart = (li[~is_match], lj[~is_match])
        if len(apart[0]):
            notes.append(f"labels: {len(apart[0]):,} pair(s) labelled different are kept "
                         "in different entities (cannot-link)")
        return cls(model, config, apart, notes)


def _threshold(labels: Labels, li: np.ndarray, lj: np.ndarray, is_match: np.ndarray,
               everyone: Scored, current: float, zone_of: tuple[np.ndarray, float], n: int,
               cand: Candidates) -> tuple[float, str]:
    """The threshold labels choose (see :func:`~unifyprofile.score.best_threshold`), and
    a note saying which and why; ``zone_of``: the weights and prior weight of the model
    the pairs to label were picked by."""
    known = np.minimum(cand.i, cand.j) * n + np.maximum(cand.i, cand.j)
    asked = np.minimum(li, lj) * n + np.maximum(li, lj)
    at = pd.Index(known).get_indexer(asked)  # -1: a labelled pair blocking never made
    share = everyone.probability.copy()
    labelled = np.zeros(len(known), dtype=bool)
    share[at[at >= 0]] = is_match[at >= 0]
    labelled[at[at >= 0]] = True
    ruled = everyone.fired >= 0
    free = everyone.linked & ~ruled
    # The labelled zone: the free pairs nearest the threshold (in weight, as review
    # ranks them) that are labelled, up to the nearest one that is not (a pair as near
    # as that one counts: review breaks such ties by record id).
    weight, prior = zone_of
    odds = min(current, 1 - 1e-9)
    distance = np.abs(weight - (np.log2(odds / (1 - odds)) - prior))
    open_ = free & ~labelled
    reach = float(distance[open_].min()) if open_.any() else np.inf
    zone = np.flatnonzero(free & labelled & (distance <= reach))
    matches = int(share[zone].sum())
    others = len(zone) - matches
    if min(matches, others) < MIN_EACH:
        return current, (f"labels: kept the threshold {current:g}: the labelled pairs "
                         f"nearest it hold {matches} match(es) and {others} non-match(es); "
                         f"{MIN_EACH} of each are needed to choose one (label the pairs "
                         "`unifyprofile review` lists first)")
    low, high = float(everyone.probability[zone].min()), float(
        everyone.probability[zone].max())
    threshold, f1 = best_threshold(everyone.probability, share, everyone.linked,
                                   ruled, current, within=(low, high))
    return threshold, (f"labels: threshold {threshold:.4g} (configured {current:g}) "
                       f"maximises the F1 estimated on the candidate pairs ({f1:.3f}), "
                       f"chosen within the {len(zone):,} labelled pairs nearest the "
                       f"threshold (probability {low:.3g} to {high:.3g}; {labels.where})")


def positional(records: pd.DataFrame) -> pd.DataFrame:
    """``records`` with rows at positions 0..n-1 (a copy only when they are not)."""
    if records.index.equals(pd.RangeIndex(len(records))):
        return records
    return records.reset_index(drop=True)


@dataclass
class Compared:
    """Candidate pairs of some records and their comparison levels."""

    pipeline: LocalPipeline
    records: pd.DataFrame
    side: np.ndarray | None
    rules: list[BlockingRule]
    cand: Candidates
    comparisons: list[Comparison]
    prepared: list[PreparedComparison]
    levels: np.ndarray
    #: Match weights of the pairs under the model :meth:`fit` kept.
    weights: dict[FellegiSunter, np.ndarray] = field(default_factory=dict)

    def fit(self) -> FellegiSunter:
        """The model fitted (EM) on these pairs, checked against them and refitted when
        the check fails (see :func:`unifyprofile.score.fit_checked`); the check is kept
        on the model as ``diagnosis_`` and its notes as ``notes_``."""
        config = self.pipeline.config
        total_pairs = self.total_pairs()
        n = len(self.records)
        allowed = trainable(self.levels, self.comparisons, config.guards)
        # A generator: at millions of pairs, one mask per rule held at once is 100 MB.
        sessions = ((mask & allowed, fixed) for mask, fixed in self._sessions())
        order = order_of(self.records[schema.RECORD_ID])

        inputs = FellegiSunter(self.comparisons, seed=config.seed).fit_inputs(
            self.levels, self.prepared, n, side=self.side, sessions=sessions, order=order)

        bound = self._link_bound()

        def fit_one(candidate_u: bool, held: bool) -> FellegiSunter:
            return FellegiSunter(self.comparisons, seed=config.seed, candidate_u=candidate_u,
                                 max_matches=bound if held else None).fit_counts(*inputs)

        def links(model: FellegiSunter) -> np.ndarray:
            weight = model.match_weight(self.levels,
                                        [p.value_frequency for p in self.prepared],
                                        rows=self.cand.i)
            self.weights[model] = weight  # for scoring, when this fit is kept
            model.fit_lambda_to(weight_histogram(weight), total_pairs)
            out = np.empty(len(weight), dtype=bool)
            for start in range(0, len(out), CHUNK_PAIRS):  # bounded memory
                part = slice(start, start + CHUNK_PAIRS)
                out[part] = model.match_probability(weight[part]) >= config.threshold
            return out

        with self.pipeline.clock.stage("fit"):
            model, diagnosis, notes = fit_checked(fit_one, links, self.levels, total_pairs,
                                                  max_links=bound)
        self.weights = {m: w for m, w in self.weights.items() if m is model}
        model.diagnosis_ = diagnosis
        model.notes_ = notes
        return model

    def total_pairs(self) -> int:
        """Every pair the records could form (across the sides when linking)."""
        n = len(self.records)
        if self.side is None:
            return n * (n - 1) // 2
        return int((self.side == 0).sum()) * int((self.side == 1).sum())

    def _sessions(self) -> Iterator[tuple[np.ndarray, list[int]]]:
        """One EM session per blocking rule: its pairs, with its own fields held out."""
        cand = self.cand
        for rule, codes in zip(self.rules, cand.codes, strict=True):
            ci = codes[cand.i]
            yield (ci >= 0) & (ci == codes[cand.j]), held_out(rule, self.comparisons)

    def _link_bound(self) -> int | None:
        """The most pairs this link can hold (:func:`~unifyprofile.score.link_bound`)."""
        if self.side is None:
            return None
        unique = {s.name for s in self.pipeline.config.sources if s.unique_per_person}
        names = self.records[schema.SOURCE].to_numpy(dtype=object)
        sizes = (int((self.side == 0).sum()), int((self.side == 1).sum()))
        flags = tuple(bool(np.isin(names[self.side == k], list(unique)).all())
                      and sizes[k] > 0 for k in (0, 1))
        return link_bound(sizes, (flags[0], flags[1]))


def _pairs_table(records: pd.DataFrame, cand: Candidates, comparisons: list[Comparison],
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
