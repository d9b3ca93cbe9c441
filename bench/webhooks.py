"""Signed inbound webhooks at a running leadflow: each verified, deduplicated and committed
before its answer.

    python -m bench.webhooks [--requests 20000] [--concurrency 8] [--database-url URL]

leadflow runs as `leadflow serve` would (uvicorn, embedded job consumer handling what arrives)
in its own process; this process drives it over keep-alive HTTP/1.1 connections with a small
asyncio client, so that the client's own cost stays low. Every answer must be a 200, and
afterwards every delivery must be in the inbox. Prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import secrets
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from bench.databases import scratch_database
from bench.servers import leadflow_server

SECRET = "whsec_" + base64.b64encode(b"bench-webhooks-secret-of-32-byte").decode()
SLUG = "bench"


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=8, help="open connections")
    parser.add_argument("--database-url", default="", help="a PostgreSQL server; default SQLite")
    return parser.parse_args()


def prepare(database_url: str, data_dir: Path, *, more_setup: str = "") -> dict[str, str]:
    """Migrates the database and connects the bench workspace to signed webhooks; runs
    ``more_setup`` (Python, with ``session`` open) in the same transaction."""
    env = {
        **os.environ,
        "LEADFLOW_DATABASE_URL": database_url,
        "LEADFLOW_DATA_DIR": str(data_dir),
        "LEADFLOW_ENVIRONMENT": "development",
        "LEADFLOW_LOG_LEVEL": "WARNING",
    }
    setup = f"""
from leadflow.cli.app import migrate
from leadflow.connections.service import connect
from leadflow.db import unit_of_work
from leadflow.workspaces.service import create_workspace
migrate()
with unit_of_work() as session:
    workspace = create_workspace(session, slug={SLUG!r}, name="Bench")
    connect(session, workspace_id=workspace.id, provider="standard",
            settings={{"signing_secret": {SECRET!r}}})
{textwrap.indent(more_setup, "    ")}
"""
    subprocess.run([sys.executable, "-c", setup], env=env, check=True)
    return env


def signed_request(port: int, number: int) -> bytes:
    body = json.dumps({"type": "bench.event", "data": {"n": number}}).encode()
    message_id, timestamp = f"msg_{number}_{secrets.token_hex(4)}", str(int(time.time()))
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    mac = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    head = (
        f"POST /api/v1/inbound/{SLUG}/standard HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"webhook-id: {message_id}\r\nwebhook-timestamp: {timestamp}\r\n"
        f"webhook-signature: v1,{base64.b64encode(mac).decode()}\r\n\r\n"
    )
    return head.encode() + body


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> int:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


async def _connection(port: int, requests: list[bytes], latencies: list[float]) -> list[int]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    statuses = []
    for request in requests:
        started = time.perf_counter()
        statuses.append(await _exchange(reader, writer, request))
        latencies.append(time.perf_counter() - started)
    writer.close()
    return statuses


async def _drive(
    port: int, requests: list[bytes], concurrency: int
) -> tuple[list[int], list[float]]:
    latencies: list[float] = []
    shares = [requests[i::concurrency] for i in range(concurrency)]
    results = await asyncio.gather(*(_connection(port, share, latencies) for share in shares))
    return [status for statuses in results for status in statuses], latencies


def _kept(env: dict[str, str]) -> int:
    count = subprocess.run(
        [sys.executable, "-c", "from sqlalchemy import func, select\n"
         "from leadflow.db import unit_of_work\nfrom leadflow.models import InboundWebhook\n"
         "with unit_of_work(writes=False) as s:\n"
         "    print(s.scalar(select(func.count()).select_from(InboundWebhook)))"],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return int(count.stdout.strip().splitlines()[-1])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    args = _args()
    with (
        tempfile.TemporaryDirectory(prefix="leadflow-bench-") as workdir,
        scratch_database(args.database_url, Path(workdir)) as database_url,
    ):
        env = prepare(database_url, Path(workdir))
        with leadflow_server(env) as (_, port):
            warmup = [signed_request(port, -n) for n in range(1, 501)]
            asyncio.run(_drive(port, warmup, args.concurrency))
            requests = [signed_request(port, n) for n in range(args.requests)]
            started = time.perf_counter()
            statuses, latencies = asyncio.run(_drive(port, requests, args.concurrency))
            seconds = time.perf_counter() - started
        kept = _kept(env) - len(warmup)
    engine = "postgresql" if args.database_url else "sqlite"
    result = {
        "bench": "webhooks",
        "engine": engine,
        "requests": len(requests),
        "concurrency": args.concurrency,
        "req_per_s": round(len(requests) / seconds),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
        "non_200": sum(1 for status in statuses if status != 200),
        "kept": kept,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
