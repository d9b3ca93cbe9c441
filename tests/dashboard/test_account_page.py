"""The account page: reachable from every page's header, a new password only with the current
one (refusals said in words, guesses slowed down), and the sessions open in the person's name."""

from __future__ import annotations

from leadflow.dashboard import i18n
from tests.dashboard.support import PASSWORD, Browser, make_person


def change(browser: Browser, current: str, new: str, confirm: str | None = None):
    return browser.post(
        "/account/password",
        data={"current_password": current, "new_password": new,
              "confirm_password": new if confirm is None else confirm},
        follow_redirects=False,
    )  # fmt: skip


def test_the_header_leads_to_the_account_page(client, workspace):
    browser = Browser(client, make_person(workspace))
    assert 'href="/account"' in browser.get("/board").text
    page = browser.get("/account")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert 'action="/account/password"' in page.text
    assert 'action="/account/signout-everywhere"' in page.text


def test_the_page_lists_each_open_session(client, second_client_factory, workspace):
    email = make_person(workspace)
    Browser(second_client_factory(), email, user_agent="Safari on the office iMac")
    browser = Browser(client, email, user_agent="Firefox at home")
    page = browser.get("/account").text
    assert page.count("<tr>") == 3  # the header and two sessions
    assert "Safari on the office iMac" in page
    assert "Firefox at home" in page
    assert page.count("This browser") == 1
    assert "testclient" in page  # the address


def test_a_wrong_current_password_changes_nothing(client, workspace):
    browser = Browser(client, make_person(workspace))
    refused = change(browser, "not my password", "a new passphrase")
    assert refused.status_code == 400
    assert "The current password is not right." in refused.text
    assert browser.get("/board").status_code == 200  # still signed in, with the old password


def test_the_new_password_is_checked_before_anything_else(client, workspace):
    browser = Browser(client, make_person(workspace))
    mismatch = change(browser, PASSWORD, "a new passphrase", "a new passphrasf")
    assert mismatch.status_code == 400
    assert "The two new passwords are not the same." in mismatch.text
    short = change(browser, PASSWORD, "short")
    assert short.status_code == 400
    assert "at least 8 characters" in short.text


def test_guessing_the_current_password_is_slowed_down(client, workspace, configured):
    configured(signin_free_attempts=2, signin_first_wait_seconds=300)
    browser = Browser(client, make_person(workspace))
    assert change(browser, "guess one", "a new passphrase").status_code == 400
    assert change(browser, "guess two", "a new passphrase").status_code == 400
    refused = change(browser, PASSWORD, "a new passphrase")
    assert refused.status_code == 429
    assert 295 <= int(refused.headers["Retry-After"]) <= 300
    assert "Wait 5 minutes" in refused.text


def test_the_page_in_arabic(client, workspace):
    browser = Browser(client, make_person(workspace))
    client.cookies.set(i18n.COOKIE, "ar")
    page = browser.get("/account").text
    assert "حسابك" in page
    assert "تسجيل الخروج من كل مكان" in page
    assert "هذا المتصفح" in page
