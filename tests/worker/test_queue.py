"""The queue that carries job ids: SQLite beside the database unless Redis is configured."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from huey.storage import RedisStorage, SqliteStorage
from sqlalchemy import select

from leadflow.config import get_settings
from leadflow.models import Job, JobState
from leadflow.worker.consumer import EmbeddedWorker
from leadflow.worker.queue import get_queue, pending_in_queue, reset_queue
from tests.worker.support import queue_job, texts

REDIS_URL = os.environ.get("LEADFLOW_TEST_REDIS_URL", "")


def test_the_queue_is_a_sqlite_file_beside_the_database_by_default():
    storage = get_queue().huey.storage
    assert isinstance(storage, SqliteStorage)
    assert storage.filename == str(get_settings().job_queue_path)


@pytest.fixture
def redis_queue(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The settings of a scaled-out install: jobs travel through Redis (its db 14, emptied)."""
    import redis

    url = REDIS_URL.rsplit("/", 1)[0] + "/14"
    redis.Redis.from_url(url).flushdb()
    monkeypatch.setenv("LEADFLOW_REDIS_URL", url)
    get_settings.cache_clear()
    reset_queue()
    yield url
    monkeypatch.delenv("LEADFLOW_REDIS_URL")
    get_settings.cache_clear()
    reset_queue()
    redis.Redis.from_url(url).flushdb()


@pytest.mark.skipif(not REDIS_URL, reason="needs Redis (LEADFLOW_TEST_REDIS_URL)")
def test_with_a_redis_url_jobs_travel_through_redis(redis_queue, session, workspace):
    assert isinstance(get_queue().huey.storage, RedisStorage)
    job_ids = [queue_job(session, "tests.note", workspace.id, f"via redis {n}") for n in range(3)]
    assert pending_in_queue() == 3

    worker = EmbeddedWorker(workers=2)
    worker.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            session.expire_all()
            states = set(session.scalars(select(Job.state).where(Job.id.in_(job_ids))))
            if states == {JobState.done}:
                break
            time.sleep(0.05)
    finally:
        worker.stop()

    assert states == {JobState.done}
    assert sorted(texts(session, workspace.id)) == [f"via redis {n}" for n in range(3)]
    assert pending_in_queue() == 0
