"""Jobs that exist only for the tests: declared like any domain's, registered on import."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from leadflow.db import get_sessionmaker, unit_of_work
from leadflow.events.service import record
from leadflow.kit.prompt_first import prompt_work_running
from leadflow.models import Event, Job, JobState
from leadflow.models.base import table, utcnow
from leadflow.worker import ledger
from leadflow.worker.registry import Priority, job

# The texts whose provider is down: a job about one of them fails until it is taken out.
OUTAGES: set[str] = set()
# What on_dead was told, in order: (workspace id, text, error).
BURIED: list[tuple[int, str, str]] = []
# The claims another worker took while a job still ran (see `overtaken`).
TAKEOVERS: list[ledger.Claim] = []


@job("tests.note", max_attempts=3)
def note(session: Session, workspace_id: int, text: str) -> None:
    """Writes one event: the job's whole effect."""
    record(session, workspace_id, "test.noted", text=text)


@job("tests.reply", priority=Priority.reply)
def reply(session: Session, workspace_id: int, text: str) -> None:
    """Notes whether the process knew a lead was waiting on it while it ran."""
    record(session, workspace_id, "test.noted", text=f"{text}: {prompt_work_running()} urgent")


def _bury(session: Session, error: str, workspace_id: int, text: str) -> None:
    BURIED.append((workspace_id, text, error))
    record(session, workspace_id, "test.buried", text=text, error=error)


@job("tests.call_provider", max_attempts=3, on_dead=_bury)
def call_provider(session: Session, workspace_id: int, text: str) -> None:
    """Writes its event, then fails while the provider is down: the write must not stay."""
    record(session, workspace_id, "test.noted", text=text)
    if text in OUTAGES:
        raise RuntimeError(f"provider down for {text}")


@job("tests.overtaken", max_attempts=3)
def overtaken(session: Session, workspace_id: int, text: str) -> None:
    """Writes its effect after another worker took the job over (its lease ran out while it
    ran): the runner must find the lease lost and roll the effect back."""
    jobs = table(Job)
    with get_sessionmaker(writes=False)() as reader:
        job_id = reader.scalars(
            select(jobs.c.id).where(
                jobs.c.name == "tests.overtaken",
                jobs.c.workspace_id == workspace_id,
                jobs.c.state == JobState.running,
            )
        ).one()
    with unit_of_work() as other_worker:
        other_worker.execute(
            jobs.update()
            .where(jobs.c.id == job_id)
            .values(leased_until=utcnow() - timedelta(seconds=1))
        )
        taken = ledger.claim(other_worker, job_id, lease=timedelta(seconds=30))
    assert taken is not None
    TAKEOVERS.append(taken)
    session.execute(
        insert(table(Event)).values(
            workspace_id=workspace_id, type="test.noted", data={"text": text}
        )
    )


@job("tests.note_in_bulk", max_attempts=3, bulk=True)
def note_in_bulk(session: Session, workspace_id: int, text: str) -> None:
    """A bulk job: a process runs one such job at a time."""
    record(session, workspace_id, "test.noted", text=text)


# The texts whose job fails with this error, every time it runs.
REFUSALS: dict[str, Exception] = {}


@job("tests.send_to_provider", max_attempts=3, on_dead=_bury)
def send_to_provider(session: Session, workspace_id: int, text: str) -> None:
    """Writes its event, then fails with the error the test set for its text."""
    record(session, workspace_id, "test.noted", text=text)
    if text in REFUSALS:
        raise REFUSALS[text]
