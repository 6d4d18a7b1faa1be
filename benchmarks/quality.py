"""Match quality of unifyprofile zero-config next to peers, written to benchmarks/RESULTS.md.

    python benchmarks/quality.py --data ../shared/benchdata

Each sub-directory of --data in the benchdata layout (dedup: records.csv + truth.csv;
link: left.csv + right.csv + truth.csv) is resolved by

* unifyprofile zero-config (``unifyprofile.evaluate.evaluate_directory``, in this process),
* Splink 5, configured by hand from its documentation (``peers/splink_quality.py``),
* goldenmatch zero-config (``peers/goldenmatch_quality.py``),
* recordlinkage, configured by hand from its documentation (``peers/recordlinkage_quality.py``),

side by side.  Splink and goldenmatch run in the bench virtualenv (``--bench-python``,
default ``.venv-bench/bin/python``; see ``peers/README.md``), recordlinkage in this
interpreter (it is a test dependency).  Each peer runs as a child process that writes its
predicted clusters and/or pairs to files; they are scored here with the same
``unifyprofile.evaluate`` functions that score unifyprofile, so every tool is scored by
the same code.  The headline figure is cluster F1 for a dedup set and pairwise F1 for a
link set; a peer that writes several predictions (Splink at thresholds 0.5 and 0.9) is
reported at its best one.  A peer that fails is shown as ``failed: reason``.

Tuned unifyprofile configs kept in ``benchmarks/configs/<dataset>.toml`` are run too and
reported in a table of their own.

The target column is unifyprofile's bar (``TARGETS``): a fixed F1 for the issue-3 sets,
and for cddb and imdb_tmdb the better of Splink's and goldenmatch's F1 in the same run.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
from _results import RESULTS, remove_section, write_section
from _results import machine as results_machine

from unifyprofile.errors import UnifyProfileError
from unifyprofile.evaluate import (
    Benchmark,
    cluster_pair_scores,
    evaluate_directory,
    link_truth_clusters,
    load_benchmark,
    pair_scores,
    true_pairs,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CONFIGS = HERE / "configs"
TOOLS = ("unifyprofile", "splink", "goldenmatch", "recordlinkage")
PEER_SCRIPTS = {
    "splink": "splink_quality.py",
    "goldenmatch": "goldenmatch_quality.py",
    "recordlinkage": "recordlinkage_quality.py",
}
BENCH_VENV_TOOLS = ("splink", "goldenmatch")
HEADING = "## Match quality: unifyprofile zero-config vs peers"
OLD_HEADING = "## Match quality, zero-config (unifyprofile only)"  # replaced by HEADING

# Targets for unifyprofile zero-config (headline F1: dedup cluster, link pairwise). A string
# is a fixed F1 (issue 3); a tuple of peers means "at least the best F1 of these peers in
# the same run" (issue 11: cddb and imdb_tmdb), computed by ``target``.
BEST_PEER = ("splink", "goldenmatch")
TARGETS: dict[str, str | tuple[str, ...]] = {
    "febrl1": "0.999",
    "febrl2": "0.998",
    "febrl3": "0.999",
    "febrl4": "0.999",
    "splink_fake_1000": "0.93",
    "dedupe_csv_example": "0.90",
    "patentsview_inventors": "0.99",
    "dblp_acm": "0.98",
    "abt_buy": "0.80",
    "cddb": BEST_PEER,
    "imdb_tmdb": BEST_PEER,
}


def target(name: str, row: dict[str, Any]) -> dict[str, Any] | None:
    """The target F1 for unifyprofile on one data set, with the text for the table.

    ``{"f1", "text", "rule"}``; ``f1`` is None when a peer target could not be computed
    (no peer of the rule ran, or every one failed). When only some of the peers ran, the
    target is the best of those, and the text says which were missing.
    """
    spec = TARGETS.get(name)
    if spec is None:
        return None
    if isinstance(spec, str):
        return {"f1": float(spec), "text": f"≥ {spec}", "rule": "fixed (issue 3)"}
    rule = "best of " + ", ".join(spec)
    measured = {t: row[t]["best"]["f1"] for t in spec
                if (row.get(t) or {}).get("status") == "ok"}
    if not measured:
        return {"f1": None, "text": f"≥ {rule} (none measured)", "rule": rule}
    tool = max(measured, key=lambda t: measured[t])
    missing = [t for t in spec if t not in measured]
    text = f"≥ {measured[tool]:.4f} ({tool}" + (
        f"; {', '.join(missing)} not measured)" if missing else ")")
    return {"f1": measured[tool], "text": text, "rule": rule, "from": tool,
            "peers": measured}


class Truth:
    """A benchmark's truth in the shapes the metric functions take (ids prefixed by side)."""

    def __init__(self, bench: Benchmark) -> None:
        self.task = bench.task
        if bench.task == "dedup":
            self.clusters = pd.Series(bench.truth.to_numpy(),
                                      index=bench.truth.index.astype(str))
            self.pairs = true_pairs(self.clusters)
            self.sides = None
        else:
            assert bench.left is not None and bench.right is not None
            link = pd.DataFrame({"left_id": "left:" + bench.truth["left_id"].astype(str),
                                 "right_id": "right:" + bench.truth["right_id"].astype(str)})
            self.pairs = link.set_axis(["record_id_l", "record_id_r"], axis=1)
            left = "left:" + bench.left["record_id"].astype(str)
            right = "right:" + bench.right["record_id"].astype(str)
            self.clusters = link_truth_clusters(left, right, link)
            self.sides = pd.Series(["left"] * len(left) + ["right"] * len(right),
                                   index=pd.Index(list(left) + list(right)))


