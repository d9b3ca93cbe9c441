"""Health, readiness, metrics, and the correlation id that ties a request's logs together."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest
import structlog
from bench.servers import ROOT, free_port
from sqlalchemy import create_engine

from leadflow.config import get_settings
from leadflow.operations.service import migration_check
from leadflow.worker.queue import reset_queue
from tests.builders import make_dead_job

PROBLEM = "application/problem+json"


def test_health_shows_version_database_queue_and_providers(client):
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["version"]
    assert body["database"] == "ok"
    assert set(body["queue"]) == {"queued", "running", "in_queue"}
    assert body["queue"]["in_queue"] >= 0
    assert isinstance(body["providers"], dict)


def test_ready_when_database_migrations_and_queue_are(client):
    response = client.get("/ready")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "queue": "ok"},
    }


@pytest.fixture
def unreachable_queue(monkeypatch, tmp_path):
    """The queue's store lives under a path that cannot be a directory."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("LEADFLOW_DATA_DIR", str(blocker / "data"))
    get_settings.cache_clear()
    reset_queue()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()
    reset_queue()


def test_not_ready_is_a_503_problem_saying_what(client, unreachable_queue):
    response = client.get("/ready")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["checks"] == {"database": "ok", "migrations": "ok", "queue": "unreachable"}
    assert "queue" in body["detail"]
    assert client.get("/health").json()["queue"]["in_queue"] == -1


def test_an_unmigrated_database_is_not_at_head(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with engine.connect() as connection:
        assert "no revision" in migration_check(connection)
    engine.dispose()


def test_metrics_count_the_dead_jobs_waiting_for_a_replay(api, session):
    def dead_jobs() -> float:
        line = next(
            line for line in api.client.get("/metrics").text.splitlines()
            if line.startswith("leadflow_dead_jobs ")
        )  # fmt: skip
        return float(line.split()[1])

    before = dead_jobs()
    dead_id = make_dead_job(session, api.workspace)
    assert dead_jobs() == before + 1
    assert api.post(f"/api/v1/jobs/dead/{dead_id}/replay").status_code == 202
    assert dead_jobs() == before


def test_metrics_in_prometheus_text(api):
    assert api.post("/api/v1/leads", json={"email": "metrics@example.com"}).status_code == 201
    response = api.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    for name in (
        'leadflow_queue_depth{state="queued"}',
        "leadflow_queue_pending ",
        "leadflow_events_total{type=",
        "leadflow_jobs_enqueued_total",
        'leadflow_http_requests_total{method="POST",route="/api/v1/leads",status="201"}',
        "leadflow_http_request_seconds_bucket{",
    ):
        assert name in text, name
    assert "/metrics" not in api.client.get("/openapi.json").json()["paths"]


def test_unknown_paths_share_one_route_label(client):
    client.get("/no/such/thing/123")
    text = client.get("/metrics").text
    assert 'route="unmatched"' in text
    assert "/no/such/thing" not in text


def _logs_of(entries, event):
    return [entry for entry in entries if entry["event"] == event]


def test_a_requests_logs_and_response_carry_its_id(api):
    with structlog.testing.capture_logs(
        processors=[structlog.contextvars.merge_contextvars]
    ) as logs:
        response = api.post(
            "/api/v1/leads",
            json={"email": "traced@example.com"},
            headers={"X-Request-ID": "req-42.a_b"},
        )
    assert response.status_code == 201
    assert response.headers["X-Request-ID"] == "req-42.a_b"
    (finished,) = _logs_of(logs, "request.finished")
    assert finished | {"duration_ms": 0} == {
        "event": "request.finished", "log_level": "info", "request_id": "req-42.a_b",
        "method": "POST", "route": "/api/v1/leads", "status": 201, "duration_ms": 0,
    }  # fmt: skip
    enqueued = _logs_of(logs, "job.enqueued")
    assert enqueued, "creating a lead starts its pipeline"
    assert {entry["request_id"] for entry in enqueued} == {"req-42.a_b"}
    assert all(entry["queued_job_id"] for entry in enqueued)


@pytest.mark.parametrize("offered", ["", "x" * 65, "has space", "semi;colon", "ünïcode".encode()])
def test_an_insane_request_id_is_replaced(client, offered):
    response = client.get("/health", headers={"X-Request-ID": offered})
    made = response.headers["X-Request-ID"]
    assert made != offered
    assert len(made) == 32


def test_errors_carry_the_id_too(client):
    response = client.get("/api/v1/leads")
    assert response.status_code == 401
    assert len(response.headers["X-Request-ID"]) == 32


@pytest.mark.slow
def test_a_standalone_worker_serves_its_metrics(tmp_path):
    port = free_port()
    # A database and queue of its own: its scheduler must not leave periodic jobs in the suite's.
    env = {**os.environ, "LEADFLOW_DATA_DIR": str(tmp_path), "LEADFLOW_DATABASE_URL": ""}
    with (tmp_path / "worker.log").open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "leadflow", "worker", "--metrics-port", str(port)],
            cwd=ROOT, env=env, stdout=log, stderr=log,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
                break
            except httpx.TransportError:
                assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-2000:]
                assert time.monotonic() < deadline, "the worker's metrics never answered"
                time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    for name in ("leadflow_job_seconds", "leadflow_job_failures_total", "leadflow_queue_depth"):
        assert f"# HELP {name} " in text, name
