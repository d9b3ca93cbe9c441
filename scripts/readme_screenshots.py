"""The README's screenshots, taken from a running leadflow as `make run` leaves it (the demo
workspace, nothing staged): the board, a lead's page, the conversations inbox and analytics, in
English and Arabic, at desktop width.

    make run            # in one terminal
    make screenshots    # in another: writes docs/screenshots/*.png
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

BASE = os.environ.get("LEADFLOW_URL", "http://127.0.0.1:8000")
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DEMO = ("demo@leadflow.local", "leadflow-demo")
PAGES = {"board": "/board", "conversations": "/conversations", "analytics": "/analytics"}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        for language in ("en", "ar"):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            context.add_cookies([{"name": "leadflow_lang", "value": language, "url": BASE}])
            page = context.new_page()
            _sign_in(page)
            suffix = "" if language == "en" else "_ar"
            for name, path in {**PAGES, "lead": _a_lead_with_a_conversation(page)}.items():
                page.goto(BASE + path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(OUT / f"{name}{suffix}.png"))
                print(OUT / f"{name}{suffix}.png")
            context.close()
        browser.close()


def _sign_in(page: Page) -> None:
    page.goto(BASE + "/signin")
    page.locator("input[name=email]").fill(DEMO[0])
    page.locator("input[name=password]").fill(DEMO[1])
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url("**/board")


def _a_lead_with_a_conversation(page: Page) -> str:
    """The page of the first lead the inbox lists (one the agent handed to a person)."""
    page.goto(BASE + "/conversations?tab=all")
    link = page.locator("[data-conversation-id] a[href^='/leads/']").first
    href = link.get_attribute("href")
    if not href:
        sys.exit("no conversation to show: is this the demo workspace?")
    return href


if __name__ == "__main__":
    main()
