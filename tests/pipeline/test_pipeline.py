"""The lead pipeline: every stage in order, once, with its timing; what the phone number
tells; failing for a reason or after a stage's retries; restarting; late replays."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from leadflow.db import unit_of_work
from leadflow.models import DeadJob, Job, JobState, LeadStage
from leadflow.models.base import utcnow
from leadflow.pipeline.stages import PipelineFailure
from leadflow.worker.runner import run_due
from tests.builders import settle_jobs
from tests.pipeline.support import (
    ALL_THE_WAY,
    arrive,
    extra_step,
    last_event_id,
    lead,
    learned,
    stage_changes,
    stage_jobs,
)

WORKED = ("harvested", "enriching", "qualifying", "strategizing", "finalizing")


def provider_down(session, lead):
    raise RuntimeError("the research provider is down")


def run_until_dead(session, workspace_id: int, lead_id: int) -> Job:
    """Runs the lead's jobs until one has used every attempt, waiting out no backoff."""
    for _ in range(20):
        run_due()
        jobs = stage_jobs(session, workspace_id, lead_id)
        if jobs[-1].state == JobState.dead:
            return jobs[-1]
        with unit_of_work() as writer:
            writer.execute(
                update(Job).where(Job.id == jobs[-1].id).values(run_after=utcnow() - timedelta(1))
            )
    raise AssertionError("the stage job never died")


def test_a_new_lead_goes_through_every_stage_in_order_once(api, session):
    lead_id = arrive(api, email="ada@example.com")
    assert lead(session, lead_id).stage == LeadStage.harvested

    settle_jobs()

    done = lead(session, lead_id)
    assert (done.stage, done.pipeline_progress, done.pipeline_step, done.pipeline_error) == (
        LeadStage.completed, 100, None, None,
    )  # fmt: skip
    assert stage_changes(session, lead_id) == ALL_THE_WAY
    assert set(done.stage_timings) == set(WORKED)
    assert all(seconds >= 0 for seconds in done.stage_timings.values())
    jobs = stage_jobs(session, api.workspace.id, lead_id)
    assert [(job.args[2], job.state, job.attempts) for job in jobs] == [
        (stage, JobState.done, 1) for stage in WORKED
    ]
    shown = api.get(f"/api/v1/leads/{lead_id}").json()
    assert (shown["stage"], shown["pipeline_progress"]) == ("completed", 100)
    assert set(shown["stage_timings"]) == set(WORKED)


def test_a_new_york_number_tells_the_country_and_time_zone(api, session):
    lead_id = arrive(api, email="nyc@example.com", phone="+1 212 555 0100")

    settle_jobs()

    done = lead(session, lead_id)
    assert (done.country, done.time_zone) == ("US", "America/New_York")
    (enriched,) = learned(session, lead_id, stage="enriching")
    assert enriched["stage"] == "enriching"
    assert "time zone America/New_York" in enriched["learned"][0]


def test_a_number_spanning_time_zones_does_not_tell_one(api, session):
    lead_id = arrive(api, email="oz@example.com", phone="+61 412 345 678")

    settle_jobs()

    done = lead(session, lead_id)
    assert (done.stage, done.country, done.time_zone) == (LeadStage.completed, "AU", None)
    assert all(
        "time zone" not in what for row in learned(session, lead_id) for what in row["learned"]
    )


def test_a_step_that_finds_the_lead_cannot_go_on_fails_it_with_the_reason(api, session):
    def no_company(session, lead):
        raise PipelineFailure("no company to qualify against")

    with extra_step(LeadStage.qualifying, no_company):
        lead_id = arrive(api, email="nobody@example.com")
        settle_jobs()

    failed = lead(session, lead_id)
    assert (failed.stage, failed.pipeline_error) == (
        LeadStage.failed, "no company to qualify against",
    )  # fmt: skip
    assert stage_changes(session, lead_id) == [
        ALL_THE_WAY[0],
        ALL_THE_WAY[1],
        ("failed", "qualifying"),
    ]
    jobs = stage_jobs(session, api.workspace.id, lead_id)
    assert [(job.args[2], job.state) for job in jobs] == [
        ("harvested", JobState.done), ("enriching", JobState.done), ("qualifying", JobState.done),
    ]  # fmt: skip


