"""Redis restarted empty and PostgreSQL stopped for seconds, under a steady stream of signed
inbound SMS: every message leadflow acknowledged is answered exactly once, and while the
database was away the API said 503 (never 500, never a dropped connection).

Runs `leadflow serve` (no embedded worker) and `leadflow worker` as separate processes against
a PostgreSQL cluster and a redis-server of the test's own (tests/operations/services.py)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from bench.servers import ROOT, leadflow_server
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from leadflow.models import Lead, Message
from tests.inbox.support import TWILIO_SID, twilio_signature
from tests.operations.services import (
    PostgresCluster,
    RedisServer,
    postgres_cluster,
    redis_server,
    require_servers,
)
from tests.operations.support import prepare_workspace

pytestmark = [pytest.mark.scaleout, pytest.mark.slow]

SLUG = "restarts"
SENDERS = 3
SEND_INTERVAL_SECONDS = 0.15  # per sender: about 20 new leads a second in all
POSTGRES_DOWN_SECONDS = 5
ANSWER_WAIT_SECONDS = 60
QUESTION = "Hi, how much is a three bedroom villa?"


@dataclass
class Traffic:
    """What the senders saw: each message's answers, by MessageSid."""

    statuses: dict[str, list[int]] = field(default_factory=dict)
    bodies_refused: list[str] = field(default_factory=list)
    transport_errors: list[str] = field(default_factory=list)
    phones: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, sid: str, response: httpx.Response) -> None:
        with self.lock:
            self.statuses.setdefault(sid, []).append(response.status_code)
            if response.status_code != 200:
                self.bodies_refused.append(f"{response.status_code} {response.text[:300]}")

    def acknowledged(self) -> set[str]:
        with self.lock:
            return {sid for sid, seen in self.statuses.items() if 200 in seen}

    def answers(self) -> Counter[int]:
        with self.lock:
            return Counter(status for seen in self.statuses.values() for status in seen)


def _deliver(client: httpx.Client, url: str, params: dict[str, str], traffic: Traffic) -> bool:
    """POSTs one message as Twilio does; True once leadflow acknowledged it."""
    headers = {
        "x-twilio-signature": twilio_signature(url, params),
        "content-type": "application/x-www-form-urlencoded",
    }
    try:
        response = client.post(url, content=urlencode(params), headers=headers)
    except httpx.HTTPError as error:
        with traffic.lock:
            traffic.transport_errors.append(repr(error))
        return False
    traffic.note(params["MessageSid"], response)
    return response.status_code == 200


def _send(url: str, sender: int, traffic: Traffic, stop: threading.Event) -> None:
    """New leads' first messages at a steady pace; a refused one is sent again after its
    Retry-After, as a provider retries, until it is acknowledged."""
    refused: list[dict[str, str]] = []
    with httpx.Client(timeout=30) as client:
        for n in range(100_000):
            if stop.is_set():
                break
            phone = f"+96650{sender}{n:06d}"
            params = {
                "MessageSid": "SM" + secrets.token_hex(16), "AccountSid": TWILIO_SID,
                "From": phone, "To": "+966110000000", "Body": QUESTION, "NumMedia": "0",
            }  # fmt: skip
            with traffic.lock:
                traffic.phones[params["MessageSid"]] = phone
            if not _deliver(client, url, params, traffic):
                refused.append(params)
            time.sleep(SEND_INTERVAL_SECONDS)
        deadline = time.monotonic() + 30
        while refused and time.monotonic() < deadline:
            refused = [params for params in refused if not _deliver(client, url, params, traffic)]
            time.sleep(1)


@dataclass
class EventWatch:
    """The workspace's live event stream, read the whole time, as a dashboard would."""

    seen: list[tuple[float, str]] = field(default_factory=list)
    broke: list[str] = field(default_factory=list)
    closing: threading.Event = field(default_factory=threading.Event)

    def run(self, url: str, key: str) -> None:
        headers = {"Authorization": f"Bearer {key}"}
        try:
            with (
                httpx.Client(timeout=httpx.Timeout(10, read=60)) as client,
                client.stream("GET", url, headers=headers) as stream,
            ):
                for line in stream.iter_lines():
                    if line.startswith("id:"):
                        self.seen.append((time.monotonic(), line))
                    if self.closing.is_set():
                        return
        except httpx.HTTPError as error:
            if not self.closing.is_set():
                self.broke.append(repr(error))
        else:
            if not self.closing.is_set():
                self.broke.append("the stream ended")


def _restart_redis_empty(redis: RedisServer) -> None:
    redis.stop()
    redis.start()  # no persistence: what it held is gone


def _stop_postgres_for_a_while(cluster: PostgresCluster) -> tuple[float, float]:
    cluster.stop()
    stopped = time.monotonic()
    time.sleep(POSTGRES_DOWN_SECONDS)
    cluster.start()
    return stopped, time.monotonic()


