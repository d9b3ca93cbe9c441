"""Dashboard sessions live on the server: a copied cookie stops working once its session ends
(signing out, a new password elsewhere, signing out everywhere, expiry), and the server keeps
only a hash of the token."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from leadflow.dashboard.sessions import COOKIE
from leadflow.db import get_sessionmaker, unit_of_work
from leadflow.kit.crypto import verify_password
from leadflow.models import User, UserSession
from leadflow.models.base import utcnow
from tests.builders import make_workspace
from tests.dashboard.support import PASSWORD, Browser, make_person

NEW_PASSWORD = "a whole new passphrase"


def board_with(client: TestClient, token: str) -> int:
    """The board's status for a browser holding only this cookie: 200 open, 303 sent to sign in."""
    client.cookies.clear()
    client.cookies.set(COOKIE, token)
    return client.get("/board", follow_redirects=False).status_code


def sessions_of(email: str) -> list[UserSession]:
    with get_sessionmaker(writes=False)() as session:
        user = session.scalars(select(User).where(User.email == email)).one()
        return list(session.scalars(select(UserSession).where(UserSession.user_id == user.id)))


def test_a_copied_cookie_stops_working_once_its_session_signs_out(client, second_client, workspace):
    browser = Browser(client, make_person(workspace))
    copied = client.cookies[COOKIE]
    assert board_with(second_client, copied) == 200

    assert browser.post("/signout", follow_redirects=False).status_code == 303
    assert board_with(second_client, copied) == 303


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(
    client, second_client, workspace
):
    email = make_person(workspace)
    elsewhere = Browser(second_client, email)
    copied = second_client.cookies[COOKIE]
    here = Browser(client, email)
    before = client.cookies[COOKIE]

    changed = here.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
              "confirm_password": NEW_PASSWORD},
        follow_redirects=False,
    )  # fmt: skip
    assert changed.status_code == 303, changed.text
    assert client.cookies[COOKIE] != before  # this browser's session was re-issued ...
    assert client.get("/account?changed=true").status_code == 200  # ... and goes on
    assert elsewhere.get("/board", follow_redirects=False).status_code == 303
    assert board_with(second_client, copied) == 303
    assert board_with(second_client, before) == 303  # the old token of this session too
    with get_sessionmaker(writes=False)() as session:
        user = session.scalars(select(User).where(User.email == email)).one()
        assert verify_password(user.password_hash, NEW_PASSWORD)


def test_signing_out_everywhere_ends_every_session(client, second_client, workspace):
    email = make_person(workspace)
    Browser(second_client, email)
    elsewhere = second_client.cookies[COOKIE]
    here = Browser(client, email)
    this_one = client.cookies[COOKIE]

    ended = here.post("/account/signout-everywhere", follow_redirects=False)
    assert ended.status_code == 303
    assert ended.headers["location"] == "/signin"
    assert board_with(second_client, elsewhere) == 303
    assert board_with(second_client, this_one) == 303
    assert all(s.revoked_at is not None for s in sessions_of(email))


def test_an_expired_session_is_refused(client, workspace):
    email = make_person(workspace)
    Browser(client, email)
    token = client.cookies[COOKIE]
    with unit_of_work() as session:
        session.execute(
            update(UserSession)
            .where(UserSession.token_hash == hashlib.sha256(token.encode()).hexdigest())
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert board_with(client, token) == 303


def test_only_a_hash_of_the_token_is_kept(client, workspace):
    email = make_person(workspace)
    Browser(client, email, user_agent="Firefox on a test bench")
    token = client.cookies[COOKIE]
    (kept,) = sessions_of(email)
    assert kept.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = " ".join(str(getattr(kept, c.key)) for c in UserSession.__table__.columns)
    assert token not in stored
    assert (kept.user_agent, kept.address) == ("Firefox on a test bench", "testclient")
    assert kept.expires_at - kept.created_at == timedelta(days=14)


def test_switching_workspace_issues_a_new_token(client, session):
    first, second = (
        make_workspace(session, name="Alpha Co"),
        make_workspace(session, name="Beta Co"),
    )
    browser = Browser(client, make_person(first, second))
    before = client.cookies[COOKIE]
    switched = browser.post("/workspace", data={"workspace_id": second.id}, follow_redirects=False)
    assert switched.status_code == 303
    after = client.cookies[COOKIE]
    assert after != before
    assert "Beta Co" in client.get("/board").text
    assert board_with(client, before) == 303
    assert board_with(client, after) == 200


def test_last_seen_is_written_at_most_every_few_minutes(client, workspace):
    email = make_person(workspace)
    Browser(client, email)
    (first,) = sessions_of(email)
    client.get("/board")
    client.get("/outbox")
    (unchanged,) = sessions_of(email)
    assert unchanged.last_seen_at == first.last_seen_at

    long_ago = utcnow() - timedelta(minutes=6)
    with unit_of_work() as session:
        session.execute(
            update(UserSession).where(UserSession.id == first.id).values(last_seen_at=long_ago)
        )
    client.get("/board")
    (seen,) = sessions_of(email)
    assert seen.last_seen_at > long_ago + timedelta(minutes=5)
