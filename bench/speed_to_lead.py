"""Speed to lead: new leads' first messages in through Twilio's signed webhook, answered by the
agent from the knowledge base, measured from the webhook's receipt to the reply handed over.

    python -m bench.speed_to_lead [--leads 1000] [--rate 10] [--background] [--database-url URL]

leadflow runs as `leadflow serve` does (uvicorn with its embedded job consumers) in its own
process, with the demo agency's knowledge base ingested and the platform's Twilio account
(which signs the callbacks of a workspace that connected none); no LLM, so the rules engine
answers, and no Twilio sender, so replies are handed to the local outbox (a workspace's own
Twilio connection would send them). This process sends each new lead's first message (SMS or
WhatsApp, English or Arabic) as Twilio would, signed with the account's auth token, at
`--rate` leads a second, then waits for every lead to be answered. Each lead's time is
leadflow's own record of it (`first_response_ms`: from the webhook's arrival to the reply
handed to the channel).
With `--background`, the same load is sent twice in one run: first to a quiet server, then
while another workspace's 1,000,000-row import and a knowledge ingestion (a long guide, embedded
by the real model) run on the same server. The background figures are `p50_ms`, `p95_ms`...; the
quiet ones beside them are `quiet_p50_ms`, `quiet_p95_ms`... Prints one JSON object on its last
line.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from bench.databases import scratch_database
from bench.knowledge import guide as knowledge_guide
from bench.servers import leadflow_server

SLUG = "bench"
BUSY = "busy"  # the workspace whose import and ingestion run in the background
ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "bench-twilio-auth-token-0123456789"
QUESTIONS = [
    "Hi, how much is a three bedroom villa?",
    "Do you have apartments for rent in Al Yasmin?",
    "Can I pay in installments?",
    "What are your office hours?",
    "Do you help with mortgage financing?",
    "I want to book a viewing",
    "كم أسعار الفلل عندكم؟",
    "هل يمكن الدفع بالتقسيط؟",
    "متى تفتحون؟",
    "I'm an expat, can I buy a house?",
]


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=10.0, help="new leads a second")
    parser.add_argument("--database-url", default="", help="a PostgreSQL server; default SQLite")
    parser.add_argument(
        "--background", action="store_true",
        help="also send the load during a 1,000,000-row import and a knowledge ingestion",
    )  # fmt: skip
    parser.add_argument("--import-rows", type=int, default=1_000_000, help="with --background")
    return parser.parse_args()


def _prepare(database_url: str, data_dir: Path, key_file: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "LEADFLOW_DATABASE_URL": database_url,
        "LEADFLOW_DATA_DIR": str(data_dir),
        "LEADFLOW_ENVIRONMENT": "development",
        "LEADFLOW_LOG_LEVEL": "WARNING",
        "LEADFLOW_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "LEADFLOW_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
    }
    setup = f"""
from leadflow import catalogue
from leadflow.cli.app import migrate
from leadflow.db import unit_of_work
from leadflow.demo import _ensure_knowledge
from leadflow.workspaces.service import create_api_key, create_workspace
from leadflow.worker.runner import run_due
from pathlib import Path
catalogue.load()
migrate()
with unit_of_work() as session:
    workspace = create_workspace(session, slug={SLUG!r}, name="Riyadh Homes",
                                 default_region="SA", time_zone="Asia/Riyadh")
    _ensure_knowledge(session, workspace.id)
    busy = create_workspace(session, slug={BUSY!r}, name="Busy neighbour")
    _, key = create_api_key(session, workspace=busy, name="bench")
    Path({str(key_file)!r}).write_text(key)
run_due()
"""
    subprocess.run([sys.executable, "-c", setup], env=env, check=True)
    return env


def _signature(url: str, params: dict[str, str]) -> str:
    """Twilio's scheme: HMAC-SHA1 of the URL and the sorted parameters, base64."""
    signed = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    digest = hmac.new(AUTH_TOKEN.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _first_message(number: int, rng: random.Random) -> dict[str, str]:
    phone = f"+9665{number:08d}"
    whatsapp = number % 2 == 0
    return {
        "MessageSid": f"SM{number:032x}",
        "AccountSid": ACCOUNT_SID,
        "From": f"whatsapp:{phone}" if whatsapp else phone,
        "To": "whatsapp:+966110000000" if whatsapp else "+966110000000",
        "Body": rng.choice(QUESTIONS),
        "NumMedia": "0",
    }


def _send_all(port: int, numbers: range, rate: float) -> list[int]:
    url = f"http://127.0.0.1:{port}/api/v1/inbound/{SLUG}/twilio"
    rng = random.Random(3 + numbers.start)
    statuses = []
    started = time.perf_counter()
    with httpx.Client(timeout=30) as client:
        for sent, number in enumerate(numbers):
            params = _first_message(number, rng)
            headers = {
                "x-twilio-signature": _signature(url, params),
                "content-type": "application/x-www-form-urlencoded",
            }
            statuses.append(
                client.post(url, content=urlencode(params), headers=headers).status_code
            )
            pause = started + (sent + 1) / rate - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
    return statuses


def _answered(env: dict[str, str], since: float) -> list[int | None]:
    """The reply times of the bench leads who first wrote at ``since`` (a Unix time) or later
    (None: not answered yet)."""
    query = (
        "import json, datetime as d\nfrom sqlalchemy import select\n"
        "from leadflow.db import unit_of_work\nfrom leadflow.models import Lead, Workspace\n"
        f"since = d.datetime.fromtimestamp({since!r}, d.UTC)\n"
        "with unit_of_work(writes=False) as s:\n"
        f"    bench = s.scalar(select(Workspace.id).where(Workspace.slug == {SLUG!r}))\n"
        "    rows = s.scalars(select(Lead.first_response_ms).where(\n"
        "        Lead.workspace_id == bench, Lead.first_message_at >= since))\n"
        "    print(json.dumps(list(rows)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", query], env=env, check=True, capture_output=True, text=True
    )
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def _wait_for_answers(env: dict[str, str], since: float, leads: int, deadline: float) -> list[int]:
    """The reply times of the ``leads`` who first wrote since ``since``, once all are answered
    or the deadline passed."""
    while True:
        times = _answered(env, since)
        done = len(times) >= leads and all(ms is not None for ms in times)
        if done or time.time() > deadline:
            return sorted(ms for ms in times if ms is not None)
        time.sleep(2)


