"""A worker killed with SIGKILL in the middle of a batch of pipelines: another one takes over,
and every lead ends completed with each stage applied exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from leadflow.db import unit_of_work
from leadflow.models import Job, JobState, Lead, LeadStage
from leadflow.pipeline.stages import FINAL
from tests.pipeline.support import ALL_THE_WAY, arrive, learned, stage_changes, stage_jobs

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]

LEADS = 40
ROOT = Path(__file__).resolve().parents[2]
WORKER = (
    "import tests.worker.jobs, tests.worker.slow_steps\n"
    "from leadflow import catalogue\n"
    "catalogue.load()\n"
    "from leadflow.worker.consumer import run_standalone\n"
    "run_standalone(4)\n"
)


def start_worker(log: Path) -> subprocess.Popen[bytes]:
    """`leadflow worker` on the tests' database and queue, with leases of two seconds."""
    env = {
        **os.environ,
        "LEADFLOW_JOB_LEASE_SECONDS": "2",
        "LEADFLOW_JOB_RECOVERY_SECONDS": "0.5",
        "LEADFLOW_LOG_LEVEL": "WARNING",
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-c", WORKER], cwd=ROOT, env=env, stdout=out, stderr=out
        )


def ledger(workspace_id: int) -> Counter[str]:
    with unit_of_work(writes=False) as reader:
        rows = reader.execute(
            select(Job.state, func.count())
            .where(Job.workspace_id == workspace_id)
            .group_by(Job.state)
        )
        return Counter(dict(rows.all()))


def unfinished_leads(workspace_id: int) -> int:
    with unit_of_work(writes=False) as reader:
        return reader.scalar(
            select(func.count())
            .select_from(Lead)
            .where(Lead.workspace_id == workspace_id, Lead.stage.not_in(list(FINAL)))
        )


def wait_for(condition, *, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; worker log:\n{log.read_text()[-4000:]}")
        time.sleep(0.02)


def kill_mid_stage(log: Path, workspace_id: int, tries: int = 5) -> Counter[str]:
    """Starts a worker and SIGKILLs it once a third of the stages are done and some are running.
    Between jobs a worker can be idle for a moment; a kill that lands then proves nothing, so
    it is tried again (killing an idle worker is as harmless as it should be)."""
    at_kill: Counter[str] = Counter()
    for _ in range(tries):
        worker = start_worker(log)
        try:
            wait_for(
                lambda: (
                    ledger(workspace_id)[JobState.done] >= LEADS * 5 // 3
                    and ledger(workspace_id)[JobState.running] > 0
                ),
                timeout=60,
                log=log,
            )
            worker.send_signal(signal.SIGKILL)
            assert worker.wait(timeout=10) == -signal.SIGKILL
        finally:
            if worker.poll() is None:
                worker.kill()
        at_kill = ledger(workspace_id)
        if at_kill[JobState.running] > 0:
            break
    return at_kill


def test_a_worker_killed_mid_batch_loses_nothing_and_doubles_nothing(api, session, tmp_path):
    log = tmp_path / "worker.log"
    workspace_id = api.workspace.id
    lead_ids = [arrive(api, email=f"kill{n}@example.com") for n in range(LEADS)]

    at_kill = kill_mid_stage(log, workspace_id)
    assert at_kill[JobState.running] > 0, at_kill  # left mid-stage, leases still held
    assert 0 < unfinished_leads(workspace_id) < LEADS or at_kill[JobState.queued] > 0

    second = start_worker(log)
    try:
        wait_for(lambda: unfinished_leads(workspace_id) == 0, timeout=120, log=log)
    finally:
        second.terminate()
        second.wait(timeout=10)

    session.expire_all()
    leads = session.scalars(select(Lead).where(Lead.id.in_(lead_ids))).all()
    assert {lead.stage for lead in leads} == {LeadStage.completed}
    assert all(len(lead.stage_timings) == 5 for lead in leads)
    for lead_id in lead_ids:
        assert stage_changes(session, lead_id) == ALL_THE_WAY, lead_id
        assert [row["stage"] for row in learned(session, lead_id)] == [
            "qualifying", "strategizing", "finalizing",
        ], lead_id  # fmt: skip
        jobs = stage_jobs(session, workspace_id, lead_id)
        assert [(job.args[2], job.state) for job in jobs] == [
            (stage, JobState.done)
            for stage in ("harvested", "enriching", "qualifying", "strategizing", "finalizing")
        ], lead_id
    assert set(ledger(workspace_id)) == {JobState.done}
    retried = session.scalar(
        select(func.count()).where(Job.workspace_id == workspace_id, Job.attempts > 1)
    )
    assert retried >= at_kill[JobState.running]  # the killed runs ran again, elsewhere
