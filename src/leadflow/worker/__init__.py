"""Background work, started only once the transaction that asked for it has committed.

This first runner is a small thread pool inside the process; jobs are recorded in the
database before they are queued, so a restart picks up whatever was queued or running.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import structlog
from sqlalchemy import event
from sqlalchemy.orm import Session

log = structlog.get_logger()
_executor: ThreadPoolExecutor | None = None
_PENDING = "leadflow_pending_jobs"


def _pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="leadflow-job")
    return _executor


def enqueue_after_commit(session: Session, job: Callable[..., Any], *args: Any) -> None:
    """Runs ``job(*args)`` in the background after ``session`` commits; never if it rolls back."""
    pending = session.info.setdefault(_PENDING, [])
    pending.append((job, args))


@event.listens_for(Session, "after_commit")
def _start_pending(session: Session) -> None:
    for job, args in session.info.pop(_PENDING, []):
        submit(job, *args)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    if not session.in_transaction():
        session.info.pop(_PENDING, None)


def submit(job: Callable[..., Any], *args: Any) -> Future[Any]:
    future = _pool().submit(job, *args)
    future.add_done_callback(_log_failure)
    return future


def _log_failure(future: Future[Any]) -> None:
    if (error := future.exception()) is not None:
        log.error("job.failed", error=str(error))


def wait_for_all() -> None:
    """Blocks until queued jobs finish (shutdown and tests)."""
    global _executor
    if _executor is not None:
        _executor.shutdown(wait=True)
        _executor = None
