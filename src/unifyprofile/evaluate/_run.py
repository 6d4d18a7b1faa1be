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
    blocking_recall,
    cluster_pair_scores,
    link_truth_clusters,
    pair_scores,
    true_pairs,
)
from unifyprofile.sources import Source
from unifyprofile.sources._infer import infer_columns

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
    from unifyprofile.config import dump_config
    from unifyprofile.infer import fit_config
    from unifyprofile.resolver import Resolver

    start = time.perf_counter()
    bench = load_benchmark(directory)
    config = load_config(config_path) if config_path is not None else None
    notes: list[str] = []
    if config is None:
        base = zero_config(bench)
        resolver = Resolver(base)
        records, table, hubs, used = resolver.prepare()
        base, notes = fit_config(base, records)
        resolver = Resolver(base)
        result = resolver.resolve(records, used)
        result.rejects = table.rejects
        result.notes = table.notes + notes + result.notes
        written = base if write_config is None else dataclasses.replace(
            base, sources=zero_config(bench, directory=directory).sources)
    else:
        sources = _sources(bench, config)
        base = config
        if bench.task == "link":
            base = dataclasses.replace(base, link_type="link_only")
        result = Resolver(base.with_sources(sources)).run()
        written = base
    if write_config is not None:
        Path(write_config).write_text(dump_config(written), encoding="utf-8")
    report = evaluate_result(result, bench)
    report["notes"] = list(result.notes)
    report["seconds"] = time.perf_counter() - start
    return report


def evaluate_result(result: Any, bench: Benchmark) -> dict[str, Any]:
    """Score a :class:`~unifyprofile.Result` of a benchmark against its truth.

    ``pairwise`` scores the candidate pairs the run linked (above the threshold or by a
    rule) whose two records also ended in one entity: a link that clustering cut (a
    one-to-one or cannot-link constraint, a keep-apart guard) is not reported as a match.
    """
    clusters = result.clusters.set_index(schema.RECORD_ID)[schema.ENTITY_ID]
    if bench.task == "dedup":
        truth = pd.Series(bench.truth.to_numpy(), index="records:" + bench.truth.index.astype(str))
        truth_pairs = true_pairs(truth)
        sides = None
    else:
        assert bench.left is not None and bench.right is not None
        link_truth = pd.DataFrame({"left_id": "left:" + bench.truth["left_id"].astype(str),
                                   "right_id": "right:" + bench.truth["right_id"].astype(str)})
        truth_pairs = link_truth.set_axis(["record_id_l", "record_id_r"], axis=1)
        left_ids = "left:" + bench.left["record_id"].astype(str)
        right_ids = "right:" + bench.right["record_id"].astype(str)
        truth = link_truth_clusters(left_ids, right_ids, link_truth)
        sides = pd.Series(
            np.where(clusters.index.str.startswith("left:"), "left", "right"), index=clusters.index
        )
    scored = result.pairs
    diagnosis = getattr(result.model, "diagnosis_", None)
    candidates = pd.DataFrame(
        {
            "record_id_l": scored["record_id_l"].astype(str),
            "record_id_r": scored["record_id_r"].astype(str),
        }
    )
    # A link that clustering cut (a cannot-link constraint, a size guard) is not a match
    # the run reports, so pairs count only when both records ended in one entity.
    entity = clusters.reindex(candidates["record_id_l"]).to_numpy() == clusters.reindex(
        candidates["record_id_r"]).to_numpy()
    linked = candidates[scored["linked"].to_numpy() & entity]
    report: dict[str, Any] = {
        "dataset": Path(bench.name).name,
        "task": bench.task,
        "records": int(len(result.records)),
        "candidate_pairs": int(len(scored)),
        "blocking_recall": float(blocking_recall(candidates, truth_pairs)),
        "threshold": result.config.threshold,
        "pairwise": pair_scores(linked, truth_pairs).as_dict(),
        "cluster": cluster_pair_scores(clusters, truth, sides=sides).as_dict(),
        "bcubed": bcubed(clusters, truth).as_dict() if bench.task == "dedup" else None,
        "entities": int(clusters.nunique()),
        "largest_entity": int(clusters.value_counts().max()) if len(clusters) else 0,
        "model_check": diagnosis.as_dict() if diagnosis is not None else None,
    }
    return report
