"""Match quality of unifyprofile on labelled datasets, written to benchmarks/RESULTS.md.

    python benchmarks/quality.py --data ../shared/benchdata

Each sub-directory of --data in the benchdata layout (dedup: records.csv + truth.csv;
link: left.csv + right.csv + truth.csv) is resolved with no config (columns mapped by
name, default blocking, comparisons and an unsupervised model) and scored against its
truth.  Peers (Splink, recordlinkage) side by side are not in this script yet.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path

from _results import RESULTS, write_section

from unifyprofile.errors import UnifyProfileError
from unifyprofile.evaluate import evaluate_directory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="benchdata directory")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    rows = []
    for directory in sorted(p for p in args.data.iterdir() if p.is_dir()):
        try:
            r = evaluate_directory(directory)
        except UnifyProfileError as exc:
            rows.append(f"| {directory.name} | – | – | – | – | – | – | not run: {exc} |")
            print(f"{directory.name}: {exc}", file=sys.stderr)
            continue
        bc = f"{r['bcubed']['f1']:.4f}" if r["bcubed"] else "–"
        rows.append(
            f"| {r['dataset']} | {r['task']} | {r['records']:,} | {r['candidate_pairs']:,} | "
            f"{r['blocking_recall']:.4f} | {r['pairwise']['f1']:.4f} | "
            f"{r['cluster']['f1']:.4f} | {bc} | {r['seconds']:.1f} |"
        )
        print(rows[-1])
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    table = "\n".join([
        "## Match quality, zero-config (unifyprofile only)",
        "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d} on {machine} with "
        "`python benchmarks/quality.py --data ../shared/benchdata`.",
        "",
        "| dataset | task | records | candidate pairs | blocking recall | pairwise F1 | "
        "cluster F1 | B-cubed F1 | seconds |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
    ])
    write_section(args.out, table)


if __name__ == "__main__":
    main()
