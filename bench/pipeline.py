"""The lead pipeline, end to end: leads in through identity intake, through every stage's job,
until each is completed; on the embedded queue (SQLite) and on Redis.

    python -m bench.pipeline --leads 10000 [--queue sqlite|redis|both] [--workers 4]
        [--processes 0] [--database-url postgresql+psycopg://user@host/db]
        [--redis-url redis://127.0.0.1:6379/15]

Data goes to a fresh SQLite file (or a fresh database on the PostgreSQL server given), per
queue. The Redis database given is flushed first. Consumers run in this process (an embedded
worker with --workers threads) or, with --processes P, as P `leadflow worker` processes.
Leads are all in (their first jobs queued) before the consumers start; the clock runs from
their start until the last lead is completed. Prints one JSON line per queue and a final one.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.databases import scratch_database
from bench.synthetic import AREA_CODES

BATCH = 500


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--queue", choices=("sqlite", "redis", "both"), default="both")
    parser.add_argument("--workers", type=int, default=4, help="job threads per consumer")
    parser.add_argument("--processes", type=int, default=0, help="0: consume in this process")
    parser.add_argument("--database-url", default="", help="a PostgreSQL server; default SQLite")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--timeout", type=float, default=3600)
    return parser.parse_args()


def main() -> None:
    args = _args()
    queues = ["sqlite", "redis"] if args.queue == "both" else [args.queue]
    results = []
    for queue in queues:
        workdir = Path(tempfile.mkdtemp(prefix=f"leadflow-bench-pipeline-{queue}-"))
        with scratch_database(args.database_url, workdir) as url:
            result = _run(args, queue, url, workdir)
        print(json.dumps(result), flush=True)
        results.append(
            {key: value for key, value in result.items() if key not in ("bench", "leads")}
        )
    print(json.dumps({"bench": "pipeline", "leads": args.leads, "results": results}))


def _configure(queue: str, url: str, workdir: Path, redis_url: str) -> dict[str, str]:
    env = {
        "LEADFLOW_DATA_DIR": str(workdir),
        "LEADFLOW_DATABASE_URL": url,
        "LEADFLOW_REDIS_URL": redis_url if queue == "redis" else "",
        "LEADFLOW_EMBEDDED_WORKER": "false",
        "LEADFLOW_LOG_LEVEL": os.environ.get("LEADFLOW_LOG_LEVEL", "WARNING"),
    }
    os.environ.update(env)
    if queue == "redis":
        import redis

        redis.Redis.from_url(redis_url).flushdb()

    from leadflow.config import get_settings
    from leadflow.db import get_engine, reset_engine_cache
    from leadflow.logs import configure_logging
    from leadflow.migrations.runner import upgrade_to_head
    from leadflow.worker.queue import reset_queue

    get_settings.cache_clear()
    reset_engine_cache()
    reset_queue()
    configure_logging()
    upgrade_to_head(get_engine())
    return env


def _take_leads(count: int) -> int:
    """Leads in through identity intake, each sent down the pipeline: the workspace's id."""
    from leadflow.db import unit_of_work
    from leadflow.identity.drafts import draft_from_fields
    from leadflow.identity.service import intake
    from leadflow.leads.service import announce_arrivals
    from leadflow.workspaces.service import create_workspace

    with unit_of_work() as session:
        workspace_id = create_workspace(session, slug=f"bench-{secrets.token_hex(3)}").id
    for start in range(0, count, BATCH):
        drafts = [
            draft_from_fields(_fields(n), region="US")
            for n in range(start, min(start + BATCH, count))
        ]
        with unit_of_work() as session:
            outcomes = intake(session, workspace_id, drafts, via="bench", actor="bench")
            announce_arrivals(session, workspace_id, outcomes, via="bench")
    return workspace_id


def _fields(n: int) -> dict[str, str | None]:
    area = AREA_CODES[n % len(AREA_CODES)]
    return {
        "first_name": f"Lead{n}",
        "email": f"lead{n}@bench{n % 97}.example.com",
        "phone": f"+1 {area} 555 {n % 10_000:04d}",
    }


def _progress(workspace_id: int) -> dict[str, int]:
    from sqlalchemy import func, select

    from leadflow.db import unit_of_work
    from leadflow.models import Lead

    with unit_of_work(writes=False) as session:
        rows = session.execute(
            select(Lead.stage, func.count())
            .where(Lead.workspace_id == workspace_id)
            .group_by(Lead.stage)
        )
        return {str(stage): count for stage, count in rows}


def _stage_changes(workspace_id: int) -> int:
    from sqlalchemy import func, select

    from leadflow.db import unit_of_work
    from leadflow.models import Event

    with unit_of_work(writes=False) as session:
        return int(
            session.scalar(
                select(func.count()).where(
                    Event.workspace_id == workspace_id, Event.type == "lead.stage_changed"
                )
            )
            or 0
        )


class _Consumers:
    """An embedded worker in this process, or `leadflow worker` processes."""

    def __init__(self, args: argparse.Namespace, env: dict[str, str], workdir: Path) -> None:
        self.args, self.env, self.workdir = args, env, workdir
        self.processes: list[subprocess.Popen[bytes]] = []
        self.embedded: Any = None

    def start(self) -> None:
        if self.args.processes == 0:
            from leadflow.worker.consumer import EmbeddedWorker

            self.embedded = EmbeddedWorker(workers=self.args.workers)
            self.embedded.start()
            return
        command = [sys.executable, "-c", "from leadflow.cli.app import app; app()", "worker"]
        command += ["--workers", str(self.args.workers)]
        with (self.workdir / "workers.log").open("ab") as log:
            for _ in range(self.args.processes):
                self.processes.append(
                    subprocess.Popen(
                        command, env={**os.environ, **self.env}, stdout=log, stderr=log
                    )
                )

    def stop(self) -> None:
        if self.embedded is not None:
            self.embedded.stop()
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=30)


def _run(args: argparse.Namespace, queue: str, url: str, workdir: Path) -> dict[str, Any]:
    env = _configure(queue, url, workdir, args.redis_url)
    from leadflow.db import get_engine

    began = time.perf_counter()
    workspace_id = _take_leads(args.leads)
    intake_seconds = time.perf_counter() - began
    consumers = _Consumers(args, env, workdir)
    started = time.perf_counter()
    consumers.start()
    try:
        stages = _wait_until_final(workspace_id, args.leads, args.timeout)
    finally:
        consumers.stop()
    elapsed = time.perf_counter() - started
    changes = _stage_changes(workspace_id)
    print(f"{queue}: {stages} in {elapsed:.1f}s; {changes} stage changes", file=sys.stderr)
    return {
        "bench": "pipeline",
        "leads": args.leads,
        "queue": queue,
        "database": get_engine().dialect.name,
        "consumers": f"{args.processes or 1} x {args.workers} threads"
        + ("" if args.processes else " (in process)"),
        "completed": stages.get("completed", 0),
        "failed": stages.get("failed", 0),
        "stage_changes_per_lead": round(changes / args.leads, 3),
        "intake_s": round(intake_seconds, 2),
        "seconds": round(elapsed, 2),
        "leads_per_s": round(args.leads / elapsed, 1),
        "jobs_per_s": round(args.leads * 5 / elapsed, 1),
    }


def _wait_until_final(workspace_id: int, leads: int, timeout: float) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        stages = _progress(workspace_id)
        if stages.get("completed", 0) + stages.get("failed", 0) >= leads:
            return stages
        if time.monotonic() > deadline:
            raise SystemExit(f"not all leads final after {timeout} s: {stages}")
        time.sleep(0.1)


if __name__ == "__main__":
    main()
