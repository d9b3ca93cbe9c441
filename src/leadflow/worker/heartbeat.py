"""Keeps the leases of this process's running jobs fresh, so a long job (an import of a
million rows) is not taken for dead while a dead worker's job is noticed within one lease."""

from __future__ import annotations

import threading
from datetime import timedelta

import structlog
from sqlalchemy import update

from leadflow.config import get_settings
from leadflow.db import unit_of_work
from leadflow.models import Job, JobState
from leadflow.models.base import table, utcnow

log = structlog.get_logger()
_jobs = table(Job)


class Heartbeat:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[int, str] = {}  # job id -> lease token
        self._thread: threading.Thread | None = None

    def hold(self, job_id: int, token: str) -> None:
        with self._lock:
            self._running[job_id] = token
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._beat, name="leadflow-job-heartbeat", daemon=True
                )
                self._thread.start()

    def release(self, job_id: int) -> None:
        with self._lock:
            self._running.pop(job_id, None)

    def _beat(self) -> None:
        lease = get_settings().job_lease_seconds
        while True:
            threading.Event().wait(lease / 3)
            with self._lock:
                running = dict(self._running)
            if running:
                self._renew(running, timedelta(seconds=lease))

    @staticmethod
    def _renew(running: dict[int, str], lease: timedelta) -> None:
        try:
            with unit_of_work() as session:
                session.execute(
                    update(_jobs)
                    .where(
                        _jobs.c.id.in_(running),
                        _jobs.c.lease_token.in_(running.values()),
                        _jobs.c.state == JobState.running,
                    )
                    .values(leased_until=utcnow() + lease)
                )
        except Exception as error:  # the database is away: the next beat tries again
            log.warning("job.heartbeat_failed", error=str(error))


HEARTBEAT = Heartbeat()
