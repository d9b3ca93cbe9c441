"""SIGTERM stops `leadflow serve` within seconds, whatever it is doing: a live stream open, an
import of many rows running in its embedded worker, an upload of 100,000 columns in flight
(which once kept a request busy for minutes, and the server with it). The import is resumed
from the ledger by the next process; nothing waits for it."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest
from bench.servers import leadflow_server
from bench.synthetic import write_leads_csv

pytestmark = [pytest.mark.slow, pytest.mark.embedded_only]  # the process, not the database


def test_sigterm_stops_the_server_within_seconds(api, tmp_path: Path):
    leads = tmp_path / "leads.csv"
    write_leads_csv(leads, 150_000)
    wide = ",".join(f"c{n}" for n in range(100_000)).encode() + b"\n"
    env = {**os.environ, "LEADFLOW_EMBEDDED_WORKER": "true", "LEADFLOW_LOG_LEVEL": "WARNING"}
    with (
        (tmp_path / "server.log").open("wb") as out,
        leadflow_server(env, output=out) as (
            server,
            port,
        ),
    ):
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, headers=api.headers, timeout=60) as http:
            with leads.open("rb") as file:
                job = http.post("/api/v1/imports", files={"file": ("l.csv", file, "text/csv")})
            assert job.status_code == 202, job.text
            while http.get(f"/api/v1/imports/{job.json()['id']}").json()["rows"] == 0:
                time.sleep(0.1)
            chat = f"/api/v1/chat/{api.workspace.form_token}"
            visitor = http.post(chat + "/start", json={"name": "S", "email": "s@x.co"}).json()
        streaming = threading.Event()

        def follow() -> None:
            with (
                httpx.Client(base_url=base, timeout=120) as live,
                live.stream("GET", chat + "/stream", params=visitor) as stream,
            ):
                streaming.set()
                for _ in stream.iter_lines():
                    pass

        def upload_wide() -> None:
            with (
                httpx.Client(base_url=base, headers=api.headers, timeout=300) as http,
                contextlib.suppress(httpx.HTTPError),
            ):
                http.post("/api/v1/imports", files={"file": ("w.csv", wide, "text/csv")})

        threading.Thread(target=follow, daemon=True).start()
        threading.Thread(target=upload_wide, daemon=True).start()
        assert streaming.wait(10)
        time.sleep(0.5)
        stopping = time.monotonic()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        assert time.monotonic() - stopping < 12
