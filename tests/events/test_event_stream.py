"""The live event stream, against a real server with its embedded worker: a lead's stages
arrive in order within 250 ms of each change, and a reconnect with Last-Event-ID resumes."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from bench.servers import leadflow_server

from tests.builders import make_api_key

STAGES = ["enriching", "qualifying", "strategizing", "finalizing", "completed"]
WITHIN_SECONDS = 0.25


@dataclass(frozen=True)
class Received:
    id: int
    type: str
    body: dict[str, Any]
    at: datetime  # when this end read it (same machine, same clock as the server's)

    @property
    def lag(self) -> float:
        return (self.at - datetime.fromisoformat(self.body["occurred_at"])).total_seconds()


def server_sent(response: httpx.Response) -> Iterator[Received]:
    fields: dict[str, str] = {}
    for line in response.iter_lines():
        if line:
            name, _, value = line.partition(":")
            if name:  # a line starting with ":" is a comment (keep-alive)
                fields[name] = value.removeprefix(" ")
            continue
        if "data" in fields:
            at = datetime.now(UTC)
            yield Received(int(fields["id"]), fields["event"], json.loads(fields["data"]), at)
        fields = {}


def stages_of(events: Iterator[Received], lead_id: int) -> Iterator[Received]:
    """The lead's stage changes, up to and including the one that completes it."""
    for event in events:
        if event.type == "lead.stage_changed" and event.body["lead_id"] == lead_id:
            yield event
            if event.body["data"]["stage"] in ("completed", "failed"):
                return


@pytest.fixture
def server(database: str, tmp_path: Path) -> Iterator[str]:
    """`leadflow serve` as shipped: the API with its embedded job consumers."""
    env = {**os.environ, "LEADFLOW_EMBEDDED_WORKER": "true", "LEADFLOW_LOG_LEVEL": "WARNING"}
    with (tmp_path / "server.log").open("wb") as out, leadflow_server(env, output=out) as (_, port):
        yield f"http://127.0.0.1:{port}"


@pytest.mark.slow
def test_a_leads_stages_stream_in_order_within_250_ms_and_resume_after_an_id(
    server, session, workspace
):
    headers = {"Authorization": f"Bearer {make_api_key(session, workspace)}"}
    with httpx.Client(base_url=server, headers=headers, timeout=10) as http:
        with http.stream("GET", "/api/v1/events/stream") as live:
            assert live.status_code == 200
            assert live.headers["content-type"].startswith("text/event-stream")
            created = http.post("/api/v1/leads", json={"email": "live@example.com"})
            assert created.status_code == 201, created.text
            lead_id = created.json()["lead"]["id"]
            changes = list(stages_of(server_sent(live), lead_id))

        assert [event.body["data"]["stage"] for event in changes] == STAGES
        assert [event.id for event in changes] == sorted(event.id for event in changes)
        lags = {event.body["data"]["stage"]: round(event.lag, 3) for event in changes}
        assert all(0 <= lag <= WITHIN_SECONDS for lag in lags.values()), lags

        seen = changes[1].id  # the client saw "qualifying", then lost the connection
        resume = {"Last-Event-ID": str(seen)}
        with http.stream("GET", "/api/v1/events/stream", headers=resume) as resumed:
            events = list(_until_completed(server_sent(resumed), lead_id))
        logged = http.get("/api/v1/events", params={"after": seen, "limit": 500}).json()

    assert events[0].id > seen
    assert [event.id for event in events] == [item["id"] for item in logged["items"]][: len(events)]
    assert [
        event.body["data"]["stage"] for event in events if event.type == "lead.stage_changed"
    ] == STAGES[2:]


def _until_completed(events: Iterator[Received], lead_id: int) -> Iterator[Received]:
    for event in events:
        yield event
        if event.type == "lead.stage_changed" and event.body["data"]["stage"] == "completed":
            return
