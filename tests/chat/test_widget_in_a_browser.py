"""The chat widget on another site's page, in Debian's chromium, with leadflow's security
headers on: a plain page served from a second origin holds the widget's script tag; the
visitor opens the chat, writes, and the agent's answer arrives."""

from __future__ import annotations

import httpx
import pytest

from tests.builders import settle_jobs
from tests.dashboard.support import screenshot
from tests.knowledge.support import fill_with_the_agency, make_knowledge_base

pytestmark = pytest.mark.slow

HOMES_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hittin Gardens</title></head>
<body><h1>Hittin Gardens</h1><p>Two- and three-bedroom homes in north Riyadh.</p>
<script src="{script}" defer></script></body></html>"""


@pytest.mark.parametrize("strict", [False, True], ids=["plain-site", "site-with-a-strict-policy"])
def test_a_visitor_chats_with_the_agent_from_another_sites_page(
    api, page, live_server, other_site, strict
):
    from playwright.sync_api import expect

    kb = make_knowledge_base(api, "Agency")
    fill_with_the_agency(api, kb["id"])
    settle_jobs()
    token = api.get("/api/v1/workspace").json()["form_token"]
    script = f"{live_server}/chat/{token}/widget.js"
    assert "content-security-policy" in httpx.get(script).headers  # the headers are on
    site, served = other_site
    served["page"] = HOMES_PAGE.format(script=script)
    if strict:  # the site allows leadflow's script and API, and no inline style at all
        served["policy"] = (
            f"default-src 'self'; script-src 'self' {live_server}; "
            f"connect-src 'self' {live_server}; style-src 'self'"
        )

    page.goto(f"{site}/homes")
    chat = page.get_by_role("dialog", name="Chat")
    expect(chat).to_be_hidden()  # until the visitor asks for it
    page.get_by_role("button", name="Chat with us").click()
    expect(chat).to_be_visible()
    chat.get_by_placeholder("Your name").fill("Mona")
    chat.get_by_placeholder("Email").fill("mona@example.com")
    chat.get_by_role("button", name="Start").click()
    chat.get_by_placeholder("Write a message").fill("Are pets allowed?")
    chat.get_by_role("button", name="Send").click()

    expect(chat.locator('[data-author="lead"]')).to_have_text("Are pets allowed?")
    answer = chat.locator('[data-author="agent"]')
    expect(answer).to_contain_text("Cats and small dogs", timeout=30_000)
    assert page.url.startswith(site)
    assert not site.startswith(live_server)
    box = chat.evaluate("box => getComputedStyle(box).position")
    assert box == "fixed"  # drawn as meant, whatever the site's policy
    print(screenshot(page, f"chat_widget_on_another_site{'_strict' if strict else ''}"))


def test_the_chat_opens_from_a_launcher_in_the_workspace_s_colour_and_minimises(
    api, page, live_server, other_site
):
    from playwright.sync_api import expect

    api.put("/api/v1/workspace/widget", json={"colour": "#7a1f5c", "language": "en"})
    token = api.get("/api/v1/workspace").json()["form_token"]
    site, served = other_site
    served["page"] = HOMES_PAGE.format(script=f"{live_server}/chat/{token}/widget.js")

    page.goto(f"{site}/homes")
    launcher = page.get_by_role("button", name="Chat with us")
    expect(launcher).to_be_visible()
    assert launcher.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(122, 31, 92)"
    box = launcher.bounding_box()
    assert box["x"] > 1000
    assert box["y"] > 800
    launcher.click()
    chat = page.get_by_role("dialog", name="Chat")
    expect(chat).to_be_visible()
    chat.get_by_role("button", name="Minimise the chat").click()
    expect(chat).to_be_hidden()
    expect(launcher).to_be_visible()
    page.reload()  # closed it stays closed; opened, it stays open
    expect(page.get_by_role("dialog", name="Chat")).to_be_hidden()


def test_in_arabic_the_chat_sits_bottom_left_and_reads_right_to_left(
    api, page, live_server, other_site
):
    from playwright.sync_api import expect

    api.put("/api/v1/workspace/widget", json={"colour": "#f5d90a", "language": "ar"})
    token = api.get("/api/v1/workspace").json()["form_token"]
    site, served = other_site
    served["page"] = HOMES_PAGE.format(script=f"{live_server}/chat/{token}/widget.js")

    page.goto(f"{site}/homes")
    launcher = page.get_by_role("button", name="تحدث معنا")
    expect(launcher).to_be_visible()
    assert launcher.bounding_box()["x"] < 100  # bottom left
    assert (
        launcher.evaluate("b => getComputedStyle(b).color") == "rgb(17, 17, 17)"
    )  # dark on yellow
    launcher.click()
    chat = page.get_by_role("dialog", name="محادثة")
    expect(chat).to_be_visible()
    assert chat.get_attribute("dir") == "rtl"
    expect(chat.get_by_placeholder("اسمك")).to_be_visible()
    print(screenshot(page, "chat_widget_in_arabic"))
