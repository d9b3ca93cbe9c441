"""The job runtime: written with the transaction that asks, run once, retried with jittered
backoff, buried with its error, replayed, and handed over again when a worker goes away."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from leadflow.cli.app import app
from leadflow.db import unit_of_work
from leadflow.exceptions import BadRequest, NotFound, TooManyRequests
from leadflow.integrations.errors import ProviderRefused, ProviderUnavailable
from leadflow.models import DeadJob, Job, JobState
from leadflow.models.base import utcnow
from leadflow.worker import enqueue, ledger
from leadflow.worker.consumer import EmbeddedWorker, recover_overdue
from leadflow.worker.queue import get_queue
from leadflow.worker.runner import Outcome, run
from tests.builders import make_workspace
from tests.worker.jobs import (
    BURIED,
    OUTAGES,
    REFUSALS,
    TAKEOVERS,
)
from tests.worker.support import dispatched_ids, ledger_row, make_due, queue_job, texts


@pytest.fixture
def outage():
    """The provider behind `call_provider` is down for the texts added to the set."""
    yield OUTAGES
    OUTAGES.clear()


def bury(session, job_id: int) -> None:
    """Runs the job until it has used every attempt, waiting out no backoff."""
    for _ in range(ledger_row(session, job_id).max_attempts):
        make_due(session, job_id)
        run(job_id)
    assert ledger_row(session, job_id).state == JobState.dead


def dead_letter_of(session, job_id: int) -> DeadJob:
    session.expire_all()
    return session.scalars(select(DeadJob).where(DeadJob.job_id == job_id)).one()


# --- enqueued only after the transaction commits ---------------------------------------------


def test_a_job_asked_for_in_a_rolled_back_transaction_is_neither_written_nor_dispatched(
    session, workspace
):
    row = enqueue(session, "tests.note", workspace.id, "never")
    session.flush()  # it reached the database, inside the transaction
    asked_for = row.id
    session.rollback()
    make_workspace(session)  # a later commit of the same session dispatches nothing stale

    assert asked_for not in dispatched_ids()
    assert session.scalar(select(func.count()).where(Job.workspace_id == workspace.id)) == 0


def test_a_committed_job_is_dispatched_then_runs(session, workspace):
    job_id = queue_job(session, "tests.note", workspace.id, "hello")

    assert job_id in dispatched_ids()
    assert ledger_row(session, job_id).state == JobState.queued
    assert run(job_id) == Outcome.done

    done = ledger_row(session, job_id)
    assert (done.state, done.attempts, done.leased_until) == (JobState.done, 1, None)
    assert done.finished_at is not None
    assert texts(session, workspace.id) == ["hello"]


def test_a_job_asked_for_in_a_savepoint_waits_for_the_commit_and_goes_with_a_rollback(workspace):
    with unit_of_work() as session:
        with session.begin_nested():
            kept = enqueue(session, "tests.note", workspace.id, "kept")
        assert kept.id not in dispatched_ids()  # released, but no worker could see it yet
        savepoint = session.begin_nested()
        dropped = enqueue(session, "tests.note", workspace.id, "dropped")
        session.flush()
        dropped_id = dropped.id
        savepoint.rollback()

    assert kept.id in dispatched_ids()
    assert dropped_id not in dispatched_ids()
    with unit_of_work(writes=False) as reader:
        assert reader.scalars(select(Job.id).where(Job.workspace_id == workspace.id)).all() == [
            kept.id
        ]
    assert run(kept.id) == Outcome.done


# --- run once ---------------------------------------------------------------------------------


def test_a_done_job_never_runs_again(session, workspace):
    job_id = queue_job(session, "tests.note", workspace.id, "once")
    assert run(job_id) == Outcome.done

    assert run(job_id) == Outcome.skipped  # the queue delivered it twice
    make_due(session, job_id)
    assert run(job_id) == Outcome.skipped

    assert texts(session, workspace.id) == ["once"]
    assert ledger_row(session, job_id).attempts == 1


def test_a_job_another_worker_holds_is_skipped(session, workspace):
    job_id = queue_job(session, "tests.note", workspace.id, "held")
    with unit_of_work() as other_worker:
        held = ledger.claim(other_worker, job_id, lease=timedelta(seconds=30))
    assert held is not None

    assert run(job_id) == Outcome.skipped
    assert texts(session, workspace.id) == []

    with unit_of_work() as other_worker:  # the holder finishes it
        assert ledger.finish(other_worker, held)
    assert ledger_row(session, job_id).state == JobState.done


def test_a_job_not_yet_due_is_skipped(session, workspace):
    with unit_of_work() as writer:
        later = enqueue(writer, "tests.note", workspace.id, "later", delay=3600)
    job_id = later.id

    assert run(job_id) == Outcome.skipped
    assert ledger_row(session, job_id).attempts == 0
    make_due(session, job_id)
    assert run(job_id) == Outcome.done


# --- retries with backoff and jitter ---------------------------------------------------------


def test_backoff_doubles_from_two_seconds_with_jitter_and_a_cap():
    for attempt in range(1, 16):
        nominal = min(3600.0, 2.0 * 2 ** (attempt - 1))
        delays = [ledger.backoff(attempt) for _ in range(200)]
        assert all(0.5 * nominal <= delay <= 1.5 * nominal for delay in delays)
        assert len(set(delays)) > 100  # jittered: jobs that failed together spread out
    assert max(ledger.backoff(40) for _ in range(200)) <= 1.5 * 3600


def test_a_failing_job_retries_later_each_time_and_keeps_none_of_its_effects(
    session, workspace, outage
):
    outage.add("retry me")
    job_id = queue_job(session, "tests.call_provider", workspace.id, "retry me")

    for attempt, nominal in ((1, 2.0), (2, 4.0)):
        before = utcnow()
        assert run(job_id) == Outcome.retrying
        row = ledger_row(session, job_id)
        waits = (row.run_after - before).total_seconds()
        assert (row.state, row.attempts, row.lease_token) == (JobState.queued, attempt, None)
        assert 0.5 * nominal - 0.1 <= waits <= 1.5 * nominal + 0.5
        assert "RuntimeError: provider down for retry me" in (row.last_error or "")
        assert run(job_id) == Outcome.skipped  # not due yet: the backoff is honoured
        make_due(session, job_id)

    assert texts(session, workspace.id) == []  # each failed run's event rolled back
    outage.clear()
    assert run(job_id) == Outcome.done
    assert texts(session, workspace.id) == ["retry me"]
    assert ledger_row(session, job_id).attempts == 3


def test_a_job_out_of_retries_is_a_dead_letter_with_its_error(session, workspace, outage):
    outage.add("doomed")
    job_id = queue_job(session, "tests.call_provider", workspace.id, "doomed")

    bury(session, job_id)

    dead = dead_letter_of(session, job_id)
    assert (dead.workspace_id, dead.name, dead.args) == (
        workspace.id, "tests.call_provider", [workspace.id, "doomed"],
    )  # fmt: skip
    assert dead.attempts == 3
    assert dead.error == "RuntimeError: provider down for doomed"
    assert dead.replayed_at is None
    assert ledger_row(session, job_id).attempts == 3
    assert (workspace.id, "doomed", dead.error) in BURIED  # on_dead ran, in the burial's commit
    assert texts(session, workspace.id, "test.buried") == ["doomed"]
    assert texts(session, workspace.id) == []
    assert run(job_id) == Outcome.skipped  # dead stays dead until replayed


@pytest.fixture
def refusals():
    """The job `send_to_provider` fails with the error set for its text."""
    yield REFUSALS
    REFUSALS.clear()


@pytest.mark.parametrize(
    "error",
    [
        BadRequest("cannot import this file: no column named 'Phone'"),
        NotFound("lead 7 not found"),
        ProviderRefused("not a mobile number", provider="twilio", provider_status=400),
    ],
    ids=["bad-request", "not-found", "provider-refused"],
)
def test_an_error_no_retry_can_mend_buries_the_job_at_its_first_attempt(
    session, workspace, refusals, error
):
    refusals["hopeless"] = error
    job_id = queue_job(session, "tests.send_to_provider", workspace.id, "hopeless")

    assert run(job_id) == Outcome.dead

    row = ledger_row(session, job_id)
    assert (row.state, row.attempts) == (JobState.dead, 1)
    dead = dead_letter_of(session, job_id)
    assert dead.attempts == 1
    assert dead.error.endswith(f"{type(error).__name__}: {error}")
    assert (workspace.id, "hopeless", dead.error) in BURIED  # on_dead ran with the reason
    assert texts(session, workspace.id) == []


@pytest.mark.parametrize(
    "error",
    [
        TooManyRequests("slow down", retry_after=30),
        ProviderUnavailable("twilio answered 503", provider="twilio"),
        OSError(5, "Input/output error"),
        OperationalError("SELECT 1", {}, Exception("the database went away")),
    ],
    ids=["throttled", "provider-down", "io", "database-away"],
)
def test_an_error_a_retry_may_mend_is_retried(session, workspace, refusals, error):
    refusals["later"] = error
    job_id = queue_job(session, "tests.send_to_provider", workspace.id, "later")

    assert run(job_id) == Outcome.retrying

    row = ledger_row(session, job_id)
    assert (row.state, row.attempts) == (JobState.queued, 1)


# --- replay -----------------------------------------------------------------------------------


def test_a_dead_job_is_replayed_from_the_api_once(api, session, outage):
    outage.add("replay by api")
    job_id = queue_job(session, "tests.call_provider", api.workspace.id, "replay by api")
    bury(session, job_id)
    dead = dead_letter_of(session, job_id)

    listed = api.get("/api/v1/jobs/dead").json()["items"]
    assert [(item["id"], item["error"]) for item in listed] == [(dead.id, dead.error)]

    outage.clear()  # the provider is back
    replayed = api.post(f"/api/v1/jobs/dead/{dead.id}/replay")
    assert replayed.status_code == 202, replayed.text
    new_id = replayed.json()["job_id"]
    assert replayed.json() == {"dead_job_id": dead.id, "job_id": new_id}
    fresh = ledger_row(session, new_id)
    assert (fresh.state, fresh.attempts, fresh.name, fresh.args) == (
        JobState.queued, 0, "tests.call_provider", [api.workspace.id, "replay by api"],
    )  # fmt: skip
    assert new_id in dispatched_ids()

    again = api.post(f"/api/v1/jobs/dead/{dead.id}/replay")
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert str(new_id) in again.json()["detail"]
    assert api.get("/api/v1/jobs/dead").json()["items"] == []
    everything = api.get("/api/v1/jobs/dead", params={"include_replayed": True}).json()["items"]
    assert [item["replay_job_id"] for item in everything] == [new_id]

    assert run(new_id) == Outcome.done
    assert texts(session, api.workspace.id) == ["replay by api"]


def test_a_dead_job_is_listed_and_replayed_from_the_cli_once(session, workspace, outage):
    outage.add("replay by cli")
    job_id = queue_job(session, "tests.call_provider", workspace.id, "replay by cli")
    bury(session, job_id)
    dead = dead_letter_of(session, job_id)
    cli = CliRunner()

    listed = cli.invoke(app, ["jobs", "dead", "--workspace", workspace.slug])
    assert listed.exit_code == 0, listed.output
    (line,) = listed.stdout.splitlines()
    assert line.startswith(f"{dead.id}\t")
    assert line.endswith(f"tests.call_provider\t3 attempts\t{dead.error}")

    outage.clear()
    replayed = cli.invoke(app, ["jobs", "replay", str(dead.id)])
    assert replayed.exit_code == 0, replayed.output
    new_id = dead_letter_of(session, job_id).replay_job_id
    assert replayed.stdout.splitlines()[-1] == f"dead job {dead.id} queued again as job {new_id}"

    again = cli.invoke(app, ["jobs", "replay", str(dead.id)])
    assert again.exit_code == 1
    assert "already replayed" in again.output
    assert cli.invoke(app, ["jobs", "dead", "--workspace", workspace.slug]).stdout == ""

    assert run(new_id) == Outcome.done
    assert texts(session, workspace.id) == ["replay by cli"]


# --- leases and recovery ----------------------------------------------------------------------


def test_a_job_whose_worker_died_is_handed_over_again_when_its_lease_runs_out(session, workspace):
    job_id = queue_job(session, "tests.note", workspace.id, "orphan")
    with unit_of_work() as dying_worker:  # it claimed the job and was never heard from again
        assert ledger.claim(dying_worker, job_id, lease=timedelta(seconds=-1)) is not None
    handed_over = len(dispatched_ids())

    assert recover_overdue() >= 1
    assert dispatched_ids().count(job_id) >= 2  # the first dispatch, and the recovery's
    assert len(dispatched_ids()) > handed_over
    assert run(job_id) == Outcome.done
    row = ledger_row(session, job_id)
    assert (row.state, row.attempts) == (JobState.done, 2)
    assert texts(session, workspace.id) == ["orphan"]


def test_a_job_with_a_live_lease_or_not_long_overdue_is_left_alone(session, workspace):
    running = queue_job(session, "tests.note", workspace.id, "running")
    with unit_of_work() as live_worker:
        held = ledger.claim(live_worker, running, lease=timedelta(seconds=30))
    fresh = queue_job(session, "tests.note", workspace.id, "just queued")

    with unit_of_work(writes=False) as reader:
        overdue = ledger.overdue(reader, grace=timedelta(seconds=15), queue_idle=True)
    assert running not in overdue
    assert fresh not in overdue

    with unit_of_work() as live_worker:
        assert held is not None
        assert ledger.finish(live_worker, held)
    assert run(fresh) == Outcome.done


def _lost_job(workspace) -> Job:
    with unit_of_work() as writer:  # written, but its dispatch never reached the queue
        lost = Job(
            name="tests.note", args=[workspace.id, "lost"], workspace_id=workspace.id,
            run_after=utcnow() - timedelta(minutes=5),
        )  # fmt: skip
        writer.add(lost)
    return lost


def test_a_job_the_queue_lost_is_handed_over_again_once_the_queue_is_idle(session, workspace):
    lost = _lost_job(workspace)
    get_queue().huey.flush()  # nothing waiting: a job queued long ago was lost on the way
    assert lost.id not in dispatched_ids()

    assert recover_overdue() >= 1
    assert lost.id in dispatched_ids()
    assert run(lost.id) == Outcome.done


def test_a_run_that_lost_its_lease_keeps_none_of_its_effects(session, workspace):
    job_id = queue_job(session, "tests.overtaken", workspace.id, "overtaken")

    assert run(job_id) == Outcome.skipped  # finish() found another worker's lease

    assert texts(session, workspace.id) == []
    takeover = TAKEOVERS.pop()
    row = ledger_row(session, job_id)
    assert (row.state, row.lease_token) == (JobState.running, takeover.token)
    with unit_of_work() as other_worker:  # the worker that took over finishes it
        assert ledger.finish(other_worker, takeover)
    assert ledger_row(session, job_id).state == JobState.done


# --- the embedded consumer --------------------------------------------------------------------


def test_an_embedded_worker_runs_jobs_as_they_are_committed(session, workspace):
    worker = EmbeddedWorker(workers=2)
    worker.start()
    try:
        job_ids = [queue_job(session, "tests.note", workspace.id, f"live {n}") for n in range(6)]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            session.expire_all()
            states = session.scalars(select(Job.state).where(Job.id.in_(job_ids))).all()
            if set(states) == {JobState.done}:
                break
            time.sleep(0.05)
    finally:
        worker.stop()

    assert set(states) == {JobState.done}
    assert sorted(texts(session, workspace.id)) == [f"live {n}" for n in range(6)]


def test_a_queue_that_is_only_behind_is_not_flooded_with_repeats(session, workspace):
    lost = _lost_job(workspace)
    get_queue().huey.flush()
    queue_job(session, "tests.note", workspace.id, "waiting in the queue")  # the queue is not idle

    recover_overdue()

    assert lost.id not in dispatched_ids()


def test_a_job_no_code_declares_is_dead_at_once(session, workspace):
    with unit_of_work() as writer:
        renamed = Job(name="gone.in_this_version", args=[workspace.id], workspace_id=workspace.id)
        writer.add(renamed)

    assert run(renamed.id) == Outcome.dead
    row = ledger_row(session, renamed.id)
    assert row.state == JobState.dead
    assert "no job is declared as 'gone.in_this_version'" in (row.last_error or "")
    assert dead_letter_of(session, renamed.id).attempts == 1
