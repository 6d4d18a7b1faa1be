#!/usr/bin/env python3
"""Identity store: single-record resolve latency, incremental ingest and id stability.

    python benchmarks/latency.py --records 1000000 --queries 1000

On the records of ``benchmarks/generate.py --seed 1`` (generated into ``--work`` when
missing), the records are split at random into a *base* (all but ``2 * --delta``), a
*delta* (``--delta`` of them) and *queries* (the rest, capped at ``--queries``):

1. the base is ingested into a new store (fit + batch build);
2. the delta is ingested incrementally; **id stability** is the share of base records
   whose entity id did not change (the store's ledger ids, and for comparison the
   ``"E" + hash(smallest record id)`` ids a stateless batch re-run would give);
3. each query record (never ingested) is resolved with ``store.resolve`` -- standardise,
   blocking-key look-ups, comparing, scoring -- and the wall time of each call is kept:
   p50 / p95 / p99 / max;
4. the query records are then ingested in small batches, as a service feeding the store
   would (``--small`` batches each of 1, 10 and 50 records): the wall time of each
   ``store.ingest`` (read, standardise, score against the stored records, re-cluster,
   golden profiles, commit with a full sync) -- median / p95 / max;
5. one person is erased by e-mail, then the file is compacted (``VACUUM``).

Writes its section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import RESULTS, generated, write_section  # noqa: E402
from _results import machine as results_machine  # noqa: E402
from scale import COLUMNS, config  # noqa: E402

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--delta", type=float, default=0.01,
                        help="share of the records ingested incrementally (default 0.01)")
    parser.add_argument("--small", type=int, default=20,
                        help="small ingests of each size 1, 10, 50 (default 20)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/unifyprofile-latency"))
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args()

    import unifyprofile as up
    from unifyprofile.graph import entity_ids

    directory = generated(args.work, args.records)
    records = pd.read_parquet(directory / "records.parquet")
    rng = np.random.default_rng(1)
    order = rng.permutation(len(records))
    n_delta = max(1, int(len(records) * args.delta))
    n_query = min(args.queries, n_delta)
    delta = records.iloc[np.sort(order[:n_delta])]
    queries = records.iloc[order[n_delta:n_delta + n_query]]
    base = records.iloc[np.sort(order[n_delta + n_query:])]

    path = directory / "profiles.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    cfg = config(directory / "records.parquet")
    figures: dict[str, float | int | str] = {"records": len(records),
                                             "load_before": os.getloadavg()[0]}
    wall0, cpu0 = time.perf_counter(), time.process_time()
    with up.IdentityStore(path, cfg) as store:
        start = time.perf_counter()
        store.ingest(base, source="customers")
        figures["build_s"] = time.perf_counter() - start
        before = store.clusters()

        start = time.perf_counter()
        changes = store.ingest(delta, source="customers")
        figures["ingest_s"] = time.perf_counter() - start
        figures["ingest_records"] = len(delta)
        figures["ingest_changes"] = json.dumps({k: v for k, v in changes.summary().items()
                                                if k in ("created", "updated", "merged",
                                                         "split")})
        after = store.clusters()
        figures.update(_stability(before, after, entity_ids))

        store.resolve({c: queries.iloc[0][c] for c in COLUMNS})  # warm caches
        times, cpu, matched, candidates = [], [], 0, []
        for row in queries[list(COLUMNS)].to_dict("records"):
            start, start_cpu = time.perf_counter(), time.process_time()
            answer = store.resolve(row)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            matched += answer.entity_id is not None
            candidates.append(len(answer.candidates))
        ms = np.asarray(times)
        figures.update(p50_ms=float(np.percentile(ms, 50)), p95_ms=float(np.percentile(ms, 95)),
                       p99_ms=float(np.percentile(ms, 99)), max_ms=float(ms.max()),
                       cpu_p50_ms=float(np.percentile(cpu, 50)),
                       cpu_p99_ms=float(np.percentile(cpu, 99)),
                       queries=len(ms), matched=matched,
                       candidates_mean=float(np.mean(candidates)),
                       candidates_max=int(np.max(candidates)))
        stats = store.stats()
        figures.update(_small_ingests(store, queries, args.small))
        # Erasure of one person by e-mail (the last step: it changes the store).
        email = base["email"].dropna().iloc[0]
        start = time.perf_counter()
        erased = store.erase(match={"email": email}, compact=False)
        figures["erase_s"] = time.perf_counter() - start
        figures["erase_records"] = erased.records
        start = time.perf_counter()
        store.compact()
        figures["compact_s"] = time.perf_counter() - start
    figures["cpu_share"] = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    figures["store_mib"] = path.stat().st_size / 2**20
    figures["entities"] = stats["golden"]
    figures["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))
    if not args.no_write:
        write_results(figures, args)


SMALL_SIZES = (1, 10, 50)


def _small_ingests(store, queries: pd.DataFrame, runs: int) -> dict[str, float | int]:
    """Wall time of ingesting the (never ingested) query records ``runs`` batches at a
    time of each size in :data:`SMALL_SIZES`, as far as they go."""
    import logging

    # A batch of a few rows leaves some mapped columns empty, which the reader notes.
    logging.getLogger("unifyprofile").setLevel(logging.ERROR)
    out: dict[str, float | int] = {}
    start = 0
    for size in SMALL_SIZES:
        times, cpu = [], []
        for _ in range(runs):
            batch = queries.iloc[start:start + size]
            if len(batch) < size:
                break
            start += size
            begin, begin_cpu = time.perf_counter(), time.process_time()
            store.ingest(batch, source="customers")
            times.append((time.perf_counter() - begin) * 1000)
            cpu.append((time.process_time() - begin_cpu) * 1000)
        if times:
            ms = np.asarray(times)
            out.update({f"ingest{size}_p50_ms": float(np.percentile(ms, 50)),
                        f"ingest{size}_cpu_p50_ms": float(np.percentile(cpu, 50)),
                        f"ingest{size}_p95_ms": float(np.percentile(ms, 95)),
                        f"ingest{size}_max_ms": float(ms.max()),
                        f"ingest{size}_runs": len(ms)})
    logging.getLogger("unifyprofile").setLevel(logging.NOTSET)
    return out


def _stability(before: pd.DataFrame, after: pd.DataFrame, entity_ids) -> dict[str, float]:
    """Share of the base records whose entity id is unchanged after the delta."""
    joined = before.merge(after, on="record_id", suffixes=("_before", "_after"))
    ledger = float((joined["entity_id_before"] == joined["entity_id_after"]).mean())
    # What stateless batch naming (hash of the cluster's smallest record id) would give.
    hashed = {}
    for name, table in (("before", before), ("after", after)):
        labels = pd.factorize(table["entity_id"])[0]
        hashed[name] = pd.Series(entity_ids(table["record_id"], labels),
                                 index=table["record_id"].to_numpy())
    common = joined["record_id"].to_numpy()
    stateless = float((hashed["before"][common].to_numpy()
                       == hashed["after"][common].to_numpy()).mean())
    moved = float((joined.groupby("entity_id_before")["entity_id_after"].transform("nunique")
                   > 1).mean())
    return {"id_stability": ledger, "id_stability_stateless": stateless,
            "records_in_split_entities": moved}


def write_results(f: dict, args: argparse.Namespace) -> None:
    machine = results_machine()
    lines = [
        "## Identity store: resolve latency, incremental ingest, id stability",
        "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d} on {machine} with "
        f"`python benchmarks/latency.py --records {args.records} --queries "
        f"{args.queries} --delta {args.delta}` (records from `benchmarks/generate.py --seed 1`; "
        "SQLite store file, WAL journal).",
        "",
        "| figure | value |",
        "| --- | --- |",
        f"| records in the data | {f['records']:,} |",
        f"| base build (fit + batch, {f['records'] - f['ingest_records'] - f['queries']:,} "
        f"records) | {f['build_s']:.1f} s |",
        f"| incremental ingest of {f['ingest_records']:,} records | {f['ingest_s']:.1f} s "
        f"({f['ingest_changes']}) |",
        f"| id stability after the delta (ledger ids) | {f['id_stability']:.4%} of base "
        "records keep their entity id |",
        f"| same with stateless ids (hash of smallest record id) | "
        f"{f['id_stability_stateless']:.4%} |",
        f"| resolve p50 / p95 / p99 / max ({f['queries']:,} unseen records) | "
        f"{f['p50_ms']:.1f} / {f['p95_ms']:.1f} / {f['p99_ms']:.1f} / {f['max_ms']:.1f} ms |",
        f"| resolve CPU time p50 / p99 (this process, excludes waiting for a shared core) | "
        f"{f['cpu_p50_ms']:.1f} / {f['cpu_p99_ms']:.1f} ms |",
        f"| resolve: matched an entity | {f['matched']:,} of {f['queries']:,} |",
        f"| resolve: stored records compared (mean / max) | {f['candidates_mean']:.1f} / "
        f"{f['candidates_max']:,} |",
        *[f"| small ingest of {size} record(s) ({f[f'ingest{size}_runs']} runs of the query "
          "records after them): median / p95 / max (CPU median) | "
          f"{f[f'ingest{size}_p50_ms']:.1f} / {f[f'ingest{size}_p95_ms']:.1f} / "
          f"{f[f'ingest{size}_max_ms']:.1f} ms ({f[f'ingest{size}_cpu_p50_ms']:.1f} ms) |"
          for size in SMALL_SIZES if f"ingest{size}_runs" in f],
        f"| erase one person by e-mail ({f['erase_records']} record(s)): find, delete, "
        f"re-resolve / `compact()` | {f['erase_s']:.1f} s / {f['compact_s']:.1f} s |",
        f"| store file | {f['store_mib']:.0f} MiB, {f['entities']:,} entities |",
        f"| peak RSS (the whole process: build, ingest, queries) | "
        f"{f['peak_rss_mib']:.0f} MiB |",
        "",
        f"Load average before the run: {f['load_before']:.1f} on 2 cores; the benchmark "
        f"process got {f['cpu_share']:.0%} of a core on average (wall times include any "
        "wait for a core, CPU times do not).",
        "",
    ]
    write_section(RESULTS, "\n".join(lines))


if __name__ == "__main__":
    main()
