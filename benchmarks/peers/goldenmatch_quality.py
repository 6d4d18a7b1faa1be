"""goldenmatch zero-config on one benchdata folder, for benchmarks/quality.py.

    .venv-bench/bin/python benchmarks/peers/goldenmatch_quality.py --data DIR --out OUTDIR

Zero-config as goldenmatch documents it: ``goldenmatch.dedupe_df(table)`` for a dedup set
and ``goldenmatch.match_df(left, right)`` for a link set, on a pyarrow Table of strings
(empty cell = null).  The only argument given is ``exclude_columns=["record_id"]``, so
that the opaque row key is not treated as data (goldenmatch's auto-config would
otherwise profile it as an identifier column); every other choice (column types,
scorers, blocking, threshold, clustering) is goldenmatch's auto-config.

Writes ``clusters.csv`` (dedup; goldenmatch's clusters, keyed by row position and mapped
back to record_id) or ``pairs.csv`` (link; ``MatchResult.matched``, which is None rather
than an empty table when nothing matched: then ``pairs.csv`` is empty) and prints the JSON
line described in ``_benchio.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import time
from pathlib import Path

import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _benchio import read_benchmark, report, write_clusters, write_pairs  # noqa: E402


def to_arrow(table: tuple[list[str], list[dict]]) -> pa.Table:
    columns, rows = table
    return pa.table({c: pa.array([r.get(c) for r in rows], pa.string()) for c in columns})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)

    start = time.perf_counter()
    import goldenmatch as gm

    task, tables = read_benchmark(args.data)
    # goldenmatch prints its auto-config notes to stdout; keep stdout for our JSON line.
    with contextlib.redirect_stdout(sys.stderr):
        if task == "dedup":
            table = to_arrow(tables["records"])
            ids = table.column("record_id").to_pylist()
            result = gm.dedupe_df(table, exclude_columns=["record_id"])
            rows = [
                (ids[member], f"c{cluster_id}")
                for cluster_id, cluster in result.clusters.items()
                for member in cluster["members"]
            ]
            outputs = [{"label": "auto", "clusters": write_clusters(args.out / "clusters.csv",
                                                                   rows)}]
        else:
            # match_df stacks the two tables, so both get every column (all-null where a
            # side lacks it, e.g. abt_buy's right-only manufacturer).
            columns = list(dict.fromkeys(tables["left"][0] + tables["right"][0]))
            left, right = (to_arrow((columns, tables[side][1])) for side in ("left", "right"))
            try:  # match_df is typed for polars DataFrames; give it those when it can
                import polars as pl
            except ImportError:
                pass
            else:
                left, right = pl.from_arrow(left), pl.from_arrow(right)
            result = gm.match_df(left, right, exclude_columns=["record_id"])
            matched = result.matched
            if matched is None:  # goldenmatch gives None, not an empty table, for no match
                pairs = iter(())
            else:
                if not isinstance(matched, pa.Table):  # polars DataFrame when polars is there
                    matched = matched.to_arrow()
                pairs = zip(
                    matched.column("target_record_id").to_pylist(),
                    matched.column("ref_record_id").to_pylist(),
                    strict=True,
                )
            outputs = [{"label": "auto", "pairs": write_pairs(args.out / "pairs.csv", pairs)}]
    seconds = time.perf_counter() - start
    outputs[0]["seconds"] = seconds
    report({"tool": "goldenmatch", "version": gm.__version__, "task": task,
            "seconds": seconds, "outputs": outputs})


if __name__ == "__main__":
    main()
