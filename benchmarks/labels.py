"""What labels buy: pairwise F1 after 100 and after 500 labelled pairs, next to zero-config,
written to benchmarks/RESULTS.md.

    python benchmarks/labels.py --data ../shared/benchdata

For each set (default: febrl3, dblp_acm, abt_buy, dedupe_csv_example) the zero-config is inferred as
``unifyprofile evaluate`` infers it, then a simulated labeller, seeded, answers from the
set's truth the pairs ``Result.review`` picks (the ones the model is least sure of, and a
few from each probability band): 100 pairs picked on the zero-config run, then 400 more
picked on the run that used the first 100 (pairs already labelled are not asked again).
Each run with labels is ``Resolver(config, labels=...)``: m blended with the labelled
matches, the threshold chosen by F1 within the labelled zone, the pairs labelled
different kept apart (see docs/review.md).  F1 is pairwise, scored by
``unifyprofile.evaluate.evaluate_result`` as ``benchmarks/quality.py`` scores it.
Nothing here depends on which set it runs.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
from _results import RESULTS, machine, write_section

from unifyprofile import Resolver, load_config
from unifyprofile.evaluate import Benchmark, evaluate_directory, evaluate_result, load_benchmark

HEADING = "## Labels: pairwise F1 after 100 and 500 labelled pairs"
SETS = ("febrl3", "dblp_acm", "abt_buy", "dedupe_csv_example")
BUDGETS = (100, 500)


class Labeller:
    """Answers whether two records are one entity from a benchmark's truth."""

    def __init__(self, bench: Benchmark) -> None:
        self.task = bench.task
        if bench.task == "dedup":
            self.cluster = {str(k): str(v) for k, v in bench.truth.items()}
        else:
            self.pairs = {(str(a), str(b)) for a, b in zip(
                bench.truth["left_id"], bench.truth["right_id"], strict=True)}

    def __call__(self, a: str, b: str) -> bool:
        (side_a, id_a), (side_b, id_b) = a.split(":", 1), b.split(":", 1)
        if self.task == "dedup":
            return self.cluster.get(id_a, a) == self.cluster.get(id_b, b)
        if side_a == "right":
            (side_a, id_a), (side_b, id_b) = (side_b, id_b), (side_a, id_a)
        return side_a == "left" and side_b == "right" and (id_a, id_b) in self.pairs


def ask(result: Any, labeller: Labeller, done: pd.DataFrame, k: int, seed: int
        ) -> pd.DataFrame:
    """``k`` more labelled pairs: the first ``k`` of the review not labelled yet."""
    asked = {frozenset(p) for p in zip(done["record_id_l"], done["record_id_r"], strict=True)}
    review = result.review(k + len(asked), seed=seed)
    fresh = [frozenset(p) not in asked for p in zip(
        review["record_id_l"], review["record_id_r"], strict=True)]
    picked = review[fresh].head(k)
    answers = [int(labeller(a, b)) for a, b in zip(
        picked["record_id_l"], picked["record_id_r"], strict=True)]
    new = pd.DataFrame({"record_id_l": picked["record_id_l"].to_numpy(),
                        "record_id_r": picked["record_id_r"].to_numpy(),
                        "is_match": answers})
    return pd.concat([done, new], ignore_index=True)


def run_set(directory: Path, seed: int) -> dict[str, Any]:
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        written = Path(tmp) / "config.toml"
        zero = evaluate_directory(directory, write_config=written)
        config = load_config(written)
    bench = load_benchmark(directory)
    labeller = Labeller(bench)
    records, _, _, used = Resolver(config).prepare()
    result = Resolver(config).resolve(records, used, golden=False)
    row: dict[str, Any] = {"set": directory.name, "task": bench.task,
                           "zero_config": zero["pairwise"]["f1"],
                           "threshold_zero": config.threshold}
    labels = pd.DataFrame(columns=["record_id_l", "record_id_r", "is_match"])
    for budget in BUDGETS:
        labels = ask(result, labeller, labels, budget - len(labels), seed)
        result = Resolver(config, labels=labels).resolve(records, used, golden=False)
        report = evaluate_result(result, bench)
        row[f"f1_{budget}"] = report["pairwise"]["f1"]
        row[f"threshold_{budget}"] = report["threshold"]
        row[f"matches_{budget}"] = int(labels["is_match"].sum())
    row["seconds"] = time.perf_counter() - start
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/benchdata"))
    parser.add_argument("--sets", nargs="+", default=list(SETS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-write", action="store_true", help="Print only.")
    args = parser.parse_args()
    rows = []
    for name in args.sets:
        row = run_set(args.data / name, args.seed)
        rows.append(row)
        print(f"{row['set']}: zero-config {row['zero_config']:.4f}, 100 labels "
              f"{row['f1_100']:.4f}, 500 labels {row['f1_500']:.4f} "
              f"({row['seconds']:.0f} s)", flush=True)
    lines = [HEADING, "",
             f"`python benchmarks/labels.py --data ../shared/benchdata --sets "
             f"{' '.join(args.sets)} --seed {args.seed}` "
             f"({datetime.now(timezone.utc):%Y-%m-%d}, {machine()}).",
             "",
             "Pairwise F1 of zero-config, then with 100 and 500 pairs labelled by a "
             "simulated labeller (the truth answers the pairs `review` picks; the second "
             "batch of 400 is picked on the run with the first 100). Labels blend into m "
             "(labelled matches' level counts plus 20 pseudo-pairs at EM's m), choose the "
             "threshold that maximises F1 over all candidate pairs (labels where labelled, "
             "probabilities elsewhere) within the labelled zone nearest the threshold (10 "
             "labels of each kind needed there, else the threshold is kept), and keep the "
             "pairs labelled different apart. See docs/review.md.",
             "",
             "| set | task | zero-config F1 | 100 labels F1 | 500 labels F1 | threshold "
             "(zero / 100 / 500) | labelled matches (100 / 500) | seconds |",
             "|---|---|---:|---:|---:|---|---|---:|"]
    for r in rows:
        lines.append(f"| {r['set']} | {r['task']} | {r['zero_config']:.4f} | "
                     f"{r['f1_100']:.4f} | {r['f1_500']:.4f} | {r['threshold_zero']:.3g} / "
                     f"{r['threshold_100']:.3g} / {r['threshold_500']:.3g} | "
                     f"{r['matches_100']} / {r['matches_500']} | {r['seconds']:.0f} |")
    section = "\n".join(lines) + "\n"
    print(section)
    if not args.no_write:
        write_section(RESULTS, section)


if __name__ == "__main__":
    main()
