"""The helpers of the service's tests: build the demo store, start a real server."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

DEMO = Path(__file__).resolve().parents[2] / "examples" / "cx_demo"
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def build_demo_store(folder: Path) -> Path:
    """A store of the demo's four exports plus an empty Segment source ``web``."""
    from unifyprofile.store import IdentityStore

    for item in DEMO.iterdir():
        if item.is_file():
            shutil.copy(item, folder / item.name)
    config = folder / "unify.toml"
    text = config.read_text()
    marker = "[[rules]]"
    web = ('[[sources]]\nname = "web"\npreset = "segment"\npath = "web.jsonl"\n'
           'default_region = "US"\ntrust = 0.6\n\n')
    config.write_text(text.replace(marker, web + marker, 1))
    (folder / "web.jsonl").write_text("")
    path = folder / "base.db"
    with IdentityStore(path, config) as store:
        store.ingest()
    return path


def copy_store(base: Path, to: Path) -> Path:
    shutil.copy(base, to)
    return to


@dataclass
class Server:
    """A ``unifyprofile serve`` process."""

    store: Path
    port: int
    log: Path
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def kill(self) -> None:
        """``kill -9`` of the server and its writer process: no shutdown, no checkpoint."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:  # pragma: no cover - a hung server
                self.kill()


def start_server(store: Path, log_dir: Path, *args: str, timeout: float = 60) -> Server:
    """Start ``unifyprofile serve`` on a free loopback port; return once /healthz
    answers."""
    port = free_port()
    log = log_dir / f"server-{store.stem}-{port}.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("ab") as handle:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            [sys.executable, "-m", "unifyprofile.cli", "serve", "--store", str(store),
             "--host", LOOPBACK, "--port", str(port), *args],
            stdout=handle, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    server = Server(store, port, log, process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n"
                               + log.read_text())
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not answer /healthz in time:\n" + log.read_text())
