"""The account page in Debian's chromium: reached from the header, a new password set, the
sessions listed, and signing out everywhere, with nothing refused by the pages' policy."""

from __future__ import annotations

import pytest

from tests.dashboard.support import PASSWORD, screenshot

pytestmark = pytest.mark.slow


def test_a_new_password_then_signing_out_everywhere(signed_in_page):
    page = signed_in_page
    page.get_by_test_id("account-link").click()
    page.wait_for_url("**/account")
    assert page.get_by_test_id("sessions").locator("tbody tr").count() == 1
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("a whole new passphrase")
    page.get_by_label("New password again").fill("a whole new passphrase")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_url("**/account?changed=true")
    assert page.get_by_test_id("password-changed").is_visible()
    print(screenshot(page, "account"))

    page.get_by_role("button", name="Sign out everywhere").click()
    page.wait_for_url("**/signin")
    page.goto("/board")
    page.wait_for_url("**/signin?next=/board")
