"""A leadflow server in a process of its own, as `leadflow serve` runs it: for benchmarks and
for the tests that kill it or talk to it over real HTTP."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def leadflow_server(
    env: dict[str, str], *, output: IO[bytes] | int = subprocess.DEVNULL, wait: float = 60
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """Starts `leadflow serve` on a free port, yields it once it accepts connections, and
    stops it afterwards (gracefully, then by force) unless it is already gone."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "leadflow", "serve", "--port", str(port)],
        cwd=ROOT, env=env, stdout=output, stderr=output,
    )  # fmt: skip
    try:
        _await_port(server, port, wait)
        yield server, port
    finally:
        _stop(server)


def _await_port(server: subprocess.Popen[bytes], port: int, wait: float) -> None:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"leadflow stopped as it started (exit code {server.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"leadflow did not start within {wait} s")


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
