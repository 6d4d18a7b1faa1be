"""Robustness of zero-config: metamorphic relations, a hazard grid and scale, to RESULTS.md.

    python benchmarks/robustness.py --data ../shared/benchdata

Three parts (``--parts``, default all three), each run through
``unifyprofile.evaluate.evaluate_directory`` with no config, as a new user would:

metamorphic
    Every set in ``--data`` (benchdata layout) is run as it is, then once per perturbation
    (``_perturb.py``): column names abbreviated, in German, French or Spanish, or opaque;
    a full name split into first and last, first and last joined; dates split into year,
    month and day, and joined back; values upper-cased; a source-system column added;
    placeholder columns added; columns shuffled; all of these at once ("combined"); and the
    set merely read and written back ("identity", a check of the harness).  Each copy is
    written to a temporary folder in the same layout with the truth file unchanged.  The
    headline F1 (cluster F1 for dedup, pairwise F1 for link) must stay within 0.01 of the
    unperturbed run.
grid
    ``hazards.py`` person records at ``--grid-records`` (default 10,000) with one hazard at
    each level of its range and the others mild, plus one point with every hazard mild.
    Bars at every point: cluster F1 >= 0.95 and cluster precision >= 0.97.
scale
    The harshest point (every hazard at the top of its range at once) at each of
    ``--scale-sizes``.  Each size is generated once into ``--work`` (kept for reruns) and
    resolved in a fresh child process; the parent measures the wall time and the child's
    peak RSS (``ru_maxrss`` from ``os.wait4``; the child is started by a small launcher
    process so that the parent's own memory does not count).  Bars: cluster precision
    never more than 0.01 below the smallest size's, and the largest predicted entity at
    most twice the smallest size's.

The harness only measures: it never tunes or configures the library, and it reads nothing
of it but the report of ``evaluate_directory`` and the ``Result`` that the report scores
(observed on the public ``Resolver.resolve``) for the size of the largest entity.  The
section ``## Robustness: ...`` of ``--out`` (default ``benchmarks/RESULTS.md``) is
replaced; ``--json FILE`` keeps every measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import _perturb
import hazards
from _results import RESULTS, write_section
from _results import machine as results_machine

HERE = Path(__file__).resolve().parent
HEADING = "## Robustness: zero-config under perturbed columns, planted hazards and scale"
PARTS = ("metamorphic", "grid", "scale")
METAMORPHIC_BAR = 0.01
GRID_F1_BAR, GRID_PRECISION_BAR = 0.95, 0.97
SCALE_PRECISION_SLACK, SCALE_ENTITY_FACTOR = 0.01, 2.0

# A small process that starts the measured child and reports its wall time and peak RSS,
# so that the child's ru_maxrss does not inherit the high-water mark of this (large) one.
LAUNCHER = r"""
import json, os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE)
out = child.stdout.read()
_, status, usage = os.wait4(child.pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
print(json.dumps({"launcher": True, "wall": time.perf_counter() - start,
                  "rss_mib": usage.ru_maxrss / 1024,
                  "exit": os.waitstatus_to_exitcode(status)}))
"""


# ---------------------------------------------------------------------------- one run

@contextmanager
def observed_entities() -> Iterator[dict[str, int]]:
    """Within the block, the largest entity and the entity count of the last Result that
    ``Resolver.resolve`` returned (the result the report scores)."""
    from unifyprofile import Resolver
    from unifyprofile.schema import ENTITY_ID

    seen: dict[str, int] = {}
    original = Resolver.resolve

    def resolve(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        result = original(self, *args, **kwargs)
        sizes = result.clusters.groupby(ENTITY_ID).size()
        seen.update(largest_entity=int(sizes.max()) if len(sizes) else 0,
                    entities=int(len(sizes)))
        return result

    Resolver.resolve = resolve  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        Resolver.resolve = original  # type: ignore[method-assign]


def evaluate(directory: Path) -> dict[str, Any]:
    """One zero-config run of a benchdata folder: the report's figures, or the failure."""
    from unifyprofile.evaluate import evaluate_directory

    start = time.perf_counter()
    try:
        with observed_entities() as seen:
            report = evaluate_directory(directory)
    except Exception as error:  # a crash is a finding; the other runs go on
        traceback.print_exc(file=sys.stderr)
        first = str(error).splitlines()[0] if str(error) else ""
        return {"status": "failed", "reason": f"{type(error).__name__}: {first}"[:200],
                "seconds": time.perf_counter() - start}
    headline = report["cluster"] if report["task"] == "dedup" else report["pairwise"]
    return {"status": "ok", "task": report["task"], "f1": headline["f1"],
            "cluster": report["cluster"], "pairwise": report["pairwise"],
            "bcubed": report.get("bcubed"), "records": report.get("records"),
            "candidate_pairs": report.get("candidate_pairs"),
            "blocking_recall": report.get("blocking_recall"),
            "seconds": report.get("seconds"), "notes": report.get("notes"), **seen}


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------- metamorphic

def _seed(*parts: object) -> int:
    return zlib.crc32("/".join(map(str, parts)).encode())


def run_metamorphic(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    wanted = _names(args.datasets)
    folders = sorted(p for p in args.data.iterdir() if p.is_dir()
                     and (p / "truth.csv").is_file() and (not wanted or p.name in wanted))
    missing = wanted - {p.name for p in folders}
    if missing:
        raise SystemExit(f"no dataset folder(s) {sorted(missing)} under {args.data}")
    perturbations = _names(args.perturbations) or set(_perturb.PERTURBATIONS)
    out: dict[str, Any] = {}
    for folder in folders:
        task, tables = _perturb.read_set(folder)
        _log(f"metamorphic {folder.name}: unperturbed ...")
        base = evaluate(folder)
        _log(f"metamorphic {folder.name}: unperturbed {_f1(base)}")
        row: dict[str, Any] = {"task": task, "base": base, "runs": {}}
        for name, perturbation in _perturb.PERTURBATIONS.items():
            if name not in perturbations:
                continue
            r = random.Random(_seed(args.seed, folder.name, name))
            changed = perturbation.apply(tables, r)
            if changed is None:
                row["runs"][name] = {"status": "n/a"}
                continue
            new_tables, detail = changed
            with tempfile.TemporaryDirectory(prefix=f"{folder.name}-{name}-", dir=work) as tmp:
                copy = Path(tmp) / folder.name
                _perturb.write_set(copy, new_tables, folder / "truth.csv")
                run = evaluate(copy)
            run["detail"] = detail
            if run["status"] == "ok" and base["status"] == "ok":
                run["delta"] = run["f1"] - base["f1"]
                run["pass"] = abs(run["delta"]) <= METAMORPHIC_BAR
            else:
                run["pass"] = False
            row["runs"][name] = run
            _log(f"metamorphic {folder.name}: {name} {_f1(run)}"
                 + (f" ({run['delta']:+.4f})" if "delta" in run else ""))
        out[folder.name] = row
    return out


def _f1(run: dict[str, Any]) -> str:
    return f"F1 {run['f1']:.4f}" if run["status"] == "ok" else run.get("reason", run["status"])


# ---------------------------------------------------------------------------- grid

def grid_points(names: set[str]) -> list[tuple[str, float | None]]:
    """(hazard, level) per grid point; ("mild", None) is every hazard at its mild level."""
    points: list[tuple[str, float | None]] = [("mild", None)]
    for name, hazard in hazards.HAZARDS.items():
        if not names or name in names:
            points += [(name, level) for level in hazard.grid]
    return points


def harshest() -> dict[str, float]:
    """Every hazard at the top of its range at once."""
    return {name: max(h.grid) for name, h in hazards.HAZARDS.items()}


def run_grid(args: argparse.Namespace, work: Path) -> list[dict[str, Any]]:
    wanted = _names(args.hazards)
    unknown = wanted - set(hazards.HAZARDS)
    if unknown:
        raise SystemExit(f"unknown hazard(s) {sorted(unknown)}; choose from "
                         f"{','.join(hazards.HAZARDS)}")
    rows = []
    for name, level in grid_points(wanted):
        levels = hazards.levels_with(**({} if level is None else {name: level}))
        with tempfile.TemporaryDirectory(prefix=f"grid-{name}-", dir=work) as tmp:
            params = hazards.write(Path(tmp), args.grid_records, args.seed, levels)
            _log(f"grid {name}={level}: {params['planted']['people']:,} people ...")
            run = evaluate(Path(tmp))
        run.update(hazard=name, level=level, planted=params["planted"])
        if run["status"] == "ok":
            run["pass"] = bool(run["cluster"]["f1"] >= GRID_F1_BAR
                               and run["cluster"]["precision"] >= GRID_PRECISION_BAR)
        else:
            run["pass"] = False
        _log(f"grid {name}={level}: {_grid_line(run)}")
        rows.append(run)
    return rows


def _grid_line(run: dict[str, Any]) -> str:
    if run["status"] != "ok":
        return run["reason"]
    return (f"cluster F1 {run['cluster']['f1']:.4f} P {run['cluster']['precision']:.4f}, "
            f"pairwise P {run['pairwise']['precision']:.4f}, largest entity "
            f"{run.get('largest_entity', '?')}, {run['seconds']:.1f} s")


# ---------------------------------------------------------------------------- scale

def scale_data(work: Path, size: int, seed: int) -> Path:
    """The harshest point at ``size`` records under ``work``, generated once (in a child
    process, so that this process stays small) and reused while the generator's code, the
    levels and the seed are the same."""
    levels = harshest()
    directory = work / f"harshest-n{size}-s{seed}"
    params = directory / "params.json"
    if params.is_file():
        old = json.loads(params.read_text(encoding="utf-8"))
        if (old.get("levels") == hazards.levels_with(**levels) and old.get("records") == size
                and old.get("generator") == hazards.fingerprint()):
            return directory
    command = [sys.executable, str(HERE / "hazards.py"), "--records", str(size),
               "--seed", str(seed), "--out", str(directory)]
    for name, level in levels.items():
        command += [f"--{name.replace('_', '-')}", str(level)]
    _log(f"scale: generating {size:,} records into {directory} ...")
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return directory


def run_scale(args: argparse.Namespace, work: Path) -> list[dict[str, Any]]:
    rows = []
    for size in args.scale_sizes:
        directory = scale_data(work, size, args.seed)
        _log(f"scale {size:,}: resolving in a fresh process ...")
        command = [sys.executable, "-c", LAUNCHER, sys.executable, str(Path(__file__)),
                   "--child", str(directory)]
        # A session of its own, so that a timeout ends the measured run too, not only the
        # launcher.
        launcher = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, start_new_session=True)
        try:
            stdout, stderr = launcher.communicate(timeout=args.scale_timeout)
        except subprocess.TimeoutExpired:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.communicate()
            rows.append({"size": size, "status": "failed",
                         "reason": f"timed out after {args.scale_timeout:.0f} s"})
            continue
        lines = [json.loads(x) for x in stdout.splitlines() if x.startswith("{")]
        measured = next((x for x in lines if x.get("launcher")), None)
        report = next((x for x in lines if "status" in x), None)
        if measured is None or report is None or measured["exit"] != 0:
            _log(stderr[-3000:])
            reason = f"exit status {measured['exit']}" if measured else "no report"
            rows.append({"size": size, "status": "failed", "reason": reason,
                         **({"wall": measured["wall"], "rss_mib": measured["rss_mib"]}
                            if measured else {})})
            continue
        params = json.loads((directory / "params.json").read_text(encoding="utf-8"))
        row = {"size": size, **report, "wall": measured["wall"],
               "rss_mib": measured["rss_mib"], "planted": params["planted"]}
        _log(f"scale {size:,}: {_grid_line(row)}, wall {row['wall']:.1f} s, "
             f"peak RSS {row['rss_mib']:.0f} MiB")
        rows.append(row)
    ok = [r for r in rows if r["status"] == "ok"]
    if ok:
        first = ok[0]
        for row in ok:
            row["precision_holds"] = bool(row["cluster"]["precision"]
                                          >= first["cluster"]["precision"]
                                          - SCALE_PRECISION_SLACK)
            row["entity_bounded"] = bool(row["largest_entity"]
                                         <= SCALE_ENTITY_FACTOR * first["largest_entity"])
            row["pass"] = row["precision_holds"] and row["entity_bounded"]
    for row in rows:
        row.setdefault("pass", False)
    return rows


def child(directory: Path) -> None:
    """The measured child: one zero-config run, its figures as a JSON line."""
    print(json.dumps(evaluate(directory), default=str))


# ---------------------------------------------------------------------------- results

def _names(text: str) -> set[str]:
    return {t.strip() for t in text.split(",") if t.strip()}


def _mark(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def render_metamorphic(results: dict[str, Any]) -> list[str]:
    used = [p for p in _perturb.PERTURBATIONS
            if any(p in row["runs"] for row in results.values())]
    runs = [r for row in results.values() for r in row["runs"].values() if r["status"] != "n/a"]
    passed = sum(1 for r in runs if r["pass"])
    lines = [
        "### Metamorphic: the same data in another shape",
        "",
        f"Headline F1 (cluster F1 for dedup, pairwise F1 for link) of the unperturbed set, "
        f"then the change under each perturbation. Bar: within {METAMORPHIC_BAR} of the "
        f"unperturbed run; a change beyond it is marked FAIL, a failed run shows its error, "
        f"– = not applicable (nothing to split or join). **{passed} of {len(runs)} runs "
        f"pass.**",
        "",
        "| dataset | task | unperturbed F1 | " + " | ".join(used) + " |",
        "| --- | --- | --- | " + " | ".join("---" for _ in used) + " |",
    ]
    for name, row in results.items():
        base = row["base"]
        cells = [name, row["task"], _f1(base).removeprefix("F1 ")]
        for p in used:
            run = row["runs"].get(p)
            if run is None or run["status"] == "n/a":
                cells.append("–")
            elif run["status"] != "ok":
                cells.append("**FAIL** " + run["reason"].replace("|", "/")[:60])
            else:
                delta = f"{run['delta']:+.4f}" if "delta" in run else "–"
                cells.append(delta if run["pass"] else f"**{delta} FAIL**")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Perturbations: " + "; ".join(
        f"`{p}` {_perturb.PERTURBATIONS[p].meaning}" for p in used) + ".", ""]
    return lines


