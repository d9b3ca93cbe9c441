"""Signing in to the dashboard: sessions bound to a person and a workspace, CSRF on every change,
no open redirects, and the words in English and Arabic."""

from __future__ import annotations

import json
import re

from leadflow.dashboard import i18n
from leadflow.dashboard.pages import TEMPLATES
from leadflow.dashboard.sessions import COOKIE, signed_in
from leadflow.db import get_sessionmaker
from tests.builders import make_workspace
from tests.dashboard.support import PASSWORD, Browser, make_person


def test_a_page_sends_a_stranger_to_sign_in_and_back(client):
    answer = client.get("/board?tier=HOT", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/signin?next=/board%3Ftier%3DHOT"
    fragment = client.get("/board", headers={"HX-Request": "true"}, follow_redirects=False)
    assert fragment.headers["HX-Redirect"].startswith("/signin?next=")


def test_signing_in_with_the_right_password_opens_the_board(client, workspace):
    email = make_person(workspace)
    browser = Browser(client, email)
    board = browser.get("/board")
    assert board.status_code == 200
    assert workspace.name in board.text


def test_a_wrong_password_or_unknown_email_says_the_same(client, workspace):
    email = make_person(workspace)
    wrong = client.post("/signin", data={"email": email, "password": "not it at all"})
    unknown = client.post("/signin", data={"email": "nobody@example.com", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert "do not match an account" in wrong.text
    assert COOKIE not in wrong.cookies
    assert COOKIE not in unknown.cookies


def test_after_sign_in_only_a_path_of_this_site_is_followed(client, workspace):
    email = make_person(workspace)
    targets = [("/outbox", "/outbox"), ("https://evil.example/", "/board"),
               ("//evil.example/x", "/board"), ("javascript:alert(1)", "/board")]  # fmt: skip
    for target, landing in targets:
        client.cookies.clear()
        answer = client.post(
            "/signin", data={"email": email, "password": PASSWORD, "next": target},
            follow_redirects=False,
        )  # fmt: skip
        assert answer.headers["location"] == landing


def test_a_change_without_the_csrf_token_is_refused(client, workspace):
    browser = Browser(client, make_person(workspace))
    refused = client.post("/signout", follow_redirects=False)
    assert refused.status_code == 403
    assert browser.get("/board").status_code == 200  # still signed in
    accepted = browser.post("/signout", follow_redirects=False)
    assert accepted.status_code == 303
    assert client.get("/board", follow_redirects=False).status_code == 303


def test_a_made_up_or_altered_cookie_is_no_session(client, workspace):
    Browser(client, make_person(workspace))
    token = client.cookies[COOKIE]
    with get_sessionmaker(writes=False)() as session:
        assert signed_in(session, token) is not None
        assert signed_in(session, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
        assert signed_in(session, "not.a-token") is None
        assert signed_in(session, "x" * 5000) is None
        assert signed_in(session, None) is None


def test_a_person_switches_only_to_their_own_workspaces(client, session):
    first, second = (
        make_workspace(session, name="Aardvark Co"),
        make_workspace(session, name="Zebra Co"),
    )
    stranger = make_workspace(session)
    browser = Browser(client, make_person(first, second))
    assert "Aardvark Co" in browser.get("/board").text  # the first by name, to begin with
    switched = browser.post("/workspace", data={"workspace_id": second.id}, follow_redirects=False)
    assert switched.status_code == 303
    stale = browser.csrf
    browser.refresh()
    assert browser.csrf != stale  # a new session: pages opened before it can change nothing
    assert "Zebra Co" in browser.get("/board").text
    refused = browser.post("/workspace", data={"workspace_id": stranger.id})
    assert refused.status_code == 404


def test_arabic_is_right_to_left(client, workspace):
    browser = Browser(client, make_person(workspace))
    browser.post("/language", data={"language": "ar"})
    page = browser.get("/board").text
    assert '<html lang="ar" dir="rtl">' in page
    assert "bootstrap-5.3.9.rtl.min.css" in page
    assert "اللوحة" in page


def test_every_word_is_in_both_languages():
    texts = i18n.catalogue()
    assert texts["en"].keys() == texts["ar"].keys()
    for path in i18n.LOCALES.glob("*.json"):
        assert json.loads(path.read_text(encoding="utf-8")).keys() == {"en", "ar"}


def test_every_key_a_template_uses_is_defined():
    used = set()
    for template in TEMPLATES.rglob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_.0-9]+)["']\s*[,)]""", template.read_text()))
    assert used - i18n.catalogue()["en"].keys() == set()
