"""An API process killed with SIGKILL under a stream of signed webhooks loses none it answered."""

from __future__ import annotations

import os
import signal
import threading
import time

import httpx
import pytest
from bench.servers import leadflow_server
from sqlalchemy import select

from leadflow.connections.service import connect
from leadflow.models import InboundWebhook
from tests.builders import make_workspace
from tests.inbox.support import SIGNING_SECRET, json_body, standard_delivery

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL"),
]
SENDERS = 4


def _send_until_refused(url: str, sender: int, answered: list[str], stop: threading.Event) -> None:
    with httpx.Client(timeout=5) as client:
        for n in range(100_000):
            if stop.is_set():
                return
            body, headers = standard_delivery(
                json_body(sender=sender, n=n), message_id=f"msg_{sender}_{n}"
            )
            try:
                response = client.post(url, content=body, headers=headers)
            except httpx.HTTPError:
                return  # the server is gone
            if 200 <= response.status_code < 300:
                answered.append(headers["webhook-id"])


def test_every_acknowledged_webhook_survives_a_sigkill(session):
    workspace = make_workspace(session)
    connect(
        session,
        workspace_id=workspace.id,
        provider="standard",
        settings={"signing_secret": SIGNING_SECRET},
    )
    session.commit()
    env = {**os.environ, "LEADFLOW_EMBEDDED_WORKER": "false", "LEADFLOW_LOG_LEVEL": "WARNING"}
    answered: list[str] = []
    stop = threading.Event()
    with leadflow_server(env) as (server, port):
        url = f"http://127.0.0.1:{port}/api/v1/inbound/{workspace.slug}/standard"
        senders = [
            threading.Thread(target=_send_until_refused, args=(url, n, answered, stop))
            for n in range(SENDERS)
        ]
        for thread in senders:
            thread.start()
        try:
            deadline = time.monotonic() + 60
            while len(answered) < 300 and time.monotonic() < deadline:
                time.sleep(0.01)
            os.kill(server.pid, signal.SIGKILL)  # mid-stream: requests are in flight
            server.wait(timeout=30)
        finally:
            stop.set()
            for thread in senders:
                thread.join(timeout=30)

    session.expire_all()
    kept = set(
        session.scalars(
            select(InboundWebhook.event_id).where(InboundWebhook.workspace_id == workspace.id)
        )
    )
    assert len(answered) >= 300
    assert set(answered) <= kept, f"answered but lost: {sorted(set(answered) - kept)[:5]}"
