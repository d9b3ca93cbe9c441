"""Guessing passwords: failed sign-ins back off per account and per address, with a wait that
doubles; while an account waits even its right password is refused (429, Retry-After, the wait
said in English and Arabic); a success forgets the account's failures."""

from __future__ import annotations

import time

from leadflow.dashboard import i18n
from leadflow.dashboard.sessions import COOKIE
from tests.dashboard.support import PASSWORD, make_person


def sign_in(client, email: str, password: str):
    return client.post(
        "/signin", data={"email": email, "password": password}, follow_redirects=False
    )


def test_past_the_free_attempts_even_the_right_password_waits(client, workspace, configured):
    configured(signin_free_attempts=3, signin_first_wait_seconds=60)
    email = make_person(workspace)
    for _ in range(3):
        assert sign_in(client, email, "not the password").status_code == 401

    refused = sign_in(client, email, PASSWORD)
    assert refused.status_code == 429
    assert 55 <= int(refused.headers["Retry-After"]) <= 60
    assert "Too many attempts to sign in" in refused.text
    assert "wait 1 minute" in refused.text
    assert COOKIE not in refused.cookies
    # The same account typed another way is the same account.
    assert sign_in(client, f"  {email.upper()} ", PASSWORD).status_code == 429


def test_the_wait_is_said_in_arabic(client, workspace, configured):
    configured(signin_free_attempts=1, signin_first_wait_seconds=120)
    email = make_person(workspace)
    client.cookies.set(i18n.COOKIE, "ar")
    sign_in(client, email, "not the password")
    refused = sign_in(client, email, PASSWORD)
    assert refused.status_code == 429
    assert "محاولات تسجيل دخول كثيرة" in refused.text
    assert "دقيقتان" in refused.text  # two minutes


def test_the_wait_doubles_and_the_right_password_passes_after_it(client, workspace, configured):
    # Waits long enough that a slow argon2 check (a busy machine) does not outlast them.
    configured(signin_free_attempts=2, signin_first_wait_seconds=2)
    email = make_person(workspace)
    assert sign_in(client, email, "wrong 1").status_code == 401
    assert sign_in(client, email, "wrong 2").status_code == 401  # closes the gate for 2 s
    first = sign_in(client, email, PASSWORD)
    assert first.status_code == 429
    assert 1 <= int(first.headers["Retry-After"]) <= 2
    time.sleep(int(first.headers["Retry-After"]) + 0.1)
    assert sign_in(client, email, "wrong 3").status_code == 401  # closes it for 4 s
    second = sign_in(client, email, PASSWORD)
    assert second.status_code == 429
    assert 2 <= int(second.headers["Retry-After"]) <= 4
    time.sleep(int(second.headers["Retry-After"]) + 0.1)
    assert sign_in(client, email, PASSWORD).status_code == 303


def test_a_success_forgets_the_accounts_failures(client, workspace, configured):
    configured(signin_free_attempts=3, signin_first_wait_seconds=60)
    email = make_person(workspace)
    for _ in range(3):
        assert sign_in(client, email, "wrong").status_code == 401
        assert sign_in(client, email, "wrong").status_code == 401
        assert sign_in(client, email, PASSWORD).status_code == 303


def test_one_address_guessing_many_accounts_waits(client, workspace, configured):
    configured(signin_free_attempts_per_address=3, signin_first_wait_seconds=60)
    for _ in range(3):
        assert sign_in(client, make_person(workspace), "wrong").status_code == 401
    untouched = make_person(workspace)
    refused = sign_in(client, untouched, PASSWORD)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 55


def test_people_signing_in_from_one_office_do_not_add_up(client, workspace, configured):
    configured(signin_free_attempts_per_address=3, signin_first_wait_seconds=60)
    for _ in range(6):
        assert sign_in(client, make_person(workspace), PASSWORD).status_code == 303


def test_unknown_emails_back_off_like_accounts(client, configured):
    configured(signin_free_attempts=2, signin_first_wait_seconds=60)
    assert sign_in(client, "nobody@example.com", "guess 1").status_code == 401
    assert sign_in(client, "nobody@example.com", "guess 2").status_code == 401
    assert sign_in(client, "nobody@example.com", "guess 3").status_code == 429