def test_what_a_step_asks_outside_it_asks_before_the_stage_writes_and_its_work_keeps_it(
    api, session
):
    def ask_outside(reader, lead):
        # The stage's transaction has not begun: a write elsewhere goes ahead at once.
        with unit_of_work() as elsewhere:
            elsewhere.execute(update(Job).where(Job.id < 0).values(attempts=0))
        return f"the research service knows {lead.email}"

    def keep(session, lead, answer):
        return answer

    with extra_step(LeadStage.strategizing, keep, prepare=ask_outside):
        lead_id = arrive(api, email="known@example.com")
        settle_jobs()

    assert lead(session, lead_id).stage == LeadStage.completed
    assert learned(session, lead_id, stage="strategizing") == [
        {"stage": "strategizing", "learned": ["the research service knows known@example.com"]}
    ]


def test_a_step_that_finds_outside_the_lead_cannot_go_on_fails_it(api, session):
    def no_such_company(reader, lead):
        raise PipelineFailure("the registry has no such company")

    with extra_step(LeadStage.strategizing, lambda *_: None, prepare=no_such_company):
        lead_id = arrive(api, email="ghost@example.com")
        settle_jobs()

    failed = lead(session, lead_id)
    assert (failed.stage, failed.pipeline_error) == (
        LeadStage.failed, "the registry has no such company",
    )  # fmt: skip


def test_a_stage_job_out_of_retries_fails_the_lead_then_a_restart_completes_it(api, session):
    with extra_step(LeadStage.strategizing, provider_down):
        lead_id = arrive(api, email="unlucky@example.com")
        dead_job = run_until_dead(session, api.workspace.id, lead_id)

    failed = lead(session, lead_id)
    assert failed.stage == LeadStage.failed
    assert failed.pipeline_error == "strategizing: RuntimeError: the research provider is down"
    assert (dead_job.args[2], dead_job.attempts) == ("strategizing", 5)
    assert stage_changes(session, lead_id)[-1] == ("failed", "strategizing")
    before_restart = last_event_id(session)

    restarted = api.post(f"/api/v1/leads/{lead_id}/pipeline")
    assert restarted.status_code == 202, restarted.text
    body = restarted.json()
    assert (body["stage"], body["pipeline_progress"], body["pipeline_error"]) == (
        "harvested", 0, None,
    )  # fmt: skip
    settle_jobs()

    assert lead(session, lead_id).stage == LeadStage.completed
    assert stage_changes(session, lead_id, after=before_restart) == ALL_THE_WAY


def test_a_stage_job_replayed_after_the_lead_moved_on_changes_nothing(api, session):
    with extra_step(LeadStage.strategizing, provider_down):
        lead_id = arrive(api, email="late@example.com")
        dead_job = run_until_dead(session, api.workspace.id, lead_id)
    api.post(f"/api/v1/leads/{lead_id}/pipeline")
    settle_jobs()
    finished = lead(session, lead_id)
    timings, changed_at = dict(finished.stage_timings), finished.stage_changed_at
    events_before, learned_before = last_event_id(session), learned(session, lead_id)
    dead = session.scalars(select(DeadJob).where(DeadJob.job_id == dead_job.id)).one()

    replayed = api.post(f"/api/v1/jobs/dead/{dead.id}/replay")
    assert replayed.status_code == 202, replayed.text
    settle_jobs()

    assert session.get(Job, replayed.json()["job_id"]).state == JobState.done
    after = lead(session, lead_id)
    assert (after.stage, after.stage_timings, after.stage_changed_at) == (
        LeadStage.completed, timings, changed_at,
    )  # fmt: skip
    assert stage_changes(session, lead_id, after=events_before) == []
    assert learned(session, lead_id) == learned_before
