"""The board's first paint with a workspace of 5,000 leads, in Debian's chromium.

    python -m bench.board [--leads 5000] [--runs 5] [--database-url URL]

A scratch workspace is filled with leads spread over every stage (scored, some with a first
message and a first response), `leadflow serve` runs on it, and chromium signs in through the
form, then opens /board `--runs` times after one warm-up load. Each load's times are the
browser's own (the Performance API: first paint, first contentful paint, DOMContentLoaded,
from the navigation's start). Prints one JSON object on its last line, with the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.databases import scratch_database
from bench.servers import leadflow_server
from bench.synthetic import FIRST, KINDS, LAST, WORDS

CHROMIUM = Path(os.environ.get("LEADFLOW_CHROMIUM", "/usr/bin/chromium"))
EMAIL = "bench@example.com"
PASSWORD = "bench board password"
SOURCES = ["ads", "referral", "website", "event", "partner"]
# Roughly where a busy workspace's leads sit: most done, some in flight, a few failed.
STAGES = {"harvested": 4, "enriching": 3, "qualifying": 3, "strategizing": 2, "finalizing": 2,
          "completed": 80, "failed": 6}  # fmt: skip
TIERS = {"HOT": (75, 100), "WARM": (45, 74), "COLD": (0, 44)}
TIMINGS = """() => {
  const paints = Object.fromEntries(
    performance.getEntriesByType("paint").map((entry) => [entry.name, entry.startTime]));
  const [navigation] = performance.getEntriesByType("navigation");
  return {
    first_paint_ms: paints["first-paint"],
    first_contentful_paint_ms: paints["first-contentful-paint"],
    dom_content_loaded_ms: navigation.domContentLoadedEventEnd,
    response_end_ms: navigation.responseEnd,
    html_bytes: navigation.decodedBodySize,
  };
}"""


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default="", help="a PostgreSQL server; default SQLite")
    parser.add_argument("--fill", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def fill(leads: int) -> None:
    """Runs in a child whose environment points at the scratch database."""
    from leadflow.cli.app import migrate
    from leadflow.db import unit_of_work
    from leadflow.identity.drafts import draft_from_fields
    from leadflow.identity.service import intake
    from leadflow.workspaces.service import create_user, create_workspace

    migrate()
    rng = random.Random(7)
    with unit_of_work() as session:
        workspace = create_workspace(session, slug="bench-board", name="Board bench")
        create_user(session, email=EMAIL, password=PASSWORD, name="Bench", workspace=workspace)
        drafts = [draft_from_fields(_person(number, rng), region="US") for number in range(leads)]
        outcomes = intake(session, workspace.id, drafts, via="import:1", actor="import:1")
        session.flush()
        _spread(session, [outcome.lead_id for outcome in outcomes], rng)


def _person(number: int, rng: random.Random) -> dict[str, str | None]:
    company = f"{rng.choice(WORDS)} {rng.choice(KINDS)}"
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {
        "first_name": first, "last_name": last, "company": company,
        "email": f"{first}.{last}.{number}@{company.replace(' ', '').lower()}.example",
        "source": rng.choice(SOURCES),
    }  # fmt: skip


def _spread(session: Any, lead_ids: list[int], rng: random.Random) -> None:
    from sqlalchemy import update

    from leadflow.models import Lead

    now = datetime.now(UTC)
    rows = []
    for lead_id in lead_ids:
        tier = rng.choice(list(TIERS))
        stage = rng.choices(list(STAGES), weights=list(STAGES.values()))[0]
        spoke = rng.random() < 0.4
        rows.append({
            "id": lead_id, "stage": stage, "score_tier": tier, "score": rng.randint(*TIERS[tier]),
            "pipeline_progress": 100 if stage in ("completed", "failed") else rng.randint(0, 90),
            "first_message_at": now - timedelta(minutes=rng.randint(1, 20_000)) if spoke else None,
            "first_response_ms": rng.randint(300, 90_000) if spoke else None,
        })  # fmt: skip
    session.execute(update(Lead), rows)


def _measure(port: int, runs: int) -> list[dict[str, float]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(base_url=f"http://127.0.0.1:{port}")
        page.goto("/signin")
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/board")
        loads = []
        for _ in range(runs):
            page.goto("/board", wait_until="load")
            page.wait_for_function("performance.getEntriesByType('paint').length > 0")
            loads.append(page.evaluate(TIMINGS))
        browser.close()
    return loads


def main() -> None:
    args = _args()
    if args.fill:
        fill(args.leads)
        return
    with (
        tempfile.TemporaryDirectory(prefix="leadflow-bench-") as workdir,
        scratch_database(args.database_url, Path(workdir)) as database_url,
    ):
        env = {
            **os.environ, "LEADFLOW_DATABASE_URL": database_url, "LEADFLOW_DATA_DIR": workdir,
            "LEADFLOW_ENVIRONMENT": "development", "LEADFLOW_LOG_LEVEL": "WARNING",
            "LEADFLOW_EMBEDDED_WORKER": "false",
        }  # fmt: skip
        command = [sys.executable, "-m", "bench.board", "--fill", "--leads", str(args.leads)]
        subprocess.run(command, env=env, check=True)
        with leadflow_server(env) as (_, port):
            loads = _measure(port, args.runs)
    print(json.dumps({"bench": "board", "leads": args.leads, "runs": args.runs} | _medians(loads)))


def _medians(loads: list[dict[str, float]]) -> dict[str, float]:
    return {name: round(statistics.median(load[name] for load in loads), 1) for name in loads[0]}


if __name__ == "__main__":
    main()
