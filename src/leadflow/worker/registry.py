"""Jobs by name: what the ledger's rows refer to, declared next to the domain code.

A job is declared with its name (``@job("agent.answer", ...)``) and asked for by that name
(``enqueue(session, "agent.answer", workspace_id, message_id)``): no domain imports another's
task to enqueue it. The names are known once ``leadflow.catalogue`` has been loaded, which each
composition root (the app, ``leadflow worker``, the CLI) does first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from sqlalchemy.orm import Session

JobFunction = Callable[..., None]


class Priority(IntEnum):
    """Which waiting job a consumer takes first: a lead waiting for an answer before anything
    else, bulk work after everything else, on the embedded queue and on Redis alike."""

    bulk = 0  # imports, ingestion, rescoring, and the enrichment, sequence and sync work to come
    routine = 10  # pipeline stages, webhook deliveries
    prompt = 20  # people waiting to hear: alerts to the business
    reply = 30  # the speed-to-lead path: an inbound message, the agent's turn, the reply's send


@dataclass(frozen=True)
class JobSpec:
    name: str
    function: JobFunction
    max_attempts: int
    # The job's first argument is the workspace's id: it scopes dead letters and quotas.
    scoped: bool
    priority: Priority
    # Called as on_dead(session, error, *args) in the transaction that buries the job.
    on_dead: Callable[..., None] | None = None
    # Long work (embedding a document, importing a file): a process runs one such job at a
    # time, so its other consumers stay free for the quick ones a lead is waiting on.
    bulk: bool = False


@dataclass(frozen=True)
class PeriodicSpec:
    name: str
    function: Callable[[Session], None]
    crontab: dict[str, str]


class UnknownJob(KeyError):
    """No job is declared under this name in this process (renamed, removed, or the catalogue
    not loaded)."""


JOBS: dict[str, JobSpec] = {}
PERIODIC: dict[str, PeriodicSpec] = {}
# What a worker does once as it starts, beside its jobs (loading a model the first job would
# otherwise wait for).
WARM_UPS: dict[str, Callable[[], None]] = {}
# A job's earlier name -> its name now, so that jobs queued before an upgrade still run.
FORMER_NAMES: dict[str, str] = {}


def job(
    name: str,
    *,
    max_attempts: int = 5,
    scoped: bool = True,
    on_dead: Callable[..., None] | None = None,
    bulk: bool = False,
    priority: Priority | None = None,
    formerly: str | None = None,
) -> Callable[[JobFunction], JobFunction]:
    """Declares ``function(session, *args)`` the job ``name``. It runs in one transaction, which
    also marks it done: a job that finished is never run again, and one that crashed left
    nothing behind. Bulk jobs run at bulk priority unless told otherwise."""

    def declare(function: JobFunction) -> JobFunction:
        declared = JOBS.get(name)
        if declared is not None and declared.function.__qualname__ != function.__qualname__:
            raise ValueError(f"two jobs are named {name!r}")
        chosen = priority if priority is not None else (Priority.bulk if bulk else Priority.routine)
        JOBS[name] = JobSpec(name, function, max_attempts, scoped, chosen, on_dead, bulk)
        if formerly:
            FORMER_NAMES[formerly] = name
        return function

    return declare


def periodic(**crontab: str) -> Callable[[Callable[[Session], None]], Callable[[Session], None]]:
    """Declares ``function(session)`` to run on a schedule (huey crontab fields, UTC)."""

    def declare(function: Callable[[Session], None]) -> Callable[[Session], None]:
        name = f"{function.__module__.removeprefix('leadflow.')}.{function.__name__}"
        PERIODIC[name] = PeriodicSpec(name, function, crontab)
        return function

    return declare


def warm_up(function: Callable[[], None]) -> Callable[[], None]:
    """Declares ``function()`` to run once in the background when a worker starts."""
    WARM_UPS[f"{function.__module__.removeprefix('leadflow.')}.{function.__name__}"] = function
    return function


def spec(name: str) -> JobSpec:
    """The job declared as ``name`` (or formerly so); UnknownJob otherwise."""
    declared = JOBS.get(name) or JOBS.get(FORMER_NAMES.get(name, ""))
    if declared is None:
        raise UnknownJob(
            f"no job is named {name!r} in this process: leadflow.catalogue declares them, "
            "and every composition root (the app, the worker, the CLI) loads it first"
        )
    return declared
