"""Jobs by name: what the ledger's rows refer to, declared next to the domain code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec

from sqlalchemy.orm import Session

P = ParamSpec("P")
JobFunction = Callable[..., None]


@dataclass(frozen=True)
class JobSpec:
    name: str
    function: JobFunction
    max_attempts: int
    # The job's first argument is the workspace's id: it scopes dead letters and quotas.
    scoped: bool
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


JOBS: dict[str, JobSpec] = {}
PERIODIC: dict[str, PeriodicSpec] = {}


def job(
    *,
    max_attempts: int = 5,
    scoped: bool = True,
    on_dead: Callable[..., None] | None = None,
    bulk: bool = False,
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Declares ``function(session, *args)`` a job. It runs in one transaction, which also marks
    it done: a job that finished is never run again, and one that crashed left nothing behind.
    A failed run is retried up to ``max_attempts`` in all, unless its error is one no retry can
    mend (``leadflow.exceptions.retry_can_mend``): then the job is dead at once."""

    def declare(function: Callable[..., None]) -> Callable[..., None]:
        name = f"{function.__module__.removeprefix('leadflow.')}.{function.__name__}"
        JOBS[name] = JobSpec(name, function, max_attempts, scoped, on_dead, bulk)
        function.job_name = name  # type: ignore[attr-defined]
        return function

    return declare


def periodic(**crontab: str) -> Callable[[Callable[[Session], None]], Callable[[Session], None]]:
    """Declares ``function(session)`` to run on a schedule (huey crontab fields, UTC)."""

    def declare(function: Callable[[Session], None]) -> Callable[[Session], None]:
        name = f"{function.__module__.removeprefix('leadflow.')}.{function.__name__}"
        PERIODIC[name] = PeriodicSpec(name, function, crontab)
        return function

    return declare


def job_name(function: Callable[..., Any]) -> str:
    name = getattr(function, "job_name", None)
    if name is None:
        raise TypeError(f"{function.__qualname__} is not declared with @job")
    return str(name)


def spec(name: str) -> JobSpec:
    load_catalogue()
    return JOBS[name]


def load_catalogue() -> None:
    """Imports every module that declares jobs, so any process can run any job by name."""
    from leadflow.worker import catalogue  # noqa: F401
