"""An API process killed with SIGKILL under a stream of signed webhooks loses none it answered."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LEADFLOW_EMBEDDED_WORKER": "false", "LEADFLOW_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [sys.executable, "-m", "leadflow", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise AssertionError("leadflow did not start")


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
    port = _free_port()
    server = _serve(port)
    url = f"http://127.0.0.1:{port}/api/v1/inbound/{workspace.slug}/standard"
    answered: list[str] = []
    stop = threading.Event()
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
    finally:
        server.wait(timeout=30)
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