def _read_ids(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def score_output(truth: Truth, out_dir: Path, output: dict[str, Any]) -> dict[str, Any]:
    """Pairwise and cluster scores of one peer prediction (files written by the peer)."""
    scores: dict[str, Any] = {"label": output.get("label"), "pairwise": None, "cluster": None}
    link = truth.task == "link"
    if output.get("clusters"):
        frame = _read_ids(out_dir / output["clusters"])
        # For a link set a peer names its records "left:<id>" / "right:<id>" here.
        predicted = pd.Series(frame["cluster_id"].to_numpy(), index=frame["record_id"].to_numpy())
        scores["cluster"] = cluster_pair_scores(predicted, truth.clusters,
                                                sides=truth.sides).as_dict()
        if not link and not output.get("pairs"):
            # For a dedup set the pairs a clustering implies are its pairwise prediction.
            scores["pairwise"] = scores["cluster"]
    if output.get("pairs"):
        frame = _read_ids(out_dir / output["pairs"])
        if link:
            pairs = pd.DataFrame({"record_id_l": "left:" + frame["id_l"],
                                  "record_id_r": "right:" + frame["id_r"]})
        else:
            pairs = frame.set_axis(["record_id_l", "record_id_r"], axis=1)
        scores["pairwise"] = pair_scores(pairs, truth.pairs, link=link).as_dict()
    headline = scores["cluster"] if truth.task == "dedup" else scores["pairwise"]
    scores["f1"] = headline["f1"] if headline else None
    scores["seconds"] = output.get("seconds")
    return scores


def run_peer(tool: str, directory: Path, truth: Truth, args: argparse.Namespace) -> dict:
    python = Path(args.bench_python) if tool in BENCH_VENV_TOOLS else Path(sys.executable)
    if not python.exists():
        return {"status": "not installed", "reason": f"no {python} (see peers/README.md)"}
    with tempfile.TemporaryDirectory(prefix=f"quality-{tool}-") as tmp:
        command = [str(python), str(HERE / "peers" / PEER_SCRIPTS[tool]),
                   "--data", str(directory), "--out", tmp]
        start = time.perf_counter()
        try:
            done = subprocess.run(command, capture_output=True, text=True,
                                  timeout=args.peer_timeout)
        except subprocess.TimeoutExpired:
            return {"status": "failed", "reason": f"timed out after {args.peer_timeout:.0f} s"}
        wall = time.perf_counter() - start
        if done.returncode != 0:
            lines = [ln.strip() for ln in done.stderr.strip().splitlines() if ln.strip()]
            errors = [ln for ln in lines if re.match(r"^[\w.]+(Error|Exception)\b", ln)]
            reason = (errors or lines or [f"exit status {done.returncode}"])[-1]
            if "No module named" in reason:
                return {"status": "not installed", "reason": reason}
            print(done.stderr[-3000:], file=sys.stderr)
            return {"status": "failed", "reason": reason}
        lines = [ln for ln in done.stdout.strip().splitlines() if ln.startswith("{")]
        if not lines:
            return {"status": "failed", "reason": "printed no JSON report"}
        payload = json.loads(lines[-1])
        scored = [score_output(truth, Path(tmp), o) for o in payload["outputs"]]
    scored = [s for s in scored if s["f1"] is not None]
    if not scored:
        return {"status": "failed", "reason": "no prediction to score"}
    best = max(scored, key=lambda s: s["f1"])
    return {"status": "ok", "version": payload.get("version"), "seconds": payload["seconds"],
            "wall": wall, "best": best, "all": scored,
            "note": payload.get("note")}


def run_unifyprofile(directory: Path, config: Path | None = None) -> dict:
    try:
        report = evaluate_directory(directory, config)
    except UnifyProfileError as exc:
        return {"status": "failed", "reason": str(exc).splitlines()[0]}
    headline = report["cluster"] if report["task"] == "dedup" else report["pairwise"]
    return {"status": "ok", "seconds": report["seconds"], "f1": headline["f1"],
            "report": report}


def _cell(result: dict | None) -> tuple[str, str]:
    if result is None:
        return "–", "–"
    if result["status"] != "ok":
        reason = result["reason"].replace("|", "/")
        if len(reason) > 90:
            reason = reason[:87] + "..."
        return f"{result['status']}: {reason}", "–"
    if "best" in result:
        best = result["best"]
        label = best["label"]
        f1 = f"{best['f1']:.4f}" + (f" (t={label[2:]})" if label.startswith("t=") else "")
        return f1, f"{result['seconds']:.1f}"
    return f"{result['f1']:.4f}", f"{result['seconds']:.1f}"


def _precision_recall(result: dict | None, task: str) -> str:
    if not result or result["status"] != "ok":
        return "–"
    if "best" in result:
        best = result["best"]
        scores = best["cluster"] if task == "dedup" else best["pairwise"]
    else:
        report = result["report"]
        scores = report["cluster"] if task == "dedup" else report["pairwise"]
    return f"{scores['precision']:.4f} / {scores['recall']:.4f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="benchdata directory")
    parser.add_argument("--out", type=Path, default=RESULTS, help="RESULTS.md to update")
    parser.add_argument("--tools", default=",".join(TOOLS),
                        help=f"comma-separated subset of {','.join(TOOLS)}")
    parser.add_argument("--datasets", default="",
                        help="comma-separated dataset folder names (default: all)")
    parser.add_argument("--bench-python", default=str(ROOT / ".venv-bench" / "bin" / "python"),
                        help="python of the bench venv that has splink and goldenmatch")
    parser.add_argument("--peer-timeout", type=float, default=1800,
                        help="seconds before a peer run is given up (default 1800)")
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    args = parser.parse_args()
    asked = {t.strip() for t in args.tools.split(",") if t.strip()}
    tools = [t for t in TOOLS if t in asked]
    unknown = sorted(asked - set(TOOLS))
    if unknown:
        parser.error(f"unknown tool(s) {unknown}; choose from {','.join(TOOLS)}")
    wanted = {d.strip() for d in args.datasets.split(",") if d.strip()}
    directories = sorted(p for p in args.data.iterdir() if p.is_dir()
                         and (not wanted or p.name in wanted))
    missing = wanted - {p.name for p in directories}
    if missing:
        parser.error(f"no dataset folder(s) {sorted(missing)} under {args.data}")

    results: dict[str, dict[str, Any]] = {}
    tuned: dict[str, dict] = {}
    for directory in directories:
        name = directory.name
        row: dict[str, Any] = {}
        try:
            bench = load_benchmark(directory)
        except UnifyProfileError as exc:
            print(f"{name}: {exc}", file=sys.stderr)
            continue
        row["task"] = bench.task
        truth = Truth(bench)
        for tool in tools:
            print(f"{name}: {tool} ...", file=sys.stderr, flush=True)
            if tool == "unifyprofile":
                row[tool] = run_unifyprofile(directory)
            else:
                row[tool] = run_peer(tool, directory, truth, args)
            print(f"{name}: {tool}: {_cell(row[tool])}", file=sys.stderr, flush=True)
        config = CONFIGS / f"{name}.toml"
        if "unifyprofile" in tools and config.is_file():
            tuned[name] = run_unifyprofile(directory, config)
        row["target"] = target(name, row)
        results[name] = row

    if args.json:
        args.json.write_text(json.dumps({"results": results, "tuned": tuned}, indent=1,
                                        default=str), encoding="utf-8")
    remove_section(args.out, OLD_HEADING)
    write_section(args.out, render(results, tuned, tools, args))


def render(results: dict, tuned: dict, tools: list[str], args: argparse.Namespace) -> str:
    machine = results_machine()
    argv = sys.argv[1:]
    if "--json" in argv:  # where the raw numbers were saved does not change them
        i = argv.index("--json")
        argv = argv[:i] + argv[i + 2:]
    command = "python benchmarks/quality.py " + " ".join(shlex.quote(a) for a in argv)
    versions = {}
    for row in results.values():
        for tool in tools:
            r = row.get(tool) or {}
            if r.get("version"):
                versions[tool] = r["version"]
    header = ["dataset", "task", "target"]
    if "unifyprofile" in tools:
        header += ["unifyprofile F1", "s", "blocking recall", "candidate pairs"]
    for tool in tools:
        if tool != "unifyprofile":
            header += [f"{tool} F1", "s"]
    lines = [
        HEADING,
        "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d} on {machine} with `{command}`"
        + (" (peers: " + ", ".join(f"{t} {v}" for t, v in versions.items()) + ")"
           if versions else "") + ".",
        "",
        "F1 is cluster F1 for a dedup set (pairs implied by the predicted clusters) and "
        "pairwise F1 for a link set (predicted left–right pairs), all scored by "
        "`unifyprofile.evaluate`. unifyprofile and goldenmatch run zero-config; Splink and "
        "recordlinkage are configured by hand from their documentation "
        "(`benchmarks/peers/`). Splink is reported at the better of thresholds 0.5 and 0.9 "
        "(shown as t=…). A target shown with a tool's name is that tool's F1 in this run "
        "(the better of Splink and goldenmatch). Seconds are each tool's own wall time on a "
        "shared 2-core machine, so they are rough.",
        "",
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
    ]
    for name, row in results.items():
        cells = [name, row["task"], row["target"]["text"] if row.get("target") else "–"]
        if "unifyprofile" in tools:
            u = row["unifyprofile"]
            f1, secs = _cell(u)
            if u["status"] == "ok":
                rep = u["report"]
                cells += [f1, secs, f"{rep['blocking_recall']:.4f}",
                          f"{rep['candidate_pairs']:,}"]
            else:
                cells += [f1, secs, "–", "–"]
        for tool in tools:
            if tool != "unifyprofile":
                cells += list(_cell(row.get(tool)))
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Precision / recall behind each F1 above:", "",
              "| dataset | " + " | ".join(f"{t} P / R" for t in tools) + " |",
              "| --- | " + " | ".join("---" for _ in tools) + " |"]
    for name, row in results.items():
        lines.append(f"| {name} | " + " | ".join(_precision_recall(row.get(t), row["task"])
                                                  for t in tools) + " |")
    lines.append("")
    if "unifyprofile" in tools:
        lines += ["Tuned unifyprofile configs (`benchmarks/configs/<dataset>.toml`), reported "
                  "separately from zero-config:", ""]
        if tuned:
            lines += ["| dataset | F1 | s |", "| --- | --- | --- |"]
            lines += [f"| {n} | {' | '.join(_cell(r))} |" for n, r in tuned.items()]
        else:
            lines.append("none (`benchmarks/configs/` holds no `<dataset>.toml`).")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
