"""The Spark engine next to the local engine on the scale benchmark's data.

    python benchmarks/spark_scale.py --sizes 10000 100000 --runs 1

Same data and config as ``benchmarks/scale.py`` (``generate.py --seed 1``): each engine
resolves ``records.parquet`` end to end in a fresh process (Spark in ``local[*]`` mode on
this machine) and writes clusters and golden profiles as Parquet.  The parent measures
wall time and peak memory (the summed resident memory of the run's process tree, sampled
twice a second: for Spark the driver, the JVM and its Python workers), checks that both
engines found the same partition, and writes its own section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from _results import RESULTS, generated, write_section
from _results import machine as results_machine
from scale import config, quality, run_child

HERE = Path(__file__).resolve().parent


def _tree_rss_mib(root: int) -> float:
    """Resident memory of ``root`` and all its descendants (JVM and Python workers)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    tree, frontier = {root}, [root]
    while frontier:
        children = [p for p, parent in parents.items() if parent in frontier]
        frontier = [c for c in children if c not in tree]
        tree.update(frontier)
    return sum(rss.get(p, 0) for p in tree) / 2**20


class _PeakMemory(threading.Thread):
    """Samples the process tree's memory twice a second; ``peak`` in MiB."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.peak = max(self.peak, _tree_rss_mib(os.getpid()))


def child(engine: str, records: Path, out: Path) -> None:
    """One end-to-end run; prints a JSON line with stage seconds and counts."""
    import unifyprofile as up

    memory = _PeakMemory()
    memory.start()
    start = time.perf_counter()
    runner: up.engines.Engine = up.engines.LocalEngine()
    if engine == "spark":
        from unifyprofile.engines.spark import SparkEngine, default_session

        spark = default_session()
        spark.sparkContext.setLogLevel("ERROR")
        runner = SparkEngine(spark)
    session_ready = time.perf_counter()
    result = up.Resolver(config(records), engine=runner).run()
    written = time.perf_counter()
    result.write(out, csv=False, tables=("clusters", "golden"))
    end = time.perf_counter()
    pairs = result.pairs.count() if engine == "spark" else len(result.pairs)
    seconds = dict(result.timings, write=end - written, total=end - start)
    if engine == "spark":
        seconds["session"] = session_ready - start
    memory.done.set()
    print(json.dumps({"engine": engine, "candidate_pairs": int(pairs), "seconds": seconds,
                      "tree_rss_mib": memory.peak}))


def _clusters(path: Path):
    import pandas as pd

    return pd.read_parquet(path).set_index("record_id")["entity_id"].sort_index()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/unifyprofile-scale"))
    parser.add_argument("--engines", nargs="+", default=["local", "spark"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--records", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.records, args.out)
        return
    rows = []
    for size in args.sizes:
        directory = generated(args.work, size)
        outs = {}
        for engine in args.engines:
            out = directory / f"out-engine-{engine}"
            out.mkdir(exist_ok=True)
            outs[engine] = out
            command = [sys.executable, __file__, "--child", engine,
                       "--records", str(directory / "records.parquet"), "--out", str(out)]
            runs = [run_child(command) for _ in range(args.runs)]
            report = runs[-1][0]
            stages = {k: statistics.median(r[0]["seconds"][k] for r in runs)
                      for k in report["seconds"]}
            row = {"size": size, "engine": engine,
                   "wall": statistics.median(r[1] for r in runs),
                   "rss": statistics.median(max(r[2], r[0]["tree_rss_mib"]) for r in runs),
                   "stages": stages,
                   "pairs": report["candidate_pairs"],
                   **quality(directory, out / "clusters.parquet", None)}
            rows.append(row)
            print(json.dumps(row), flush=True)
        if {"local", "spark"} <= set(outs):
            same = _clusters(outs["local"] / "clusters.parquet").equals(
                _clusters(outs["spark"] / "clusters.parquet"))
            for row in rows:
                if row["size"] == size:
                    row["same"] = same
    write_results(rows, args)


def write_results(rows: list[dict], args: argparse.Namespace) -> None:
    machine = results_machine()
    lines = [
        "## Spark engine: local[*] next to the local engine",
        "",
        f"Medians of {args.runs} run(s), measured {datetime.now(timezone.utc):%Y-%m-%d} on "
        f"{machine} with `python benchmarks/spark_scale.py --sizes "
        f"{' '.join(map(str, args.sizes))} --runs {args.runs}` (records from "
        "`benchmarks/generate.py --seed 1`, the config of `benchmarks/scale.py`). Spark runs "
        "in `local[*]` on the same machine, so this measures the engine's overhead, not a "
        "cluster's speed-up; see docs/scaling.md for how the work splits across "
        "executors.",
        "",
        "| records | engine | wall s | peak memory MiB (process tree) | candidate pairs "
        "| cluster F1 | same partition as local | stages (s) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        stages = ", ".join(f"{k} {v:.1f}" for k, v in r["stages"].items() if k != "total")
        same = {True: "yes", False: "NO"}.get(r.get("same"), "–")
        lines.append(f"| {r['size']:,} | {r['engine']} | {r['wall']:.1f} | {r['rss']:.0f} | "
                     f"{r['pairs']:,} | {r['cluster_f1']:.4f} | {same} | {stages} |")
    write_section(RESULTS, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