def render_grid(rows: list[dict[str, Any]], args: argparse.Namespace) -> list[str]:
    passed = sum(1 for r in rows if r["pass"])
    mild = ", ".join(f"{n} {h.mild}" for n, h in hazards.HAZARDS.items())
    lines = [
        "### Hazard grid: person records from `benchmarks/hazards.py`",
        "",
        f"{args.grid_records:,} records (seed {args.seed}) per point; one hazard at the "
        f"level shown, the others mild ({mild}). Bars at every point: cluster F1 ≥ "
        f"{GRID_F1_BAR} and cluster precision ≥ {GRID_PRECISION_BAR}. "
        f"**{passed} of {len(rows)} points pass.**",
        "",
        "| hazard | level | people | cluster F1 | cluster P | cluster R | pairwise P "
        "| largest entity (true) | s | bar |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        level = "mild" if r["level"] is None else f"{r['level']:g}"
        planted = r["planted"]
        head = f"| {r['hazard']} | {level} | {planted['people']:,} |"
        if r["status"] != "ok":
            lines.append(f"{head} {r['reason']} | | | | | | **FAIL** |")
            continue
        c, p = r["cluster"], r["pairwise"]
        lines.append(f"{head} {c['f1']:.4f} | {c['precision']:.4f} | {c['recall']:.4f} | "
                     f"{p['precision']:.4f} | {r.get('largest_entity', '?')} "
                     f"({planted['largest_true_cluster']}) | {r['seconds']:.1f} | "
                     f"{_mark(r['pass'])} |")
    lines += ["", "Hazards: " + "; ".join(f"`{n}` {h.meaning}"
                                          for n, h in hazards.HAZARDS.items()) + ".", ""]
    return lines


def render_scale(rows: list[dict[str, Any]], args: argparse.Namespace) -> list[str]:
    point = ", ".join(f"{n} {v:g}" for n, v in harshest().items())
    lines = [
        "### Scale: the harshest point at growing size",
        "",
        f"Every hazard at the top of its range at once ({point}), seed {args.seed}. Each "
        "size is resolved end to end in a fresh process (reading the CSV, zero-config "
        "inference, resolving, scoring against the truth); wall time is the launcher's "
        "clock around that process, peak RSS its `ru_maxrss`. Bars: cluster precision at "
        f"most {SCALE_PRECISION_SLACK} below the smallest size's, largest entity at most "
        f"{SCALE_ENTITY_FACTOR:g}× the smallest size's.",
        "",
        "| records | people | cluster F1 | cluster P | pairwise P | largest entity (true) "
        "| entities | wall s | peak RSS MiB | precision holds | entity bounded |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        if r["status"] != "ok":
            wall = f"{r['wall']:.1f}" if "wall" in r else "–"
            rss = f"{r['rss_mib']:.0f}" if "rss_mib" in r else "–"
            lines.append(f"| {r['size']:,} | | {r['reason']} | | | | | {wall} | {rss} | "
                         "**FAIL** | **FAIL** |")
            continue
        c, p, planted = r["cluster"], r["pairwise"], r["planted"]
        lines.append(f"| {r['size']:,} | {planted['people']:,} | {c['f1']:.4f} | "
                     f"{c['precision']:.4f} | {p['precision']:.4f} | {r['largest_entity']} "
                     f"({planted['largest_true_cluster']}) | {r['entities']:,} | "
                     f"{r['wall']:.1f} | {r['rss_mib']:.0f} | {_mark(r['precision_holds'])} "
                     f"| {_mark(r['entity_bounded'])} |")
    lines.append("")
    return lines


def command_line() -> str:
    argv = sys.argv[1:]
    for flag in ("--json", "--out", "--work"):  # where things were written changes no figure
        if flag in argv:
            i = argv.index(flag)
            argv = argv[:i] + argv[i + 2:]
    return "python benchmarks/robustness.py " + " ".join(shlex.quote(a) for a in argv)


def library_version() -> str:
    """The version of the unifyprofile that is imported, with the commit of its checkout."""
    import unifyprofile

    where = Path(unifyprofile.__file__).resolve().parent
    try:
        commit = subprocess.run(["git", "-C", str(where), "describe", "--always", "--dirty"],
                                capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return f"unifyprofile {unifyprofile.__version__}"
    return f"unifyprofile {unifyprofile.__version__} at commit {commit}"


def render(results: dict[str, Any], args: argparse.Namespace) -> str:
    lines = [
        HEADING,
        "",
        f"Measured {results['date']} on {results['machine']} with `{results['command']}` "
        f"({results['version']}). Zero-config throughout: "
        "`unifyprofile.evaluate.evaluate_directory` with no config, as "
        "`unifyprofile evaluate DIR --json` runs it.",
        "",
    ]
    if "kept" in results:
        kept = results["kept"]
        lines += [f"The {' and '.join(kept['parts'])} part(s) below are from the run of "
                  f"{kept['date']} (`{kept['command']}`, {kept['version']}).", ""]
    if "metamorphic" in results:
        lines += render_metamorphic(results["metamorphic"])
    if "grid" in results:
        lines += render_grid(results["grid"], args)
    if "scale" in results:
        lines += render_scale(results["scale"], args)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, help="benchdata directory (for metamorphic)")
    parser.add_argument("--parts", default=",".join(PARTS),
                        help=f"comma-separated subset of {','.join(PARTS)} (default all)")
    parser.add_argument("--datasets", default="",
                        help="comma-separated dataset folder names (default: all)")
    parser.add_argument("--perturbations", default="",
                        help="comma-separated subset of "
                             f"{','.join(_perturb.PERTURBATIONS)} (default: all)")
    parser.add_argument("--hazards", default="",
                        help=f"comma-separated subset of {','.join(hazards.HAZARDS)} for "
                             "the grid (default: all; the mild point always runs)")
    parser.add_argument("--grid-records", type=hazards.parse_size, default=10_000,
                        help="records per grid point (default 10000)")
    parser.add_argument("--scale-sizes", type=hazards.parse_size, nargs="+",
                        default=[10_000, 100_000, 1_000_000],
                        help="record counts for the scale part (default 10k 100k 1m)")
    parser.add_argument("--scale-timeout", type=float, default=3600,
                        help="seconds before a scale run is given up (default 3600)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/unifyprofile-robustness"),
                        help="folder for generated data (scale data is kept for reruns)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="RESULTS.md to update")
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    parser.add_argument("--previous", type=Path,
                        help="a --json file of an earlier run: the parts not run now are "
                             "taken from it (and marked with its date and command)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child)
        return
    parts = _names(args.parts)
    if parts - set(PARTS):
        parser.error(f"unknown part(s) {sorted(parts - set(PARTS))}; choose from "
                     f"{','.join(PARTS)}")
    if "metamorphic" in parts and args.data is None:
        parser.error("--data is required for the metamorphic part")
    unknown = _names(args.perturbations) - set(_perturb.PERTURBATIONS)
    if unknown:
        parser.error(f"unknown perturbation(s) {sorted(unknown)}")
    args.work.mkdir(parents=True, exist_ok=True)

    results: dict[str, Any] = {
        "command": command_line(), "machine": results_machine(),
        "date": f"{datetime.now(timezone.utc):%Y-%m-%d}", "version": library_version(),
    }
    # Scale first: its children are measured while this process is still small.
    if "scale" in parts:
        results["scale"] = run_scale(args, args.work)
    if "metamorphic" in parts:
        results["metamorphic"] = run_metamorphic(args, args.work)
    if "grid" in parts:
        results["grid"] = run_grid(args, args.work)
    if args.previous is not None:
        earlier = json.loads(args.previous.read_text(encoding="utf-8"))
        kept = [part for part in PARTS if part not in parts and part in earlier]
        for part in kept:
            results[part] = earlier[part]
        if kept:
            results["kept"] = {"parts": kept, "date": earlier["date"],
                               "command": earlier["command"], "version": earlier["version"]}
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    write_section(args.out, render(results, args))
    _log(f"written: {args.out}" + (f", {args.json}" if args.json else ""))


if __name__ == "__main__":
    main()
