"""Consumers: embedded in `leadflow serve`, or standalone with `leadflow worker`, as many as
wanted on any machine that reaches the same database and queue."""

from __future__ import annotations

import threading
from datetime import timedelta

import structlog
from huey.consumer import Consumer

from leadflow.config import get_settings
from leadflow.db import unit_of_work
from leadflow.worker import ledger, registry
from leadflow.worker.queue import dispatch, get_queue, pending_in_queue

log = structlog.get_logger()
SHUTDOWN_SECONDS = 3.0


def recover_overdue() -> int:
    """Hands over again every job the queue lost or a dead worker left half done."""
    grace = timedelta(seconds=get_settings().job_recovery_seconds)
    with unit_of_work(writes=False) as session:
        by_priority = ledger.overdue(session, grace=grace, queue_idle=pending_in_queue() == 0)
    recovered = sum(map(len, by_priority.values()))
    if recovered:
        log.info("job.recovered", jobs=recovered)
    for priority, job_ids in sorted(by_priority.items(), reverse=True):
        dispatch(job_ids, priority=priority)
    return recovered


class Recovery(threading.Thread):
    """Looks for overdue jobs at start and then every ``job_recovery_seconds``."""

    def __init__(self) -> None:
        super().__init__(name="leadflow-job-recovery", daemon=True)
        self.stopped = threading.Event()

    def run(self) -> None:
        interval = get_settings().job_recovery_seconds
        while True:
            try:
                recover_overdue()
            except Exception as error:  # the database is away for a moment; try next round
                log.warning("job.recovery_failed", error=str(error))
            if self.stopped.wait(interval):
                return


class _QuietConsumer(Consumer):
    """A consumer that leaves signals to its host (uvicorn handles them in `serve`)."""

    def _set_signal_handlers(self) -> None:
        pass


def _consumer_options(workers: int) -> dict[str, object]:
    # Poll an idle SQLite queue every 0.1 to 0.5 s: a new lead's first job must start at once.
    return {
        "workers": workers,
        "worker_type": "thread",
        "initial_delay": 0.05,
        "backoff": 1.5,
        "max_delay": 0.5,
        "check_worker_health": True,
        # Stopping waits this long for running jobs, then goes: a job cut short (an import)
        # is resumed from the ledger by the next process, and SIGTERM is never minutes.
        "shutdown_timeout": SHUTDOWN_SECONDS,
    }


def start_warming_up() -> threading.Thread:
    """Runs every declared warm-up once, in the background: the first lead's reply should not
    wait for a model to load."""

    def warm() -> None:
        for name, function in registry.WARM_UPS.items():
            try:
                function()
            except Exception:  # a warm-up is an optimisation: the job that needs it will retry
                log.exception("worker.warm_up_failed", warm_up=name)

    thread = threading.Thread(target=warm, name="warm-up", daemon=True)
    thread.start()
    return thread


class EmbeddedWorker:
    """Job consumers inside the API process, started and stopped with it."""

    def __init__(self, workers: int | None = None) -> None:
        count = workers or get_settings().job_workers
        self.consumer = _QuietConsumer(get_queue().huey, **_consumer_options(count))
        self.recovery = Recovery()

    def start(self) -> None:
        self.consumer.start()
        self.recovery.start()
        start_warming_up()
        log.info("worker.started", embedded=True)

    def stop(self) -> None:
        self.recovery.stopped.set()
        self.consumer.stop(graceful=True)
        self.recovery.join(timeout=5)


def run_standalone(workers: int) -> None:
    """`leadflow worker`: consumes until SIGINT (finish running jobs) or SIGTERM."""
    recovery = Recovery()
    recovery.start()
    start_warming_up()
    consumer = get_queue().huey.create_consumer(**_consumer_options(workers))
    log.info("worker.started", embedded=False, workers=workers)
    consumer.run()
    recovery.stopped.set()
