"""The huey queue that carries job ids to consumers: SQLite beside the database, or Redis."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import structlog
from huey import Huey, PriorityRedisHuey, crontab
from huey.storage import SqliteStorage

from leadflow.config import get_settings
from leadflow.db import unit_of_work
from leadflow.worker import registry

log = structlog.get_logger()


@dataclass(frozen=True)
class Queue:
    huey: Huey
    run: Any  # huey's wrapper of runner.run: calling it enqueues


@lru_cache
def get_queue() -> Queue:
    """The queue, with every periodic job the catalogue declared (load it first)."""
    # The runner hands failed jobs back to this queue: imported here, where both are whole.
    from leadflow.worker.runner import run

    huey = _build_huey()
    queue = Queue(huey, huey.task(name="leadflow.run")(run))
    for periodic in registry.PERIODIC.values():
        huey.periodic_task(crontab(**periodic.crontab), name=periodic.name)(
            _periodic_runner(periodic)
        )
    return queue


def _build_huey() -> Huey:
    settings = get_settings()
    if settings.redis_url:
        # A sorted set, so the speed-to-lead path is taken first (Redis 5 or later). Its own
        # name: the plain list of earlier versions stays aside, its jobs recovered from the
        # ledger.
        return PriorityRedisHuey("leadflow-priority", url=settings.redis_url, results=False)
    settings.job_queue_path.parent.mkdir(parents=True, exist_ok=True)
    return Huey(
        "leadflow",
        storage_class=_QueueFile,
        filename=str(settings.job_queue_path),
        results=False,
        timeout=30,
    )


class _QueueFile(SqliteStorage):
    """huey's SQLite queue, synced like the database (WAL, NORMAL): huey's default syncs every
    enqueue to disk, which cost more than the job it carried. A message lost to a power cut is
    found again by recovery, because the ledger has the job."""

    def _create_connection(self) -> Any:
        connection = super()._create_connection()
        connection.execute("pragma synchronous=NORMAL")
        return connection


def _periodic_runner(periodic: registry.PeriodicSpec) -> Any:
    def run_periodic() -> None:
        with unit_of_work(writes=False) as session:
            periodic.function(session)

    run_periodic.__name__ = periodic.name
    return run_periodic


def dispatch(job_ids: Iterable[int], *, delay: float = 0, priority: int = 0) -> None:
    """Hands job ids to the queue, higher priorities taken first. A failure here loses nothing:
    the ledger still has the job, and recovery hands it over again."""
    queue = get_queue()
    try:
        for job_id in job_ids:
            if delay > 0:
                queue.run.schedule(args=(job_id,), delay=delay, priority=priority)
            else:
                queue.run(job_id, priority=priority)
    except Exception as error:  # the queue's store is unreachable: recovery will retry
        log.warning("job.dispatch_failed", error=str(error))


def pending_in_queue() -> int:
    try:
        return int(get_queue().huey.pending_count())
    except Exception:  # the queue's store is unreachable; health reports that separately
        return -1


def reset_queue() -> None:
    """Forget the queue built from earlier settings (tests switch settings)."""
    get_queue.cache_clear()
