"""The shared limiter: rates over a moving window and back-off on attempts at a secret, in memory
when leadflow runs embedded and in Redis when it scales out, where the count holds across
processes. Redis tests use LEADFLOW_TEST_REDIS_URL (its db 12) and are skipped without it."""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from bench.servers import leadflow_server

from leadflow.kit.ratelimit import Backoff, Limiter, Rate, get_limiter
from tests.dashboard.support import PASSWORD, make_person

REDIS_URL = os.environ.get("LEADFLOW_TEST_REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="needs Redis (LEADFLOW_TEST_REDIS_URL)")
GUESSES = Backoff("test-guesses", free=3, first_wait=60, longest_wait=600, memory=3600)


def redis_url() -> str:
    return REDIS_URL.rsplit("/", 1)[0] + "/12"


@pytest.fixture
def redis_limiters() -> Iterator[tuple[Limiter, Limiter]]:
    """Two limiters on one Redis, each with its own connection, as two processes have."""
    prefix = f"leadflow-test:{secrets.token_hex(4)}"
    first, second = (Limiter(redis_url(), key_prefix=prefix) for _ in range(2))
    yield first, second
    first.reset()


def test_embedded_leadflow_counts_in_memory():
    assert type(get_limiter().storage).__name__ == "MemoryStorage"


def test_a_rate_allows_its_amount_then_says_how_long_to_wait():
    limiter, rate = Limiter("memory://"), Rate("test-rate", 3, seconds=60)
    assert [limiter.hit(rate, "form", "10.0.0.1") for _ in range(3)] == [None] * 3
    wait = limiter.hit(rate, "form", "10.0.0.1")
    assert wait is not None
    assert 59 < wait <= 60
    assert limiter.waiting(rate, "form", "10.0.0.1") == pytest.approx(wait, abs=0.5)
    assert limiter.hit(rate, "form", "10.0.0.2") is None  # each key apart
    assert limiter.hit(rate, "other form", "10.0.0.1") is None


def test_the_wait_doubles_from_the_first_to_the_longest():
    waits = [GUESSES.wait_after(attempt) for attempt in range(1, 10)]
    assert waits == [0, 0, 60, 120, 240, 480, 600, 600, 600]
    assert GUESSES.wait_after(10_000) == 600


def test_past_the_free_attempts_the_gate_closes():
    limiter = Limiter("memory://")
    assert [limiter.attempt(GUESSES, "ada@example.com") for _ in range(3)] == [None] * 3
    closed = limiter.closed_for(GUESSES, "ada@example.com")
    assert closed is not None
    assert 59 < closed <= 60
    assert limiter.attempt(GUESSES, "ada@example.com") == pytest.approx(closed, abs=0.5)
    assert limiter.attempt(GUESSES, "grace@example.com") is None
    limiter.forget(GUESSES, "ada@example.com")
    assert limiter.attempt(GUESSES, "ada@example.com") is None


def test_attempts_at_once_past_the_free_ones_let_one_through():
    limiter, admitted = Limiter("memory://"), []
    for _ in range(2):
        limiter.attempt(GUESSES, "ada@example.com")
    start = threading.Barrier(20)

    def attempt() -> None:
        start.wait()
        admitted.append(limiter.attempt(GUESSES, "ada@example.com") is None)

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert admitted.count(True) == 1


def test_a_limit_whose_storage_is_down_lets_requests_through():
    limiter = Limiter("redis://127.0.0.1:1/0")  # nothing listens there
    assert limiter.hit(Rate("test-rate", 1), "key") is None
    assert limiter.attempt(GUESSES, "key") is None


def test_lifted_limits_count_nothing(lifted_limits):
    rate = Rate("test-rate", 1)
    assert [get_limiter().hit(rate, "key") for _ in range(5)] == [None] * 5


@needs_redis
def test_two_processes_share_one_count_in_redis(redis_limiters):
    first, second = redis_limiters
    rate = Rate("test-rate", 4, seconds=60)
    for limiter in (first, second, first, second):
        assert limiter.hit(rate, "form", "10.0.0.1") is None
    wait = second.hit(rate, "form", "10.0.0.1")
    assert wait is not None
    assert 0 < wait <= 60
    assert first.waiting(rate, "form", "10.0.0.1") is not None

    for limiter in (first, second, first):
        assert limiter.attempt(GUESSES, "ada@example.com") is None
    assert second.attempt(GUESSES, "ada@example.com") is not None
    second.forget(GUESSES, "ada@example.com")
    assert first.attempt(GUESSES, "ada@example.com") is None


@pytest.fixture
def two_servers(database: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two leadflow processes, as a scaled-out install runs them: one database, one Redis."""
    url = redis_url()
    Limiter(url).reset()
    env = {
        **os.environ, "LEADFLOW_REDIS_URL": url, "LEADFLOW_LOG_LEVEL": "WARNING",
        "LEADFLOW_FORM_RATE_LIMIT_PER_MINUTE": "4", "LEADFLOW_SIGNIN_FREE_ATTEMPTS": "2",
        "LEADFLOW_SIGNIN_FIRST_WAIT_SECONDS": "60",
    }  # fmt: skip
    with (
        (tmp_path / "first.log").open("wb") as out_1,
        (tmp_path / "second.log").open("wb") as out_2,
        leadflow_server(env, output=out_1) as (_, port_1),
        leadflow_server(env, output=out_2) as (_, port_2),
    ):
        yield f"http://127.0.0.1:{port_1}", f"http://127.0.0.1:{port_2}"
    Limiter(url).reset()


@needs_redis
@pytest.mark.slow
def test_limits_hold_across_two_leadflow_processes(two_servers, workspace):
    first, second = two_servers
    form = f"/api/v1/forms/{secrets.token_urlsafe(18)}"  # no such form: nothing is written
    answers = [httpx.post(base + form, data={"Email": "x@example.com"}).status_code
               for base in (first, second, first, second, first, second)]  # fmt: skip
    assert answers == [404, 404, 404, 404, 429, 429]

    email = make_person(workspace)
    for base in (first, second):
        wrong = httpx.post(base + "/signin", data={"email": email, "password": "wrong"})
        assert wrong.status_code == 401
    refused = httpx.post(first + "/signin", data={"email": email, "password": PASSWORD})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 50
