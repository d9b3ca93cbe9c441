"""One workspace's heavy work does not stall another's: while a million-row import runs (and a
100,000-column file is refused), signed inbound webhooks of another workspace are still
committed quickly.

    python -m bench.isolation [--rows 1000000] [--rate 20] [--seconds 30] [--database-url URL]

leadflow runs as `leadflow serve` does, jobs embedded. The import is uploaded through the API
like any user's; once it is running, webhooks arrive at a steady rate (open loop: each one's
time counts from when it was due, so a stall is not hidden by the requests it held back). The
same webhooks are measured first with the server idle, as the baseline of this run. Every
answer must be a 200. Prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.databases import scratch_database
from bench.servers import leadflow_server
from bench.webhooks import SLUG, percentile, prepare, signed_request

IMPORTER = "importer"


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rate", type=float, default=20, help="webhooks a second")
    parser.add_argument("--seconds", type=float, default=30, help="of webhooks during the import")
    parser.add_argument("--database-url", default="", help="a PostgreSQL server; default SQLite")
    parser.add_argument(
        "--no-wide", action="store_true", help="skip the 100,000-column upload (a version "
        "without column limits maps it for many minutes)",
    )  # fmt: skip
    return parser.parse_args()


def _write_files(workdir: Path, rows: int) -> tuple[Path, Path]:
    leads, wide = workdir / "leads.csv", workdir / "wide.csv"
    code = (
        "from pathlib import Path; from bench.synthetic import write_leads_csv; "
        f"write_leads_csv(Path({str(leads)!r}), {rows})"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    header = ",".join(f"c{n}" for n in range(100_000))
    wide.write_text(header + "\n" + ",".join("x" for _ in range(100_000)) + "\n")
    return leads, wide


async def _paced(port: int, rate: float, seconds: float, first: int) -> tuple[list[float], int]:
    """Sends ``rate`` webhooks a second for ``seconds``; (latencies from when each was due,
    answers that were not 200)."""
    count = int(rate * seconds)
    latencies: list[float] = []
    refused = 0
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits) as client:
        started = time.perf_counter()

        async def one(number: int) -> None:
            nonlocal refused
            due = started + (number - first) / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            head, body = signed_request(port, number).split(b"\r\n\r\n", 1)
            headers = dict(
                line.decode().split(": ", 1) for line in head.split(b"\r\n")[1:] if b": " in line
            )
            del headers["Host"], headers["Content-Length"]
            answer = await client.post(
                f"/api/v1/inbound/{SLUG}/standard", content=body, headers=headers, timeout=60
            )
            latencies.append(time.perf_counter() - due)
            refused += answer.status_code != 200

        await asyncio.gather(*(one(n) for n in range(first, first + count)))
    return latencies, refused


def _upload(client: httpx.Client, path: Path) -> httpx.Response:
    with path.open("rb") as file:
        return client.post("/api/v1/imports", files={"file": (path.name, file, "text/csv")})


def _await_running(client: httpx.Client, import_id: int) -> dict[str, object]:
    while True:
        job = client.get(f"/api/v1/imports/{import_id}").json()
        if job["status"] != "queued" and job["rows"] > 0:
            return job
        time.sleep(0.2)


def main() -> None:
    args = _args()
    with (
        tempfile.TemporaryDirectory(prefix="leadflow-bench-isolation-") as workdir,
        scratch_database(args.database_url, Path(workdir)) as database_url,
    ):
        key_file = Path(workdir) / "api-key"
        setup = (
            "from pathlib import Path\n"
            "from leadflow.workspaces.service import create_api_key, create_workspace\n"
            f"importer = create_workspace(session, slug={IMPORTER!r}, name='Importer')\n"
            "_, key = create_api_key(session, workspace=importer, name='bench')\n"
            f"Path({str(key_file)!r}).write_text(key)\n"
        )
        env = prepare(database_url, Path(workdir), more_setup=setup)
        key = key_file.read_text()
        leads, wide = _write_files(Path(workdir), args.rows)
        with leadflow_server(env) as (_, port):
            idle, _ = asyncio.run(_paced(port, args.rate, min(10.0, args.seconds), 0))
            with httpx.Client(
                base_url=f"http://127.0.0.1:{port}",
                headers={"Authorization": f"Bearer {key}"},
                timeout=600,
            ) as api:
                began = time.perf_counter()
                wide_status = 0 if args.no_wide else _upload(api, wide).status_code
                wide_ms = (time.perf_counter() - began) * 1000
                began = time.perf_counter()
                upload = _upload(api, leads)
                upload_ms = (time.perf_counter() - began) * 1000
                assert upload.status_code == 202, upload.text
                import_id = upload.json()["id"]
                before = _await_running(api, import_id)
                busy, non_200 = asyncio.run(_paced(port, args.rate, args.seconds, 1_000_000))
                after = api.get(f"/api/v1/imports/{import_id}").json()
    result = {
        "bench": "isolation",
        "engine": "postgresql" if args.database_url else "sqlite",
        "rows": args.rows,
        "webhooks": len(busy),
        "rate_per_s": args.rate,
        "webhook_p50_ms": round(percentile(busy, 0.50) * 1000, 1),
        "webhook_p99_ms": round(percentile(busy, 0.99) * 1000, 1),
        "webhook_max_ms": round(max(busy) * 1000, 1),
        "idle_webhook_p99_ms": round(percentile(idle, 0.99) * 1000, 1),
        "non_200": non_200,
        "import_rows_during_webhooks": int(after["rows"]) - int(before["rows"]),
        "import_still_running": after["status"] == "running",
        "import_upload_ms": round(upload_ms),
        "wide_upload_status": wide_status,
        "wide_upload_refused_ms": round(wide_ms, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
