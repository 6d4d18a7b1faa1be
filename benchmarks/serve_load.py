#!/usr/bin/env python3
"""The HTTP service under bounded load, on loopback only.

    python benchmarks/serve_load.py --records 1000000 --seconds 60

On the records of ``benchmarks/generate.py --seed 1`` (generated into ``--work`` when
missing), all but a held-out slice are built into an identity store (the config of
``benchmarks/scale.py`` plus a Segment source ``web``), and ``unifyprofile serve`` is
started on 127.0.0.1 with an API key.  A seeded client (httpx, asyncio) then measures:

1. **resolve under ingest**, one phase per ``--rates`` pair (default ``200:50``):
   ``POST /v1/resolve`` at a fixed rate (open loop: a request is sent on schedule whether
   or not earlier ones answered, and its latency counts from its scheduled time),
   held-out records as queries, while Segment ``identify`` calls of other held-out people
   go to ``POST /v1/feeds/segment`` at the second rate, one call per request;
2. **ingest-to-visible lag**: for every tenth identify call, the time from sending it to
   the first resolve (polled every 20 ms) that finds its entity;
3. **maximum sustained throughput**: resolve with ``--concurrency`` requests in flight and
   no ingest, for ``--seconds / 2``;
4. errors: non-2xx answers and transport errors, 5xx counted apart.

Every request goes to 127.0.0.1; the run stops by itself.  Writes its section of
``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import RESULTS, generated, write_section  # noqa: E402
from _results import machine as results_machine  # noqa: E402
from scale import COLUMNS, config  # noqa: E402

HOST = "127.0.0.1"  # loopback only, by design
IN_FLIGHT = 64  # requests handed to the HTTP client at once
TRAITS = {"first_name": "firstName", "last_name": "lastName", "email": "email",
          "phone": "phone", "dob": "birthday"}
ADDRESS = {"address": "street", "city": "city", "postcode": "postalCode"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="length of the resolve-under-ingest phase (default 60)")
    parser.add_argument("--rates", nargs="+", type=_pair, default=[(200.0, 50.0)],
                        metavar="RESOLVE:IDENTIFY",
                        help="phases, each resolves/s and identify calls/s (default 200:50)")
    parser.add_argument("--concurrency", type=int, default=8,
                        help="requests in flight in the throughput phase")
    parser.add_argument("--work", type=Path, default=Path("/tmp/unifyprofile-serve-load"))
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args()

    directory = generated(args.work, args.records)
    records = pd.read_parquet(directory / "records.parquet")
    rng = np.random.default_rng(1)
    order = rng.permutation(len(records))
    n_query = min(20_000, len(records) // 20)
    n_feed = 3100  # identify calls' people (reused in order when a run needs more)
    queries = records.iloc[order[:n_query]]
    feed = records.iloc[order[n_query:n_query + n_feed]]
    base = records.iloc[np.sort(order[n_query + n_feed:])]

    store, build_s = _store(directory, base)
    key = _key(store)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "unifyprofile.cli", "serve", "--store", str(store),
         "--host", HOST, "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=open(args.work / "server.log", "wb"))  # noqa: SIM115
    try:
        figures = asyncio.run(_load(f"http://{HOST}:{port}", key, queries, feed, args))
        figures["server_rss_mib"] = _rss_mib(server.pid)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
    figures.update(records=len(records), stored=len(base), build_s=build_s,
                   load_before=os.getloadavg()[0])
    print(json.dumps(figures))
    if not args.no_write:
        write_results(figures, args)


def _pair(text: str) -> tuple[float, float]:
    resolve, _, identify = text.partition(":")
    return float(resolve), float(identify or 0)


def _store(directory: Path, base: pd.DataFrame) -> tuple[Path, float | None]:
    """The store of ``base`` (built once per data set; reused while its marker stands)."""
    import dataclasses

    import unifyprofile as up

    path = directory / "serve.db"
    marker = directory / "serve.db.built"
    if path.exists() and marker.exists():
        return path, None
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    cfg = config(directory / "records.parquet")
    cfg = dataclasses.replace(cfg, sources=(*cfg.sources, up.Source("web", preset="segment")))
    start = time.perf_counter()
    with up.IdentityStore(path, cfg) as store:
        store.ingest(base, source="customers")
    marker.write_text("built\n")
    return path, time.perf_counter() - start


def _key(store: Path) -> str:
    from unifyprofile.serve import KeyRing

    return KeyRing(store).create("serve-load", ["read", "write"])[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _query(row: dict[str, Any]) -> dict[str, Any]:
    return {"record": {c: row[c] for c in COLUMNS if row.get(c) is not None
                       and row[c] == row[c]}, "evidence": 3}


def _identify(k: int, row: dict[str, Any]) -> dict[str, Any]:
    traits = {t: row[c] for c, t in TRAITS.items() if row.get(c) is not None and row[c] == row[c]}
    address = {t: row[c] for c, t in ADDRESS.items() if row.get(c) is not None
               and row[c] == row[c]}
    if address:
        traits["address"] = address
    return {"type": "identify", "userId": f"load-{k:07d}", "messageId": f"load-id-{k}",
            "timestamp": datetime.now(timezone.utc).isoformat(), "traits": traits}


async def _load(url: str, key: str, queries: pd.DataFrame, feed: pd.DataFrame,
                args: argparse.Namespace) -> dict[str, Any]:
    import httpx

    headers = {"Authorization": f"Bearer {key}"}
    # httpcore's pool costs O(waiting requests) per request; more than a few dozen
    # waiting in it makes the client, not the server, the bottleneck.  So at most
    # IN_FLIGHT requests are handed to it; the others wait on a semaphore, and their
    # latency still counts from their scheduled time.
    limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60,
                                 limits=limits) as client:
        for _ in range(1200):  # the server starts (imports, opens the store, warms up)
            try:
                if (await client.get("/healthz")).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
        else:
            raise SystemExit("the server did not start; see server.log in --work")
        rows = queries[list(COLUMNS)].to_dict("records")
        feed_rows = feed[list(COLUMNS)].to_dict("records")
        for row in rows[:50]:  # warm the server's caches
            await client.post("/v1/resolve", json=_query(row))
        phases = []
        fed = 0
        for rate, ingest_rate in args.rates:
            phase = await _phase(client, rows, feed_rows, fed, rate, ingest_rate, args.seconds)
            fed += phase["identify_calls"]
            phases.append(phase)
        throughput = await _throughput(client, rows, args.concurrency, args.seconds / 2)
    return {"phases": phases, **throughput}


_GATE: asyncio.Semaphore | None = None


async def _send(client: Any, errors: dict[str, int], method: str, path: str,
                body: Any) -> Any:
    import httpx

    global _GATE
    if _GATE is None:
        _GATE = asyncio.Semaphore(IN_FLIGHT)
    try:
        async with _GATE:
            answer = await client.request(method, path, json=body)
    except httpx.HTTPError:
        errors["transport"] += 1
        return None
    if answer.status_code >= 300:
        errors["non_2xx"] += 1
        errors["5xx"] += answer.status_code >= 500
    return answer


async def _paced(count: int, rate: float, make: Any) -> None:
    """Open loop: call ``make(k, due)`` at ``rate`` per second, whatever answered."""
    start = time.perf_counter()
    tasks = []
    for k in range(count):
        due = start + k / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(make(k, due)))
    await asyncio.gather(*tasks)


async def _phase(client: Any, rows: list[dict[str, Any]], feed_rows: list[dict[str, Any]],
                 fed: int, rate: float, ingest_rate: float, seconds: float) -> dict[str, Any]:
    """Resolves at ``rate`` while identify calls arrive at ``ingest_rate``."""
    errors = {"non_2xx": 0, "5xx": 0, "transport": 0}
    latencies: list[float] = []
    lags: list[float] = []
    ingest_ms: list[float] = []

    async def resolve(k: int, due: float) -> None:
        await _send(client, errors, "POST", "/v1/resolve", _query(rows[k % len(rows)]))
        latencies.append((time.perf_counter() - due) * 1000)

    async def identify(k: int, due: float) -> None:
        n = fed + k
        row = feed_rows[n % len(feed_rows)]
        answer = await _send(client, errors, "POST", "/v1/feeds/segment", _identify(n, row))
        ingest_ms.append((time.perf_counter() - due) * 1000)
        if k % 10 or answer is None or answer.status_code != 200:
            return
        wanted = {c: row[c] for c in COLUMNS if row.get(c) is not None and row[c] == row[c]}
        entity = answer.json()["records"].get(f"web:load-{n:07d}")
        # Polled at most 10 times, 100 ms apart: a bounded extra load.
        for _ in range(10):
            seen = await _send(client, errors, "POST", "/v1/resolve",
                               {"record": wanted, "evidence": 0})
            if seen is not None and entity in seen.json()["entities"]:
                lags.append((time.perf_counter() - due) * 1000)
                return
            await asyncio.sleep(0.1)
        lags.append(float("inf"))

    start = time.perf_counter()
    await asyncio.gather(_paced(int(rate * seconds), rate, resolve),
                         _paced(int(ingest_rate * seconds), ingest_rate, identify))
    ms, lag = np.asarray(latencies), np.asarray(lags) if lags else np.asarray([np.inf])
    return {"rate": rate, "ingest_rate": ingest_rate, "resolves": len(ms),
            "phase_s": time.perf_counter() - start,
            "p50_ms": float(np.percentile(ms, 50)), "p95_ms": float(np.percentile(ms, 95)),
            "p99_ms": float(np.percentile(ms, 99)), "max_ms": float(ms.max()),
            "identify_calls": len(ingest_ms),
            "identify_p50_ms": float(np.percentile(ingest_ms, 50)),
            "identify_p99_ms": float(np.percentile(ingest_ms, 99)),
            "lag_samples": len(lags), "lag_p50_ms": float(np.percentile(lag, 50)),
            "lag_p99_ms": float(np.percentile(lag, 99)), "lag_max_ms": float(lag.max()),
            "lag_over_1s": int((lag > 1000).sum()), **errors}


async def _throughput(client: Any, rows: list[dict[str, Any]], concurrency: int,
                      seconds: float) -> dict[str, Any]:
    """Closed loop: ``concurrency`` resolves in flight, no ingest."""
    errors = {"non_2xx": 0, "5xx": 0, "transport": 0}
    done = 0
    stop_at = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        nonlocal done
        k = offset
        while time.perf_counter() < stop_at:
            await _send(client, errors, "POST", "/v1/resolve", _query(rows[k % len(rows)]))
            done += 1
            k += concurrency

    start = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    return {"throughput_rps": done / (time.perf_counter() - start),
            "throughput_errors": sum(errors.values()) - errors["5xx"]}


def write_results(f: dict[str, Any], args: argparse.Namespace) -> None:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    rates = " ".join(f"{r:g}:{i:g}" for r, i in args.rates)
    command = (f"python benchmarks/serve_load.py --records {args.records} --seconds "
               f"{args.seconds:g} --rates {rates} --concurrency {args.concurrency}")
    build = (f"{f['build_s']:.0f} s" if f["build_s"] is not None
             else "reused from an earlier run")
    lines = [
        "## HTTP service: resolve under ingest, throughput, ingest-to-visible lag",
        "",
        f"Measured {now} on {results_machine()} with `{command}` (records from "
        "`benchmarks/generate.py --seed 1`; one `unifyprofile serve` with its default "
        f"reader processes ({min(4, os.cpu_count() or 1)} here) and its writer process, "
        "and the load client, on the same machine, loopback only; latencies "
        "count from each request's scheduled time, so a server that falls behind pays for "
        "it). Each phase sends resolves at a fixed rate while Segment `identify` calls "
        "arrive at another, one call per request.",
        "",
        f"Store: {f['stored']:,} records (build: {build}); server peak RSS "
        f"{f['server_rss_mib']:.0f} MiB. Maximum sustained resolve throughput "
        f"({args.concurrency} in flight, no ingest): **{f['throughput_rps']:.0f} "
        f"requests/s** ({f['throughput_errors']} errors).",
        "",
        "| resolve/s : identify/s | resolve p50 / p95 / p99 / max | identify answered "
        "(committed) p50 / p99 | ingest-to-visible p50 / p99 / max | lag > 1 s | errors "
        "non-2xx / 5xx / transport |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for p in f["phases"]:
        lines.append(
            f"| {p['rate']:g} : {p['ingest_rate']:g} | {p['p50_ms']:.1f} / {p['p95_ms']:.1f} "
            f"/ {p['p99_ms']:.1f} / {p['max_ms']:.0f} ms ({p['resolves']:,} in "
            f"{p['phase_s']:.0f} s) | {p['identify_p50_ms']:.0f} / {p['identify_p99_ms']:.0f}"
            f" ms | {p['lag_p50_ms']:.0f} / {p['lag_p99_ms']:.0f} / {p['lag_max_ms']:.0f} ms "
            f"| {p['lag_over_1s']} of {p['lag_samples']} | {p['non_2xx']} / {p['5xx']} / "
            f"{p['transport']} |")
    verdicts = []
    for p in f["phases"]:
        met = [f"p99 {p['p99_ms']:.0f} ms {'≤' if p['p99_ms'] <= 50 else '>'} 50 ms",
               f"{p['5xx']} 5xx",
               f"{p['lag_over_1s']} of {p['lag_samples']} visible after more than 1 s"]
        ok = p["p99_ms"] <= 50 and p["5xx"] == 0 and p["lag_over_1s"] == 0
        verdicts.append(f"{p['rate']:g} : {p['ingest_rate']:g} -- {'met' if ok else 'NOT met'}"
                        f" ({', '.join(met)})")
    lines += ["", "Targets on this machine: resolve p99 ≤ 50 ms at 200 resolves/s during 50 "
              "identify/s, zero 5xx, an ingested record visible within 1 s. Per phase: "
              + "; ".join(verdicts) + f". Load average before the run: "
              f"{f['load_before']:.1f}.", ""]
    write_section(RESULTS, "\n".join(lines))


if __name__ == "__main__":
    main()
