"""The service's Prometheus metrics, in a registry of its own (two apps in one process,
as in the tests, do not share counters)."""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["Metrics"]

_LATENCY = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """Requests, latencies, store size, write queue and ingest lag."""

    def __init__(self) -> None:
        disable_created_metrics()  # *_created series: noise for every scrape
        self.registry = CollectorRegistry()
        self.requests = Counter("unifyprofile_requests", "HTTP requests answered.",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("unifyprofile_request_seconds",
                                 "Seconds from a request's arrival to its answer.",
                                 ["route"], buckets=_LATENCY, registry=self.registry)
        self.lag = Histogram("unifyprofile_ingest_lag_seconds",
                             "Seconds from a write's arrival to its commit (queue wait "
                             "included).", buckets=_LATENCY, registry=self.registry)
        self.written = Counter("unifyprofile_ingested_items",
                               "Records and events committed by the writer.",
                               registry=self.registry)
        self.size = Gauge("unifyprofile_store_rows", "Rows of the store's main tables.",
                          ["table"], registry=self.registry)
        self.queue = Gauge("unifyprofile_write_queue", "Writes waiting for the writer.",
                           registry=self.registry)

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(route).observe(seconds)

    def committed(self, lag: float, items: int) -> None:
        self.lag.observe(lag)
        self.written.inc(items)

    def render(self, stats: dict[str, int], queued: int) -> tuple[bytes, str]:
        """The text exposition, with the store's row counts and the queue read now."""
        for table, rows in stats.items():
            self.size.labels(table).set(rows)
        self.queue.set(queued)
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
