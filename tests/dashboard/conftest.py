"""The dashboard in a real browser: Debian's chromium driven by Playwright against a real
leadflow server process on the test database. Screenshots go to LEADFLOW_SCREENSHOTS
(default var/screenshots); the run prints where."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bench.servers import leadflow_server

from tests.dashboard.support import PASSWORD, make_person

CHROMIUM = Path(os.environ.get("LEADFLOW_CHROMIUM", "/usr/bin/chromium"))


# Per module: the sync API keeps an event loop running in the main thread while it is open, and
# tests elsewhere that start their own (anyio.run) must not find one there.
@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"no chromium at {CHROMIUM}: 'make browser' installs Debian's package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # --no-sandbox: the suite may run as root in a container, where chromium's sandbox
        # cannot start; the pages it opens are our own.
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def live_server(database: str, tmp_path: Path) -> Iterator[str]:
    env = {**os.environ, "LEADFLOW_EMBEDDED_WORKER": "true", "LEADFLOW_LOG_LEVEL": "WARNING"}
    with (tmp_path / "server.log").open("wb") as out, leadflow_server(env, output=out) as (_, port):
        yield f"http://127.0.0.1:{port}"


# Each page tells the console of every refusal of its security policy, whoever caused it.
_REPORT_REFUSALS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`${REFUSED}${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
    + ` (${event.sourceFile || document.location.href}:${event.lineNumber})`);
});
"""
REFUSED = "security policy: "


@pytest.fixture
def refusals() -> list[str]:
    """What the pages' security policy refused, and the errors the pages' scripts threw."""
    return []


def _heard(refusals: list[str], message: Any) -> None:
    text = message.text
    if message.type == "error" and (REFUSED in text or "Content Security Policy" in text):
        refusals.append(f"{message.page.url if message.page else ''}: {text}")


def watch(context: Any, refusals: list[str]) -> None:
    """Every page of the context reports its policy's refusals and its scripts' errors."""
    context.add_init_script(_REPORT_REFUSALS.replace("${REFUSED}", REFUSED))
    context.on("console", lambda message: _heard(refusals, message))
    context.on("page", lambda page: page.on("pageerror", lambda error: refusals.append(str(error))))


@pytest.fixture
def page(chromium: Any, live_server: str, refusals: list[str]) -> Iterator[Any]:
    """A page of a browser of its own. Whatever the test does, no page it opens may have its
    security policy refuse anything or a script of ours throw."""
    context = chromium.new_context(base_url=live_server, viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    watch(context, refusals)
    page = context.new_page()
    yield page
    context.close()
    assert refusals == [], "the pages' security policy refused something, or a script threw"


@pytest.fixture
def signed_in_page(page: Any, workspace: Any) -> Any:
    """A page signed in, through the form, as a new person of the test's workspace."""
    email = make_person(workspace)
    page.goto("/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/board")
    return page
