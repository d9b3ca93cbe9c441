"""Speed to lead: new leads' first messages in through Twilio's signed webhook, answered by the
agent from the knowledge base, measured from the webhook's receipt to the reply handed over.

    python -m bench.speed_to_lead [--leads 1000] [--rate 10] [--database-url URL]

leadflow runs as `leadflow serve` does (uvicorn with its embedded job consumers) in its own
process, with the demo agency's knowledge base ingested and the platform's Twilio account
(which signs the callbacks of a workspace that connected none); no LLM, so the rules engine
answers, and no Twilio sender, so replies are handed to the local outbox (a workspace's own
Twilio connection would send them). This process sends each new lead's first message (SMS or
WhatsApp, English or Arabic) as Twilio would, signed with the account's auth token, at
`--rate` leads a second,
then waits for every lead to be answered. Each lead's time is leadflow's own record of it
(`first_response_ms`: from the webhook's arrival to the reply handed to the channel).
Prints one JSON object on its last line.
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
from urllib.parse import urlencode

import httpx

from bench.databases import scratch_database
from bench.servers import leadflow_server

SLUG = "bench"
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
    return parser.parse_args()


def _prepare(database_url: str, data_dir: Path) -> dict[str, str]:
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
from leadflow.workspaces.demo import _ensure_knowledge
from leadflow.workspaces.service import create_workspace
from leadflow.worker.runner import run_due
catalogue.load()
migrate()
with unit_of_work() as session:
    workspace = create_workspace(session, slug={SLUG!r}, name="Riyadh Homes",
                                 default_region="SA", time_zone="Asia/Riyadh")
    _ensure_knowledge(session, workspace.id)
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


def _send_all(port: int, leads: int, rate: float) -> list[int]:
    url = f"http://127.0.0.1:{port}/api/v1/inbound/{SLUG}/twilio"
    rng = random.Random(3)
    statuses = []
    started = time.perf_counter()
    with httpx.Client(timeout=30) as client:
        for number in range(leads):
            params = _first_message(number, rng)
            headers = {
                "x-twilio-signature": _signature(url, params),
                "content-type": "application/x-www-form-urlencoded",
            }
            statuses.append(
                client.post(url, content=urlencode(params), headers=headers).status_code
            )
            pause = started + (number + 1) / rate - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
    return statuses


def _answered(env: dict[str, str]) -> list[int | None]:
    query = (
        "import json\nfrom sqlalchemy import select\nfrom leadflow.db import unit_of_work\n"
        "from leadflow.models import Lead\n"
        "with unit_of_work(writes=False) as s:\n"
        "    wrote = Lead.first_message_at.is_not(None)\n"
        "    rows = s.scalars(select(Lead.first_response_ms).where(wrote))\n"
        "    print(json.dumps(list(rows)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", query], env=env, check=True, capture_output=True, text=True
    )
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def _wait_for_answers(env: dict[str, str], leads: int, deadline: float) -> list[int | None]:
    while True:
        times = _answered(env)
        if (len(times) >= leads and all(t is not None for t in times)) or time.time() > deadline:
            return times
        time.sleep(2)


def _percentile(ordered: list[int], fraction: float) -> int:
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    args = _args()
    with (
        tempfile.TemporaryDirectory(prefix="leadflow-bench-") as workdir,
        scratch_database(args.database_url, Path(workdir)) as database_url,
    ):
        env = _prepare(database_url, Path(workdir))
        with leadflow_server(env) as (_, port):
            statuses = _send_all(port, args.leads, args.rate)
            times = _wait_for_answers(env, args.leads, time.time() + 300)
    answered = sorted(t for t in times if t is not None)
    result = {
        "bench": "speed_to_lead",
        "engine": "postgresql" if args.database_url else "sqlite",
        "leads": args.leads,
        "rate_per_s": args.rate,
        "non_200": sum(1 for status in statuses if status != 200),
        "answered": len(answered),
        "p50_ms": _percentile(answered, 0.50) if answered else None,
        "p95_ms": _percentile(answered, 0.95) if answered else None,
        "p99_ms": _percentile(answered, 0.99) if answered else None,
        "max_ms": answered[-1] if answered else None,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
