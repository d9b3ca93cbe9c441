"""The first run in the dashboard: the checklist at the top of the board until put away, the
welcome page with the chat's script tag, the chat's look on the settings page, and the demo's
sign-in shown on a developer's machine only."""

from __future__ import annotations

import html

from leadflow.accounts import repository as accounts
from leadflow.db import unit_of_work
from leadflow.demo import DEMO_EMAIL, DEMO_PASSWORD, ensure_demo
from leadflow.kit.crypto import hash_password
from leadflow.workspaces.widget import widget_look
from tests.dashboard.support import Browser, make_person
from tests.knowledge.support import make_knowledge_base


def test_the_board_fetches_the_checklist_which_shows_each_step(client, workspace):
    browser = Browser(client, make_person(workspace))
    assert 'hx-get="/welcome/panel"' in browser.get("/board").text
    panel = browser.get("/welcome/panel").text
    assert 'data-testid="welcome-panel"' in panel
    for step in ("Connect a channel", "Add knowledge", "Embed the chat widget", "Import a list",
                 "Invite a teammate"):  # fmt: skip
        assert step in panel
    assert "0 of 5 done." in panel


def test_a_step_done_is_ticked_on_the_board(api, client):
    make_knowledge_base(api)
    kb = api.get("/api/v1/knowledge/bases").json()["items"][0]["id"]
    api.post(f"/api/v1/knowledge/bases/{kb}/faqs", json={"question": "Q?", "answer": "A."})
    browser = Browser(client, make_person(api.workspace))
    panel = browser.get("/welcome/panel").text
    assert 'data-step="add_knowledge" data-done="yes"' in panel
    assert 'data-step="connect_channel" data-done="no"' in panel
    assert "1 of 5 done." in panel


def test_a_person_puts_the_checklist_away_and_the_welcome_page_keeps_it(client, workspace):
    mine = Browser(client, make_person(workspace))
    assert mine.post("/welcome/dismiss", headers={"HX-Request": "true"}).status_code == 200
    assert mine.get("/welcome/panel").text == ""
    assert 'data-testid="checklist"' in mine.get("/welcome").text
    theirs = Browser(client, make_person(workspace))
    assert 'data-testid="welcome-panel"' in theirs.get("/welcome/panel").text


def test_putting_it_away_needs_the_csrf_token(client, workspace):
    browser = Browser(client, make_person(workspace))
    assert browser.client.post("/welcome/dismiss").status_code == 403


def test_the_welcome_page_gives_the_chat_s_script_tag_to_copy(client, workspace):
    browser = Browser(client, make_person(workspace))
    page = html.unescape(browser.get("/welcome").text)
    assert (
        f'<script src="http://testserver/chat/{workspace.form_token}/widget.js" defer></script>'
        in page
    )
    assert 'data-copy="#widget-snippet"' in page
    assert f"leadflow user create --workspace {workspace.slug}" in page
    assert "/static/welcome.js" in page


def test_the_welcome_page_speaks_arabic(client, workspace):
    browser = Browser(client, make_person(workspace))
    browser.post("/language", data={"language": "ar"})
    page = browser.get("/welcome").text
    assert "ضع نافذة المحادثة في موقعك" in page
    assert "أُنجز 0 من 5." in page


def test_the_chat_s_colour_and_language_are_set_on_the_settings_page(client, session, workspace):
    browser = Browser(client, make_person(workspace))
    assert 'id="widget-colour"' in browser.get("/settings").text
    saved = browser.post("/settings/widget", data={"colour": "#aa3300", "language": "ar"},
                         follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303
    session.refresh(workspace)
    assert (widget_look(workspace).colour, widget_look(workspace).language) == ("#aa3300", "ar")
    refused = browser.post("/settings/widget", data={"colour": "red", "language": "ar"})
    assert refused.status_code == 422
    assert "#rrggbb" in refused.text


def _published_demo() -> None:
    with unit_of_work() as writer:
        ensure_demo(writer, published=True)
        user = accounts.user_by_email(writer, DEMO_EMAIL)
        assert user is not None
        user.password_hash = hash_password(DEMO_PASSWORD)  # whatever another test left


def test_the_demo_s_sign_in_is_shown_in_development(client, configured):
    _published_demo()
    configured(environment="development")
    page = client.get("/signin").text
    assert 'data-testid="demo-credentials"' in page
    assert DEMO_EMAIL in page
    assert DEMO_PASSWORD in page


def test_the_demo_s_sign_in_is_never_shown_in_production_or_tests(client, configured):
    _published_demo()
    configured(environment="production", rate_limits_enabled=True)
    assert DEMO_PASSWORD not in client.get("/signin").text
    configured(environment="test")
    assert DEMO_PASSWORD not in client.get("/signin").text


def test_a_demo_password_someone_changed_is_not_shown(client, configured):
    _published_demo()
    with unit_of_work() as writer:
        user = accounts.user_by_email(writer, DEMO_EMAIL)
        assert user is not None
        user.password_hash = hash_password("a password of their own choosing")
    configured(environment="development")
    assert DEMO_PASSWORD not in client.get("/signin").text
    _published_demo()  # as the other tests of this process expect it
