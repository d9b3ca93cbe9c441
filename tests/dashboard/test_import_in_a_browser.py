"""Importing a CSV in Debian's chromium: upload it, confirm the columns, start, watch the
progress reach 100% (the live server's embedded worker runs the job) and download the rows the
import refused."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from tests.dashboard.support import screenshot

pytestmark = pytest.mark.slow
GOOD_ROWS = 300


def write_leads(folder: Path) -> Path:
    """A few hundred leads, two of them impossible to reach."""
    path = folder / "trade fair leads.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["Name", "E-mail", "Mobile", "Company", "Stand"])
        for number in range(GOOD_ROWS):
            email, company = f"lead{number}@fair.example", f"Company {number % 40}"
            writer.writerow([f"Lead {number}", email, "", company, f"B{number % 12}"])
        writer.writerow(["=SUM(A1:A9)", "not-an-email", "", "", ""])
        writer.writerow(["Nobody Reachable", "", "12", "", ""])
    return path


def test_importing_a_csv_shows_its_progress_and_the_rejected_rows(signed_in_page, tmp_path):
    from playwright.sync_api import expect

    page = signed_in_page
    page.get_by_role("link", name="Import").click()
    page.get_by_label("CSV file").set_input_files(write_leads(tmp_path))
    page.get_by_role("button", name="Upload and map columns").click()

    mapping = page.get_by_test_id("column-mapping")
    expect(mapping).to_be_visible()
    expect(page.get_by_label("What column E-mail becomes")).to_have_value("email")
    expect(page.get_by_label("What column Mobile becomes")).to_have_value("phone")
    expect(page.get_by_label("What column Stand becomes")).to_have_value("custom")
    page.get_by_label("What column Stand becomes").select_option("ignore")
    page.get_by_role("button", name="Start the import").click()

    progress = page.get_by_test_id("import-progress")
    expect(progress).to_have_attribute("data-status", "completed", timeout=60_000)
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    counts = page.get_by_test_id("import-counts")
    expect(counts.locator('[data-count="rows"]')).to_have_text(str(GOOD_ROWS + 2))
    expect(counts.locator('[data-count="created"]')).to_have_text(str(GOOD_ROWS))
    expect(counts.locator('[data-count="rejected"]')).to_have_text("2")
    print(screenshot(page, "import"))

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the 2 rejected rows")).click()
    rejected = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(rejected.splitlines()))
    assert rows[0] == ["Name", "E-mail", "Mobile", "Company", "Stand", "reason"]
    assert [row[0] for row in rows[1:]] == ["'=SUM(A1:A9)", "Nobody Reachable"]  # defused
    assert rows[1][-1].startswith("email: not an email address")
