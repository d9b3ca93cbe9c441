"""Running one job: claim it in the ledger, run it, mark it done in its own transaction."""

from __future__ import annotations

import threading
import time
import traceback
from contextlib import nullcontext
from datetime import timedelta
from enum import StrEnum
from functools import cache

import structlog

from leadflow.config import get_settings
from leadflow.db import database_unavailable, unit_of_work
from leadflow.exceptions import retry_can_mend
from leadflow.kit.prompt_first import prompt_work
from leadflow.worker import ledger, metrics, registry
from leadflow.worker.heartbeat import HEARTBEAT
from leadflow.worker.queue import dispatch

log = structlog.get_logger()


class Outcome(StrEnum):
    done = "done"
    retrying = "retrying"
    dead = "dead"
    skipped = "skipped"  # done already, not due, or another worker holds it
    deferred = "deferred"  # the database was away: the ledger keeps the job for recovery


class LeaseLost(Exception):
    """The job ran past its lease and another worker took it: this run's effects roll back."""


BULK_WAIT_SECONDS = 2.0


@cache
def bulk_slots() -> threading.BoundedSemaphore:
    """How many bulk jobs (registry.JobSpec.bulk) this process runs at once; another waits its
    turn. Never all its workers: one at least stays free for the jobs a lead is waiting on."""
    settings = get_settings()
    return threading.BoundedSemaphore(
        max(1, min(settings.job_bulk_workers, settings.job_workers - 1))
    )


def run(job_id: int) -> Outcome:
    """Runs the job once, unless it is not to be run now. While the database is away nothing
    can be claimed or recorded: the job stays in the ledger and recovery hands it over again."""
    try:
        return _run_in_turn(job_id)
    except Exception as error:
        if not database_unavailable(error):
            raise
        log.warning("job.deferred", job_id=job_id, error=str(error))
        return Outcome.deferred


def _run_in_turn(job_id: int) -> Outcome:
    bulk, priority = _bulk_and_priority(job_id)
    if not bulk:
        with prompt_work() if priority >= registry.Priority.prompt else nullcontext():
            return _run(job_id)
    if not bulk_slots().acquire(blocking=False):
        dispatch([job_id], delay=BULK_WAIT_SECONDS, priority=priority)
        return Outcome.skipped
    try:
        return _run(job_id)
    finally:
        bulk_slots().release()


def _bulk_and_priority(job_id: int) -> tuple[bool, int]:
    with unit_of_work(writes=False) as session:
        found = ledger.name_and_priority(session, job_id)
    if found is None:
        return False, 0
    try:
        return registry.spec(found[0]).bulk, found[1]
    except KeyError:
        return False, found[1]


def _run(job_id: int) -> Outcome:
    lease = timedelta(seconds=get_settings().job_lease_seconds)
    with unit_of_work() as session:
        claimed = ledger.claim(session, job_id, lease=lease)
    if claimed is None:
        return Outcome.skipped
    try:
        job = registry.spec(claimed.name)
    except KeyError:
        return _unknown(claimed)
    workspace_id = _workspace_of(job, claimed)
    started = time.perf_counter()
    HEARTBEAT.hold(job_id, claimed.token)
    with structlog.contextvars.bound_contextvars(job_id=job_id, job=job.name):
        try:
            _run_once(job, claimed)
        except LeaseLost:
            log.warning("job.lease_lost")
            return Outcome.skipped
        except Exception as error:
            return _failed(job, claimed, error, workspace_id)
        finally:
            HEARTBEAT.release(job_id)
            metrics.observe_run(job.name, time.perf_counter() - started)
    log.info("job.done", attempt=claimed.attempt)
    return Outcome.done


def _run_once(job: registry.JobSpec, claimed: ledger.Claim) -> None:
    # The transaction begins at the job's first query (on SQLite it takes the write lock then):
    # a job that calls a provider reads what it needs in a read-only session, calls, then writes.
    with unit_of_work() as session:
        job.function(session, *claimed.args)
        if not ledger.finish(session, claimed):
            raise LeaseLost


def _failed(
    job: registry.JobSpec, claimed: ledger.Claim, error: Exception, workspace_id: int | None
) -> Outcome:
    described = "".join(traceback.format_exception_only(error)).strip()
    mendable = retry_can_mend(error)
    with unit_of_work() as session:
        delay = ledger.fail(
            session,
            claimed,
            error=described,
            max_attempts=job.max_attempts,
            workspace_id=workspace_id,
            retry=mendable,
        )
        if delay is None and job.on_dead is not None:
            job.on_dead(session, described, *claimed.args)
    metrics.count_failure(job.name)
    if delay is None:
        log.error("job.dead", attempt=claimed.attempt, retryable=mendable, error=described)
        return Outcome.dead
    log.warning(
        "job.retrying", attempt=claimed.attempt, in_seconds=round(delay, 1), error=described
    )
    dispatch([claimed.job_id], delay=delay, priority=claimed.priority)
    return Outcome.retrying


def _unknown(claimed: ledger.Claim) -> Outcome:
    """A job no code declares (renamed or removed in a deploy): dead at once, not retried."""
    error = f"no job is declared as {claimed.name!r} in this version of leadflow"
    with unit_of_work() as session:
        ledger.fail(session, claimed, error=error, max_attempts=0, workspace_id=None, retry=False)
    log.error("job.unknown", job_id=claimed.job_id, job=claimed.name)
    return Outcome.dead


def _workspace_of(job: registry.JobSpec, claimed: ledger.Claim) -> int | None:
    if job.scoped and claimed.args and isinstance(claimed.args[0], int):
        return claimed.args[0]
    return None


def run_due(*, limit: int = 10_000, name: str | None = None) -> int:
    """Runs every due job (only those called ``name`` when given) here and now, oldest first
    (tests, `leadflow jobs run`, and `leadflow import` finishing its import in the foreground)."""
    ran = 0
    while ran < limit:
        with unit_of_work(writes=False) as session:
            job_ids = ledger.due(session, limit=100, name=name)
        if not job_ids:
            return ran
        for job_id in job_ids:
            run(job_id)
            ran += 1
    return ran