def _load(port: int, env: dict[str, str], first: int, args: argparse.Namespace) -> dict[str, Any]:
    """Leads ``first`` onwards write their first messages; their reply times' percentiles."""
    numbers, since = range(first, first + args.leads), time.time()
    statuses = _send_all(port, numbers, args.rate)
    _progress(f"{args.leads} first messages sent; waiting for the replies")
    answered = _wait_for_answers(env, since, args.leads, time.time() + 600)
    return {
        "non_200": sum(1 for status in statuses if status != 200),
        "answered": len(answered),
        **{
            f"p{round(fraction * 100)}_ms": _percentile(answered, fraction) if answered else None
            for fraction in (0.50, 0.95, 0.99)
        },
        "max_ms": answered[-1] if answered else None,
    }


def _start_background(api: httpx.Client, workdir: Path, rows: int) -> tuple[int, int]:
    """The busy workspace's long guide being ingested and its import of ``rows`` leads, both
    running when this returns (a server takes two bulk jobs at once); the import's id and the
    guide's knowledge base's."""
    leads = workdir / "leads.csv"
    code = (
        "from pathlib import Path; from bench.synthetic import write_leads_csv; "
        f"write_leads_csv(Path({str(leads)!r}), {rows})"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    guide = workdir / "guide.md"
    rng = random.Random(5)
    guide.write_text("\n\n".join(knowledge_guide(rng, sections=40) for _ in range(40)))
    kb = api.post("/api/v1/knowledge/bases", json={"name": "Busy guide"}).json()
    with guide.open("rb") as file:
        added = api.post(
            f"/api/v1/knowledge/bases/{kb['id']}/documents",
            files={"file": (guide.name, file, "text/markdown")},
        )
    assert added.status_code == 202, added.text
    document = f"/api/v1/knowledge/documents/{added.json()['id']}"
    while (ingesting := api.get(document).json())["progress"] == 0:
        assert ingesting["status"] not in ("failed", "ready"), ingesting
        time.sleep(0.2)
    with leads.open("rb") as file:
        upload = api.post("/api/v1/imports", files={"file": (leads.name, file, "text/csv")})
    assert upload.status_code == 202, upload.text
    import_id = int(upload.json()["id"])
    while (job := api.get(f"/api/v1/imports/{import_id}").json())["rows"] == 0:
        assert job["status"] in ("queued", "running"), job
        time.sleep(0.2)
    return import_id, int(kb["id"])


def _background_load(
    port: int, env: dict[str, str], workdir: Path, args: argparse.Namespace
) -> dict[str, Any]:
    key = (workdir / "api-key").read_text()
    with httpx.Client(
        base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {key}"},
        timeout=600,
    ) as api:  # fmt: skip
        import_id, kb_id = _start_background(api, workdir, args.import_rows)
        _progress("background work running; the load again")
        before = api.get(f"/api/v1/imports/{import_id}").json()
        busy = _load(port, env, args.leads, args)
        after = api.get(f"/api/v1/imports/{import_id}").json()
        guide = api.get(f"/api/v1/knowledge/bases/{kb_id}/stats").json()
    busy["import_rows_during_load"] = int(after["rows"]) - int(before["rows"])
    busy["import_status_after_load"] = after["status"]
    busy["knowledge_document_after_load"] = ",".join(sorted(guide["documents_by_status"]))
    busy["knowledge_chunks_after_load"] = guide["chunks"]
    return busy


def _progress(text: str) -> None:
    print(f"--- {time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


def _percentile(ordered: list[int], fraction: float) -> int:
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    args = _args()
    with (
        tempfile.TemporaryDirectory(prefix="leadflow-bench-") as workdir,
        scratch_database(args.database_url, Path(workdir)) as database_url,
    ):
        env = _prepare(database_url, Path(workdir), Path(workdir) / "api-key")
        with leadflow_server(env) as (_, port):
            _progress("server up; the load on a quiet server")
            quiet = _load(port, env, 0, args)
            busy = _background_load(port, env, Path(workdir), args) if args.background else None
    result: dict[str, Any] = {
        "bench": "speed_to_lead",
        "engine": "postgresql" if args.database_url else "sqlite",
        "leads": args.leads,
        "rate_per_s": args.rate,
    }
    if busy is None:
        result.update(quiet)
    else:
        result["background"] = f"import of {args.import_rows} rows and a knowledge ingestion"
        result.update(busy)
        result.update({f"quiet_{name}": value for name, value in quiet.items()})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
