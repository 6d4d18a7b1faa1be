"""Fixtures of the service's tests: a real identity store built from the bundled demo
exports (plus a Segment feed source), served by a uvicorn process on 127.0.0.1 and talked
to with httpx.  No ASGI test transport stands in for the server.

Every server's log goes to a file in the session's log folder; ``test_zz_logs`` reads
them all at the end of the run for the test data's e-mails and phones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the service's tests need the serve extra")
pytest.importorskip("uvicorn", reason="the service's tests need the serve extra")
pytest.importorskip("httpx", reason="the service's tests need httpx (test extra)")

from serving import Server, build_demo_store, start_server  # noqa: E402


@pytest.fixture(scope="session")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where every server of the session writes its log."""
    return tmp_path_factory.mktemp("service-logs")


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store, built once; tests copy it before they change it."""
    return build_demo_store(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def server_factory(log_dir: Path) -> Iterator[Callable[..., Server]]:
    """``start(store, *args)`` starts a server; all are stopped after the test."""
    started: list[Server] = []

    def start(store: Path, *args: str) -> Server:
        server = start_server(store, log_dir, *args)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
