"""Bulk jobs (a document to embed, a file to import) take only some of a process's workers at
once, so its other consumers stay free for the quick jobs a lead is waiting on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from leadflow.config import get_settings
from leadflow.kit.prompt_first import prompt_work_running
from leadflow.worker import runner
from leadflow.worker.runner import Outcome, run
from tests.worker import jobs  # noqa: F401  (declares the tests.* jobs)
from tests.worker.support import dispatched_ids, ledger_row, queue_job, texts


@contextmanager
def bulk_slots_taken(count: int | None = None) -> Iterator[int]:
    """Other bulk jobs running in this process: ``count`` of its slots held, or all of them."""
    slots, held = runner.bulk_slots(), 0
    while (count is None or held < count) and slots.acquire(blocking=False):
        held += 1
    try:
        yield held
    finally:
        for _ in range(held):
            slots.release()


def test_a_bulk_job_waits_while_the_bulk_slots_are_taken_and_quick_jobs_do_not(session, workspace):
    waiting = queue_job(session, "tests.note_in_bulk", workspace.id, "second document")
    quick = queue_job(session, "tests.note", workspace.id, "a lead's answer")

    with bulk_slots_taken():
        assert run(waiting) == Outcome.skipped
        assert run(quick) == Outcome.done
    assert waiting in dispatched_ids()  # handed back to the queue, to come again shortly
    assert ledger_row(session, waiting).state == "queued"

    assert run(waiting) == Outcome.done
    assert texts(session, workspace.id) == ["a lead's answer", "second document"]


def test_an_import_and_an_ingestion_run_side_by_side_with_workers_to_spare(session, workspace):
    settings = get_settings()
    assert settings.job_bulk_workers < settings.job_workers
    second = queue_job(session, "tests.note_in_bulk", workspace.id, "the guide to embed")

    with bulk_slots_taken(1) as held:  # an import is running
        assert held == 1
        assert run(second) == Outcome.done
    assert texts(session, workspace.id) == ["the guide to embed"]


def test_bulk_work_never_takes_every_worker(monkeypatch):
    monkeypatch.setenv("LEADFLOW_JOB_WORKERS", "2")
    monkeypatch.setenv("LEADFLOW_JOB_BULK_WORKERS", "5")
    get_settings.cache_clear()
    runner.bulk_slots.cache_clear()
    try:
        with bulk_slots_taken() as held:
            assert held == 1
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
        runner.bulk_slots.cache_clear()


def test_while_a_reply_runs_bulk_work_knows_to_pause(session, workspace):
    reply = queue_job(session, "tests.reply", workspace.id, "a lead's answer")
    routine = queue_job(session, "tests.note", workspace.id, "a stage")

    assert run(reply) == Outcome.done
    assert run(routine) == Outcome.done
    assert texts(session, workspace.id) == ["a lead's answer: 1 urgent", "a stage"]
    assert prompt_work_running() == 0
