"""The dashboard in Debian's chromium: what a salesperson does, click by click."""

from __future__ import annotations

import pytest

from tests.dashboard.support import screenshot

pytestmark = pytest.mark.slow


def test_signing_in_shows_the_board(signed_in_page):
    page = signed_in_page
    board = page.get_by_test_id("board")
    assert board.is_visible()
    assert page.locator(".board-column").count() == 7
    print(screenshot(page, "signed_in"))
