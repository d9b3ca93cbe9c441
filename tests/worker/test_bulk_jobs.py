"""Bulk jobs (a document to embed, a file to import) run one at a time in a process, so its
other consumers stay free for the quick jobs a lead is waiting on."""

from __future__ import annotations

from leadflow.worker import runner
from leadflow.worker.runner import Outcome, run
from tests.worker.support import dispatched_ids, ledger_row, queue_job, texts


def test_a_bulk_job_waits_while_another_runs_and_quick_jobs_do_not(session, workspace):
    waiting = queue_job(session, "tests.note_in_bulk", workspace.id, "second document")
    quick = queue_job(session, "tests.note", workspace.id, "a lead's answer")

    with runner._BULK_SLOT:  # another bulk job is running in this process
        assert run(waiting) == Outcome.skipped
        assert run(quick) == Outcome.done
    assert waiting in dispatched_ids()  # handed back to the queue, to come again shortly
    assert ledger_row(session, waiting).state == "queued"

    assert run(waiting) == Outcome.done
    assert texts(session, workspace.id) == ["a lead's answer", "second document"]
