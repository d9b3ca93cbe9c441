"""While the database is away every route answers 503 with Retry-After (a page on the
dashboard), never 500, and /health says what is down; while the job queue's store (Redis) is
away, requests that write and enqueue still commit, and the ledger keeps their jobs."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from bench.servers import free_port
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError

from leadflow.config import get_settings
from leadflow.dashboard import i18n
from leadflow.db import database_unavailable, get_sessionmaker, is_sqlite, reset_engine_cache
from leadflow.models import InboundWebhook, Job, JobState, Lead
from leadflow.worker.queue import reset_queue
from tests.builders import settle_jobs
from tests.conversations.support import connect_twilio, lead_by_phone, thread, twilio_message
from tests.dashboard.support import Browser, make_person
from tests.inbox.support import TWILIO_SID, twilio_signature

PROBLEM = "application/problem+json"


def _unreachable_database_url(folder: Path) -> str:
    """A database that cannot be reached, of the suite's kind: a SQLite "file" that is a
    directory, or a PostgreSQL server nobody runs."""
    if is_sqlite(get_settings().resolved_database_url):
        return f"sqlite:///{folder}"
    return f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/leadflow"


def _switch(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    reset_engine_cache()
    reset_queue()


def _restore(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    get_settings.cache_clear()
    reset_engine_cache()
    reset_queue()


@pytest.fixture
def database_away(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    _switch(monkeypatch, "LEADFLOW_DATABASE_URL", _unreachable_database_url(tmp_path))
    yield
    _restore(monkeypatch)


@pytest.fixture
def redis_away(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The job queue's store is Redis, and no Redis answers there."""
    _switch(monkeypatch, "LEADFLOW_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    yield
    _restore(monkeypatch)


def _signed_sms(api, sender: str) -> tuple[str, str, dict[str, str]]:
    path = f"/api/v1/inbound/{api.workspace.slug}/twilio"
    params = {"MessageSid": "SM" + secrets.token_hex(16), "AccountSid": TWILIO_SID, "From": sender,
              "To": "+966110000000", "Body": "Do you have villas?", "NumMedia": "0"}  # fmt: skip
    headers = {
        "x-twilio-signature": twilio_signature("http://testserver" + path, params),
        "content-type": "application/x-www-form-urlencoded",
    }
    return path, urlencode(params), headers


def _is_unavailable(response) -> None:
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) > 0


def test_api_routes_answer_503_with_retry_after_while_the_database_is_away(api, database_away):
    for response in (
        api.get("/api/v1/leads"),
        api.post("/api/v1/leads", json={"email": "away@example.com"}),
        api.get("/api/v1/events"),
    ):
        _is_unavailable(response)
        assert response.headers["content-type"].startswith(PROBLEM)
        body = response.json()
        assert (body["status"], body["title"]) == (503, "Service unavailable")
        assert "database" in body["detail"]


def test_an_inbound_webhook_is_refused_with_503_so_the_provider_sends_it_again(
    api, monkeypatch, tmp_path
):
    connect_twilio(api)
    path, body, headers = _signed_sms(api, "+966501234000")
    _switch(monkeypatch, "LEADFLOW_DATABASE_URL", _unreachable_database_url(tmp_path))
    try:
        refused = api.client.post(path, content=body, headers=headers)
    finally:
        _restore(monkeypatch)
    _is_unavailable(refused)
    assert refused.headers["content-type"].startswith(PROBLEM)
    # The provider's retry, once the database is back, is kept and answered.
    assert api.client.post(path, content=body, headers=headers).status_code == 200


def test_dashboard_pages_show_a_page_that_tries_again_while_the_database_is_away(
    client, workspace, monkeypatch, tmp_path
):
    browser = Browser(client, make_person(workspace))
    _switch(monkeypatch, "LEADFLOW_DATABASE_URL", _unreachable_database_url(tmp_path))
    try:
        page = browser.get("/board")
        client.cookies.set(i18n.COOKIE, "ar")
        arabic = browser.get("/outbox")
        change = browser.post("/settings/hours", data={"time_zone": "UTC"})
    finally:
        _restore(monkeypatch)
    for response in (page, arabic, change):
        _is_unavailable(response)
        assert response.headers["content-type"].startswith("text/html")
    assert i18n.translate("en", "unavailable.title") in page.text
    assert '<meta http-equiv="refresh"' in page.text
    assert i18n.translate("ar", "unavailable.title") in arabic.text
    assert 'dir="rtl"' in arabic.text
    assert '<meta http-equiv="refresh"' not in change.text  # a change is never sent again unasked


def test_health_says_the_database_is_down_and_still_answers(client, database_away):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == "unreachable"
    assert body["down"] == ["database"]
    assert body["queue"] is None
    assert client.get("/ready").status_code == 503


def test_health_says_the_job_queue_is_down(client, redis_away):
    body = client.get("/health").json()
    assert body["status"] == "degraded"
    assert (body["database"], body["job_queue"]) == ("ok", "unreachable")
    assert body["down"] == ["job_queue"]
    assert body["queue"]["in_queue"] == -1


def test_writes_commit_and_their_jobs_wait_in_the_ledger_while_redis_is_away(
    api, redis_away, twilio_api
):
    connect_twilio(api)
    created = api.post("/api/v1/leads", json={"email": "queue-away@example.com"})
    assert created.status_code == 201, created.text
    twilio_message(api, "+966501239000", "Hi, how much is a three bedroom villa?")

    with get_sessionmaker(writes=False)() as session:
        assert session.get(Lead, created.json()["lead"]["id"]) is not None
        kept = session.scalars(
            select(InboundWebhook).where(InboundWebhook.workspace_id == api.workspace.id)
        ).all()
        waiting = session.scalar(
            select(Job.id).where(Job.state == JobState.queued, Job.name == "inbox.drain")
        )
    assert len(kept) == 1
    assert waiting is not None, "the inbox's drain job is in the ledger"

    # The ledger is the truth: once jobs run again, the message is answered.
    settle_jobs()
    lead = lead_by_phone(api.workspace.id, "+966501239000")
    assert [m.direction for m in thread(api.workspace.id, lead.id)] == ["in", "out"]


def _error_of(url: str, statement: str) -> BaseException:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    except DBAPIError as error:
        return error
    finally:
        engine.dispose()
    raise AssertionError("the statement did not fail")


def _busy_sqlite_error(path: Path) -> sqlite3.Error:
    """What a writer meets when another holds the file's write lock past its wait."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        sqlite3.connect(path, timeout=0, isolation_level=None).execute("BEGIN IMMEDIATE")
    except sqlite3.Error as error:
        return error
    finally:
        holder.close()
    raise AssertionError("the second writer got the lock")


def test_only_errors_of_a_database_that_is_away_count_as_unavailable(tmp_path, database):
    assert database_unavailable(_error_of(f"sqlite:///{tmp_path}", "SELECT 1"))
    closed = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/x?connect_timeout=2"
    assert database_unavailable(_error_of(closed, "SELECT 1"))
    assert database_unavailable(_busy_sqlite_error(tmp_path / "busy.db"))
    assert not database_unavailable(_error_of(database, "SELECT * FROM no_such_table"))
    assert not database_unavailable(_error_of(database, "SELECT 1/0 FROM no_such_table"))
    assert not database_unavailable(ValueError("not a database error"))
