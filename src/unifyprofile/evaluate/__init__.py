"""Match quality against ground truth: pair and cluster metrics, benchmark loading.

Cluster metrics (:func:`cluster_pair_scores`, :func:`bcubed`) work from the contingency
table of predicted vs true clusters; pair metrics (:func:`pair_scores`,
:func:`blocking_recall`, :func:`threshold_sweep`, :func:`labelled_pair_scores`) compare
``record_id_l`` / ``record_id_r`` tables.  Undefined ratios are 0.0.
"""

from typing import Any

from unifyprofile.evaluate._loader import Benchmark, load_benchmark
from unifyprofile.evaluate._metrics import (
    Scores,
    bcubed,
    blocking_recall,
    cluster_pair_scores,
    labelled_pair_scores,
    link_truth_clusters,
    pair_scores,
    threshold_sweep,
    true_pairs,
)

__all__ = [
    "Benchmark",
    "Scores",
    "bcubed",
    "blocking_recall",
    "cluster_pair_scores",
    "evaluate_directory",
    "evaluate_result",
    "labelled_pair_scores",
    "link_truth_clusters",
    "load_benchmark",
    "pair_scores",
    "threshold_sweep",
    "true_pairs",
]


def __getattr__(name: str) -> Any:
    # The end-to-end runners need the resolver, which imports most stages; load them on
    # first use so that importing the metrics stays cheap and free of import cycles.
    if name in ("evaluate_directory", "evaluate_result"):
        from unifyprofile.evaluate import _run

        return getattr(_run, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