def _threads(target, args_list) -> list[threading.Thread]:  # type: ignore[no-untyped-def]
    threads = [threading.Thread(target=target, args=args, daemon=True) for args in args_list]
    for thread in threads:
        thread.start()
    return threads


@dataclass
class Deployment:
    cluster: PostgresCluster
    redis: RedisServer
    env: dict[str, str]
    api_key: str
    logs: Path


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    """Its own PostgreSQL and Redis, migrated, with the workspace, and a standalone worker."""
    binaries = require_servers()
    with postgres_cluster(binaries) as cluster, redis_server(tmp_path) as redis:
        env = {
            **os.environ,
            "LEADFLOW_DATABASE_URL": cluster.url,
            "LEADFLOW_REDIS_URL": redis.url,
            "LEADFLOW_DATA_DIR": str(tmp_path / "data"),
            "LEADFLOW_EMBEDDED_WORKER": "false",
            "LEADFLOW_JOB_LEASE_SECONDS": "4",
            "LEADFLOW_JOB_RECOVERY_SECONDS": "1",
            "LEADFLOW_LOG_LEVEL": "WARNING",
        }
        api_key = prepare_workspace(cluster.url, SLUG)
        with (tmp_path / "worker.log").open("wb") as log:
            worker = subprocess.Popen(
                [sys.executable, "-m", "leadflow", "worker", "--workers", "4"],
                cwd=ROOT, env=env, stdout=log, stderr=log,
            )  # fmt: skip
        try:
            yield Deployment(cluster, redis, env, api_key, tmp_path)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def _wait_for_answers(database_url: str, expected: int) -> dict[str, Counter[str]]:
    """Each lead's messages by direction, once every expected lead has its answer (or time is
    up)."""
    engine = create_engine(database_url)
    deadline = time.monotonic() + ANSWER_WAIT_SECONDS
    try:
        while True:
            with Session(engine) as session:
                rows = session.execute(
                    select(Lead.phone, Message.direction, Message.author, func.count())
                    .join(Lead, Lead.id == Message.lead_id)
                    .group_by(Lead.phone, Message.direction, Message.author)
                ).all()
            threads: dict[str, Counter[str]] = {}
            for phone, direction, author, count in rows:
                threads.setdefault(phone, Counter())[f"{direction}:{author}"] += count
            answered = sum(1 for seen in threads.values() if seen["out:agent"] >= 1)
            if answered >= expected or time.monotonic() > deadline:
                return threads
            time.sleep(1)
    finally:
        engine.dispose()


def test_every_acknowledged_message_is_answered_once_through_restarts(deployment):
    traffic, watch, stop = Traffic(), EventWatch(), threading.Event()
    with (
        (deployment.logs / "server.log").open("wb") as log,
        leadflow_server(deployment.env, output=log) as (_, port),
    ):
        base = f"http://127.0.0.1:{port}"
        stream = _threads(watch.run, [(f"{base}/api/v1/events/stream", deployment.api_key)])
        url = f"{base}/api/v1/inbound/{SLUG}/twilio"
        senders = _threads(_send, [(url, n, traffic, stop) for n in range(SENDERS)])
        time.sleep(3)
        _restart_redis_empty(deployment.redis)
        time.sleep(3)
        postgres_stopped, postgres_back = _stop_postgres_for_a_while(deployment.cluster)
        time.sleep(4)
        stop.set()
        for thread in senders:
            thread.join(timeout=60)
        threads = _wait_for_answers(deployment.cluster.url, len(traffic.phones))
        watch.closing.set()  # the server's shutdown ends the stream
    stream[0].join(timeout=15)

    answers = traffic.answers()
    assert set(answers) <= {200, 503}, (answers, traffic.bodies_refused[:5])
    assert not traffic.transport_errors, traffic.transport_errors[:5]
    assert answers[503] > 0, "the load never met the database away"
    assert not any("Traceback" in body for body in traffic.bodies_refused)
    assert len(traffic.phones) >= 100
    assert traffic.acknowledged() == set(traffic.phones), "a refused message was never taken"

    phones = set(traffic.phones.values())
    wrong = {
        phone: dict(threads.get(phone, Counter()))
        for phone in phones
        if threads.get(phone) != Counter({"in:lead": 1, "out:agent": 1})
    }
    assert not wrong, f"{len(wrong)} of {len(phones)} leads not answered exactly once: " + str(
        list(wrong.items())[:5]
    )
    assert set(threads) == phones

    assert not watch.broke, watch.broke
    assert any(at < postgres_stopped for at, _ in watch.seen)
    assert any(at > postgres_back for at, _ in watch.seen), "the live stream did not resume"
