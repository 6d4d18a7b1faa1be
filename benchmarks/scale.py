"""Speed, memory and quality at scale: unifyprofile and Splink side by side.

    python benchmarks/scale.py --sizes 10000 100000 1000000 --runs 3

For each size the records are generated once (``benchmarks/generate.py``, seeded) into
``--work``; then each tool resolves the same ``records.parquet`` end to end in a fresh
process per run (read Parquet -> standardise -> block -> compare -> score with training ->
cluster -> golden profiles -> write Parquet), and the parent measures wall time and the
child's peak RSS.  Splink runs when its venv exists (``benchmarks/peers/README.md``).
Medians of the runs are printed and written to their section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from _results import RESULTS, generated, write_section
from _results import machine as results_machine

HERE = Path(__file__).resolve().parent
SPLINK_PYTHON = HERE.parent / ".venv-bench" / "bin" / "python"
COLUMNS = ("first_name", "last_name", "dob", "email", "phone", "address", "city", "postcode")


def config(records: Path):
    """The unifyprofile config for the generated person data."""
    import unifyprofile as up
    from unifyprofile.score import DeterministicRule, Guards

    source = up.Source("customers", path=records, id_column="record_id",
                       columns={c: c for c in COLUMNS})
    return up.Config(
        sources=(source,),
        rules=tuple(DeterministicRule.from_config({"name": key, "keys": [key, "first_name:nick"]})
                    for key in ("email", "phone")),
        blocking=tuple(up.BlockingRule.parse(r) for r in (
            ["email"], ["phone"], ["last_name:soundex", "first_name:nick", "dob:year"],
            ["last_name", "postcode"], ["first_name:nick", "dob"], ["dob", "postcode"],
        )),
        guards=Guards(veto=("first_name", "dob")),
        seed=1,
    )


def child_unifyprofile(records: Path, out: Path, profile: Path | None = None) -> None:
    """One end-to-end run; prints a JSON line with stage seconds and counts.  With
    ``profile``, the run is profiled (cProfile) and the 40 costliest functions written."""
    import unifyprofile as up

    profiler = None
    if profile is not None:
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    result = up.Resolver(config(records)).run()
    written = time.perf_counter()
    result.write(out, csv=False, tables=("clusters", "golden"))
    end = time.perf_counter()
    seconds = dict(result.timings, write=end - written, total=end - start)
    if profiler is not None:
        import io
        import pstats
        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(40)
        profile.write_text(text.getvalue(), encoding="utf-8")
    result.links[["record_id_l", "record_id_r"]].astype(str).to_parquet(
        out / "links.parquet", index=False)
    print(json.dumps({"tool": "unifyprofile", "version": up.__version__,
                      "records": len(result.records), "candidate_pairs": len(result.pairs),
                      "seconds": seconds}))


def run_child(command: list[str]) -> tuple[dict, float, float]:
    """Run a command; return its last JSON line, wall seconds and peak RSS in MiB."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stdout, stderr = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{command[:3]} failed:\n{stderr[-3000:]}")
    line = [x for x in stdout.splitlines() if x.startswith("{")][-1]
    return json.loads(line), wall, usage.ru_maxrss / 1024


def quality(directory: Path, clusters: Path, links: Path | None) -> dict:
    import pandas as pd

    from unifyprofile.evaluate import cluster_pair_scores, pair_scores, true_pairs

    truth = pd.read_parquet(directory / "truth.parquet").set_index("record_id")["entity_id"]
    predicted = pd.read_parquet(clusters)
    predicted = predicted.set_index("record_id")[predicted.columns[-1]]
    predicted.index = predicted.index.str.replace(r"^customers:", "", regex=True)
    out = {"cluster_f1": cluster_pair_scores(predicted, truth).f1}
    if links is not None:
        pairs = pd.read_parquet(links).apply(lambda c: c.str.replace(r"^customers:", "",
                                                                     regex=True))
        out["pairwise_f1"] = pair_scores(pairs, true_pairs(truth)).f1
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/unifyprofile-scale"))
    parser.add_argument("--tools", nargs="+", default=["unifyprofile", "splink"])
    parser.add_argument("--profile", action="store_true",
                        help="also profile one unifyprofile run per size (cProfile, written to "
                             "WORK/n<size>/profile.txt); not timed")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--records", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "unifyprofile":
        child_unifyprofile(args.records, args.out, args.profile_to)
        return

    rows = []
    for size in args.sizes:
        directory = generated(args.work, size)
        for tool in args.tools:
            if tool == "splink" and not SPLINK_PYTHON.exists():
                print("splink: no .venv-bench (see benchmarks/peers/README.md); skipped",
                      file=sys.stderr)
                continue
            out = directory / f"out-{tool}"
            out.mkdir(exist_ok=True)
            if tool == "unifyprofile":
                command = [sys.executable, __file__, "--child", "unifyprofile",
                           "--records", str(directory / "records.parquet"), "--out", str(out)]
                clusters, links = out / "clusters.parquet", out / "links.parquet"
            else:
                command = [str(SPLINK_PYTHON), str(HERE / "peers" / "splink_run.py"),
                           "--records", str(directory / "records.parquet"),
                           "--out", str(out / "clusters.parquet")]
                clusters, links = out / "clusters.parquet", None
            runs = [run_child(command) for _ in range(args.runs)]
            if args.profile and tool == "unifyprofile":
                run_child([*command, "--profile-to", str(directory / "profile.txt")])
                print(f"profile: {directory / 'profile.txt'}", file=sys.stderr)
            report = runs[-1][0]
            stages = {k: statistics.median(r[0]["seconds"][k] for r in runs)
                      for k in report["seconds"]}
            row = {"size": size, "tool": tool, "wall": statistics.median(r[1] for r in runs),
                   "rss": statistics.median(r[2] for r in runs), "stages": stages,
                   "pairs": report.get("candidate_pairs"), **quality(directory, clusters, links)}
            rows.append(row)
            print(json.dumps(row))
    write_results(rows, args)


def write_results(rows: list[dict], args: argparse.Namespace) -> None:
    machine = results_machine()
    lines = [
        "## Scale: end to end, unifyprofile and Splink side by side",
        "",
        f"Medians of {args.runs} runs, measured {datetime.now(timezone.utc):%Y-%m-%d} on "
        f"{machine} with "
        f"`python benchmarks/scale.py --sizes {' '.join(map(str, args.sizes))} "
        f"--runs {args.runs}` (records from `benchmarks/generate.py --seed 1`).",
        "",
        "| records | tool | wall s | peak RSS MiB | candidate pairs | pairwise F1 | cluster F1 "
        "| stages (s) | Splink / unifyprofile time |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    ours = {r["size"]: r for r in rows if r["tool"] == "unifyprofile"}
    for r in rows:
        stages = ", ".join(f"{k} {v:.2f}" for k, v in r["stages"].items() if k != "total")
        ratio = ""
        if r["tool"] != "unifyprofile" and r["size"] in ours:
            ratio = f"{r['wall'] / ours[r['size']]['wall']:.1f}x"
        pw = f"{r['pairwise_f1']:.4f}" if "pairwise_f1" in r else "–"
        lines.append(f"| {r['size']:,} | {r['tool']} | {r['wall']:.1f} | {r['rss']:.0f} | "
                     f"{r['pairs'] or 0:,} | {pw} | {r['cluster_f1']:.4f} | {stages} | {ratio} |")
    write_section(RESULTS, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
