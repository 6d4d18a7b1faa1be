"""Resolve a labelled benchmark directory and score the result against its truth."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from unifyprofile import schema
from unifyprofile.config import Config, load_config
from unifyprofile.evaluate._loader import Benchmark, load_benchmark
from unifyprofile.evaluate._metrics import (
    bcubed,
    cluster_codes,
    cluster_pair_scores,
    link_truth_clusters,
    pair_key_scores,
    pair_keys,
    pairs_within,
)
from unifyprofile.sources import Source, infer_columns

__all__ = ["evaluate_directory", "evaluate_result", "zero_config"]


def _sources(bench: Benchmark, config: Config | None) -> list[Source]:
    tables = (
        {"records": bench.records}
        if bench.task == "dedup"
        else {"left": bench.left, "right": bench.right}
    )
    configured = {s.name: s for s in config.sources} if config else {}
    out = []
    for name, table in tables.items():
        assert table is not None
        base = configured.get(name)
        if base is not None:
            out.append(
                Source(
                    name,
                    kind=base.kind,
                    data=table,
                    columns=base.columns,
                    id_column=base.id_column or "record_id",
                    default_region=base.default_region,
                    dayfirst=base.dayfirst,
                    year_pivot=base.year_pivot,
                    trust=base.trust,
                    unique_per_person=base.unique_per_person,
                )
            )
        else:
            columns = {k: v if isinstance(v, str) else tuple(v) for k, v in
                       infer_columns(c for c in table.columns if c != "record_id").items()}
            out.append(Source(name, data=table, id_column="record_id", columns=columns))
    return out


def zero_config(bench: Benchmark, *, directory: str | Path | None = None
                ) -> Config:
    """The config zero-config mode infers for a benchmark's tables (no truth is read).

    Args:
        bench: the benchmark.
        directory: when given, sources point at the CSV files there (for writing the
            config out) instead of holding the tables in memory.
    """
    from unifyprofile.infer import infer_config

    tables = (
        {"records": bench.records}
        if bench.task == "dedup"
        else {"left": bench.left, "right": bench.right}
    )
    paths = None
    if directory is not None:
        folder = Path(directory).resolve()
        paths = {name: folder / f"{name}.csv" for name in tables}
    config, _ = infer_config({k: v for k, v in tables.items() if v is not None},
                             link=bench.task == "link", paths=paths)
    return config


def evaluate_directory(
    directory: str | Path, config_path: str | Path | None = None, *,
    write_config: str | Path | None = None,
) -> dict[str, Any]:
    """Resolve the benchmark in ``directory`` and score it (see ``unifyprofile evaluate``).

    Args:
        directory: the benchmark folder.
        config_path: a TOML config; without one the config is inferred (zero-config).
        write_config: write the config used (inferred or given) here as TOML, with the
            sources pointing at the benchmark's CSV files.
    """
    from unifyprofile.blocking import TableKeys, link_sides
    from unifyprofile.config import config_warnings, dump_config
    from unifyprofile.infer import fit_config
    from unifyprofile.resolver import Resolver

    start = time.perf_counter()
    bench = load_benchmark(directory)
    config = load_config(config_path) if config_path is not None else None
    keys = None
    if config is None:
        base = zero_config(bench)
        records, table, _, used = Resolver(base).prepare()
        # Fitting the blocking derives what blocking reuses.
        keys = TableKeys(records, link_sides(records, base.link_type))
        base, notes = fit_config(base, records, keys=keys)
        written = None if write_config is None else dataclasses.replace(
            base, sources=zero_config(bench, directory=directory).sources)
    else:
        base = config
        if bench.task == "link":
            base = dataclasses.replace(base, link_type="link_only")
        written = base
        base = base.with_sources(_sources(bench, config))
        records, table, _, used = Resolver(base).prepare()
        notes = config_warnings(base)
    # The tables are read and standardised: from here the sources name the benchmark's
    # files, and the benchmark keeps only its record ids, so a million records are not
    # held twice while they are resolved.
    used = _on_disk(used, directory)
    base = base.with_sources(used)
    bench = _ids_only(bench)
    # Only the entities are scored: no golden profiles.
    result = Resolver(base).resolve(records, used, golden=False, keys=keys)
    result.rejects = table.rejects
    result.notes = notes + table.notes + result.notes
    if write_config is not None and written is not None:
        Path(write_config).write_text(dump_config(written), encoding="utf-8")
    report = evaluate_result(result, bench)
    report["notes"] = list(result.notes)
    report["seconds"] = time.perf_counter() - start
    return report


def _on_disk(sources: list[Source], directory: str | Path) -> list[Source]:
    """The sources with their in-memory tables replaced by the benchmark files they
    were loaded from (``records.csv``, ``left.csv``, ``right.csv``)."""
    folder = Path(directory).resolve()
    return [dataclasses.replace(s, data=None, path=folder / f"{s.name}.csv")
            if s.data is not None else s for s in sources]


def _ids_only(bench: Benchmark) -> Benchmark:
    """The benchmark without its attribute columns (what scoring reads: the truth and,
    for a link set, the record ids of each side)."""
    def ids(table: pd.DataFrame | None) -> pd.DataFrame | None:
        return None if table is None else table[["record_id"]]
    return dataclasses.replace(bench, records=ids(bench.records), left=ids(bench.left),
                               right=ids(bench.right))


def evaluate_result(result: Any, bench: Benchmark) -> dict[str, Any]:
    """Score a :class:`~unifyprofile.Result` of a benchmark against its truth.

    ``pairwise`` scores the candidate pairs the run linked (above the threshold or by a
    rule) whose two records also ended in one entity: a link that clustering cut (a
    one-to-one or cannot-link constraint, a keep-apart guard) is not reported as a match.

    Every record is a position (the run's records first, then any the truth names that
    the run rejected), and every pair an int64 key of two positions: at a million records
    and millions of candidate pairs, looking up record-id strings would cost more than the
    run itself.
    """
    ids = result.records[schema.RECORD_ID].astype(str).to_numpy(dtype=object)
    index = pd.Index(ids)
    if bench.task == "dedup":
        truth_ids = "records:" + bench.truth.index.astype(str)
        truth_labels = bench.truth.to_numpy()
        sides = None
    else:
        assert bench.left is not None and bench.right is not None
        left_ids = "left:" + bench.left["record_id"].astype(str)
        right_ids = "right:" + bench.right["record_id"].astype(str)
        link_truth = pd.DataFrame({"left_id": "left:" + bench.truth["left_id"].astype(str),
                                   "right_id": "right:" + bench.truth["right_id"].astype(str)})
        components = link_truth_clusters(left_ids, right_ids, link_truth)
        truth_ids, truth_labels = components.index, components.to_numpy()
    truth_at = index.get_indexer(truth_ids)
    rejected = truth_at < 0  # records the truth names that the run did not keep
    truth_at[rejected] = len(ids) + np.arange(int(rejected.sum()))
    n = len(ids) + int(rejected.sum())
    truth = cluster_codes(n, truth_at, truth_labels)
    clusters = result.clusters
    entity_at = (np.arange(len(ids)) if np.array_equal(
        clusters[schema.RECORD_ID].astype(str).to_numpy(dtype=object), ids)
        else index.get_indexer(clusters[schema.RECORD_ID].astype(str)))
    entity = cluster_codes(n, entity_at, clusters[schema.ENTITY_ID].to_numpy())
    sizes = np.bincount(entity[entity_at])  # records per entity (codes 0.. in clusters)
    if bench.task == "dedup":
        true_keys = pair_keys(*pairs_within(truth), n)
    else:
        truth_index = pd.Index(truth_ids)  # every left and right id

        def at(names: pd.Series) -> np.ndarray:
            return truth_at[truth_index.get_indexer(names)]

        true_keys = pair_keys(at(link_truth["left_id"]), at(link_truth["right_id"]), n)
        left = np.zeros(n, dtype=bool)
        left[at(left_ids)] = True
        sides = pd.Series(np.where(left, "left", "right"))
    scored = result.pairs
    if "i" in scored.columns:
        i, j = scored["i"].to_numpy(np.int64), scored["j"].to_numpy(np.int64)
    else:
        i = index.get_indexer(scored["record_id_l"].astype(str)).astype(np.int64)
        j = index.get_indexer(scored["record_id_r"].astype(str)).astype(np.int64)
    # A link that clustering cut (a cannot-link constraint, a size guard) is not a match
    # the run reports, so pairs count only when both records ended in one entity.
    linked = scored["linked"].to_numpy(dtype=bool) & (entity[i] == entity[j])
    candidate_keys = pair_keys(i, j, n)
    predicted = pd.Series(entity)
    diagnosis = getattr(result.model, "diagnosis_", None)
    report: dict[str, Any] = {
        "dataset": Path(bench.name).name,
        "task": bench.task,
        "records": int(len(result.records)),
        "candidate_pairs": int(len(scored)),
        "blocking_recall": pair_key_scores(candidate_keys, true_keys).recall,
        "threshold": result.config.threshold,
        "pairwise": pair_key_scores(candidate_keys[linked], true_keys).as_dict(),
        "cluster": cluster_pair_scores(predicted, pd.Series(truth), sides=sides).as_dict(),
        "bcubed": (bcubed(predicted, pd.Series(truth)).as_dict()
                   if bench.task == "dedup" else None),
        "entities": int(len(sizes)),
        "largest_entity": int(sizes.max(initial=0)),
        "model_check": diagnosis.as_dict() if diagnosis is not None else None,
    }
    return report

