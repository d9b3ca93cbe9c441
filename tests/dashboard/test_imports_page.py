"""The Import page: upload a CSV, see and change how its columns map, start the import, watch
it reach 100%, download the rows it refused; bad files told apart, never a 500."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from leadflow.config import get_settings
from leadflow.dashboard import i18n
from leadflow.dashboard.imports_page import TARGETS
from leadflow.db import get_sessionmaker
from leadflow.models import ImportJob, ImportStatus, Lead
from leadflow.worker import enqueue
from leadflow.worker.runner import run_due
from tests.builders import make_workspace, settle_jobs
from tests.dashboard.support import Browser, make_person
from tests.imports.support import table, writer_held_while_uploads_are_read

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER = ("Full Name", "Email", "Handynummer", "Source")
ROWS = [
    ("Ann Lee", "ann@example.com", "+1 415 555 2601", "fair"),  # line 2
    ("@SUM(1+1)", "bad-email", "", ""),  # line 3, rejected
    ("Bob Roy", "BOB@example.com", "", "web"),  # line 4
    ("=1+2", "x@", "", ""),  # line 5, rejected
    ("Bob Roy", "bob@example.com", "+1 415 555 2602", ""),  # line 6, merged into line 4
    ("Nobody", "", "", ""),  # line 7, rejected: no way to reach them
]


@pytest.fixture
def browser(client, workspace) -> Browser:
    return Browser(client, make_person(workspace))


def leads_file() -> bytes:
    return table(HEADER, ROWS).encode("utf-8")


def upload(browser: Browser, content: bytes, name: str = "fair leads.csv"):
    return browser.post(
        "/imports", files={"file": (name, content, "text/csv")}, follow_redirects=False
    )


def uploaded(browser: Browser, content: bytes | None = None) -> str:
    """The mapping page's address after a good upload."""
    answer = upload(browser, content or leads_file())
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def chosen_targets(html: str) -> dict[str, str]:
    """Column -> the option selected for it on the mapping page."""
    rows = re.findall(r'<tr data-column="([^"]*)">(.*?)</tr>', html, re.S)
    return {
        header: re.search(r'<option value="([^"]+)" selected>', row).group(1)  # type: ignore[union-attr]
        for header, row in rows
    }


def start(browser: Browser, mapping_url: str, targets: list[str], **form: str):
    path = urlsplit(mapping_url).path
    data = {"target": targets, "filename": "fair leads.csv", **form}
    return browser.post(path, data=data, follow_redirects=False)


def started(browser: Browser, targets: list[str] | None = None, **form: str) -> int:
    mapping_url = uploaded(browser)
    answer = start(
        browser, mapping_url, targets or ["full_name", "email", "phone", "custom"], **form
    )
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].rsplit("/", 1)[1])


def counts(html: str) -> dict[str, int]:
    return {key: int(value) for key, value in re.findall(r'data-count="(\w+)">(\d+)<', html)}


def test_an_upload_shows_each_column_and_the_field_it_becomes(browser):
    mapping_url = uploaded(browser)
    assert re.fullmatch(r"/imports/uploads/[0-9a-f]{32}\?filename=fair%20leads.csv", mapping_url)

    page = browser.get(mapping_url)

    assert page.status_code == 200
    assert chosen_targets(page.text) == {
        "Full Name": "full_name", "Email": "email", "Handynummer": "custom", "Source": "source",
    }  # fmt: skip
    assert "ann@example.com" in page.text  # the first values, to help decide
    assert 'name="dry_run"' in page.text
    assert "fair leads.csv" in page.text


def test_the_import_runs_to_100_percent_with_the_columns_as_mapped(browser, workspace):
    import_id = started(browser, ["full_name", "email", "phone", "custom"])
    running = browser.get(f"/imports/{import_id}")
    assert running.status_code == 200
    assert 'hx-trigger="every 1s"' in running.text  # polls while the job runs

    settle_jobs()
    progress = browser.get(f"/imports/{import_id}/progress")

    assert progress.status_code == 200
    assert 'data-status="completed"' in progress.text
    assert 'aria-valuenow="100"' in progress.text
    assert "hx-trigger" not in progress.text  # finished: the polling stops
    assert counts(progress.text) == {
        "rows": 6, "created": 2, "merged": 1, "rejected": 3, "scored": 2,
    }  # fmt: skip
    assert f'href="/imports/{import_id}/rejected.csv"' in progress.text
    with get_sessionmaker(writes=False)() as session:
        ann = session.scalars(
            select(Lead).where(Lead.workspace_id == workspace.id, Lead.email == "ann@example.com")
        ).one()
        assert ann.phone == "+14155552601"  # Handynummer, mapped to the phone by the person
        assert ann.custom_fields == {"source": "fair"}  # Source, kept as a custom field
        job = session.get(ImportJob, import_id)
        assert job.column_map["overrides"] == {"Handynummer": "phone", "Source": "custom"}


def _left_scoring(import_id: int) -> None:
    """What an import read by an earlier version is left as: every row in, its new leads to
    be scored by the job ``scoring.score_imported`` (ADR 0019)."""
    with get_sessionmaker().begin() as session:
        job = session.get(ImportJob, import_id)
        job.status, job.finished_at = ImportStatus.scoring, None
        job.column_map = {**job.column_map, "scoring": {"after": 0, "scored": 0, "failed": 0}}
        enqueue(session, "scoring.score_imported", job.workspace_id, import_id)


def test_an_import_whose_new_leads_are_being_scored_says_so_and_keeps_polling(browser):
    import_id = started(browser)
    run_due(name="imports.run")
    _left_scoring(import_id)

    scoring = browser.get(f"/imports/{import_id}/progress")

    assert 'data-status="scoring"' in scoring.text
    assert 'hx-trigger="every 1s"' in scoring.text
    assert 'data-testid="import-scoring"' in scoring.text
    assert counts(scoring.text)["scored"] == 0
    settle_jobs()
    assert 'data-status="completed"' in browser.get(f"/imports/{import_id}/progress").text


def test_the_rejected_rows_download_with_reasons_and_formulas_defused(browser):
    import_id = started(browser)
    settle_jobs()

    answer = browser.get(f"/imports/{import_id}/rejected.csv")

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    written = list(csv.reader(io.StringIO(answer.text, newline="")))
    assert written[0] == [*HEADER, "reason"]
    assert [row[:-1] for row in written[1:]] == [
        ["'@SUM(1+1)", "bad-email", "", ""],
        ["'=1+2", "x@", "", ""],
        ["Nobody", "", "", ""],
    ]
    assert written[1][-1] == "email: not an email address: 'bad-email'"
    assert all(not value.startswith(FORMULA_STARTS) for row in written for value in row)


def test_a_dry_run_counts_and_changes_nothing(browser, workspace):
    import_id = started(browser, dry_run="true")
    settle_jobs()

    page = browser.get(f"/imports/{import_id}")

    assert counts(page.text) == {"rows": 6, "created": 2, "merged": 1, "rejected": 3}
    assert "Nothing in the workspace was changed." in page.text
    with get_sessionmaker(writes=False)() as session:
        assert session.scalars(select(Lead).where(Lead.workspace_id == workspace.id)).all() == []


def test_past_imports_are_listed_with_their_status(browser):
    import_id = started(browser)
    settle_jobs()

    page = browser.get("/imports")

    assert page.status_code == 200
    assert f'<a href="/imports/{import_id}">fair leads.csv</a>' in page.text
    assert "Completed" in page.text


def test_starting_twice_opens_one_import(browser):
    mapping_url = uploaded(browser)
    targets = ["full_name", "email", "custom", "source"]
    first = start(browser, mapping_url, targets)
    second = start(browser, mapping_url, targets)

    assert first.headers["location"] == second.headers["location"]
    assert (
        browser.get(mapping_url, follow_redirects=False).headers["location"]
        == (first.headers["location"])
    )


def test_choosing_another_file_forgets_the_upload_unless_it_was_imported(browser):
    abandoned, imported = uploaded(browser), uploaded(browser)
    targets = ["full_name", "email", "custom", "source"]
    job_url = start(browser, imported, targets).headers["location"]

    for mapping_url in (abandoned, imported):
        answer = browser.post(f"{urlsplit(mapping_url).path}/discard", follow_redirects=False)
        assert answer.headers["location"] == "/imports"

    assert browser.get(abandoned).status_code == 404
    assert browser.get(imported, follow_redirects=False).headers["location"] == job_url


@pytest.mark.parametrize(
    ("content", "name", "says"),
    [
        (b"", "leads.csv", "the uploaded file is empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "leads.csv", "this file is"),
        (b"\r\n\r\n\n", "blank.csv", "has no header row"),
    ],
    ids=["empty", "image", "blank-lines"],
)
def test_a_bad_upload_says_why(browser, content, name, says):
    answer = upload(browser, content, name)

    assert answer.status_code == 400
    assert 'data-testid="import-error"' in answer.text
    assert says in answer.text


def test_an_upload_without_a_file_says_so(browser):
    answer = browser.post("/imports", data={}, follow_redirects=False)

    assert answer.status_code == 400
    assert "Choose a CSV file to upload." in answer.text


def test_a_mapping_that_does_not_fit_the_file_is_refused(browser):
    mapping_url = uploaded(browser)

    too_few = start(browser, mapping_url, ["email"])
    none = browser.post(urlsplit(mapping_url).path, data={}, follow_redirects=False)
    unknown = start(browser, mapping_url, ["full_name", "email", "shoe_size", "source"])

    assert too_few.status_code == 400
    assert "do not match the file" in too_few.text
    assert none.status_code == 400
    assert unknown.status_code == 400
    assert "cannot be mapped to &#39;shoe_size&#39;" in unknown.text


def test_changes_without_the_csrf_token_are_refused(client, browser):
    mapping_url = uploaded(browser)
    files = {"file": ("leads.csv", leads_file(), "text/csv")}

    assert client.post("/imports", files=files).status_code == 403
    assert client.post(urlsplit(mapping_url).path, data={"target": ["email"]}).status_code == 403
    # A plain form sends the token as a field, multipart included.
    as_form = client.post(
        "/imports", files=files, data={"csrf_token": browser.csrf}, follow_redirects=False
    )
    assert as_form.status_code == 303


def test_another_workspaces_import_and_upload_are_not_found(client, session, workspace, browser):
    import_id = started(browser)
    mapping_url = urlsplit(uploaded(browser)).path
    stranger = Browser(client, make_person(make_workspace(session)))

    urls = [
        f"/imports/{import_id}",
        f"/imports/{import_id}/progress",
        f"/imports/{import_id}/rejected.csv",
        mapping_url,
        "/imports/uploads/nothing",
    ]
    for url in urls:
        answer = stranger.get(url)
        assert answer.status_code == 404, url
        assert "Not found" in answer.text
    refused = stranger.post(mapping_url, data={"target": ["email"]}, follow_redirects=False)
    assert refused.status_code == 404
    assert stranger.post(f"{mapping_url}/discard").status_code == 404
    name = mapping_url.rsplit("/", 1)[1]
    assert (get_settings().upload_dir / workspace.slug / f"{name}.csv").is_file()
    assert stranger.get("/imports/999999999").status_code == 404


def test_every_status_and_field_has_words():
    words = i18n.catalogue()["en"]
    for status in ImportStatus:
        assert f"imports.status.{status}" in words
    for target in TARGETS:
        if target not in ("custom", "ignore"):
            assert f"imports.field.{target}" in words


@pytest.mark.embedded_only
def test_the_pages_keep_and_read_a_file_before_taking_the_writer(browser, monkeypatch):
    """Uploading and starting an import, and uploading a document, copy and read the file
    with no writer turn held: SQLite has one, and every workspace's webhooks wait for it."""
    held = writer_held_while_uploads_are_read(monkeypatch)
    mapping = uploaded(browser)
    page = browser.get(mapping)
    targets = list(chosen_targets(page.text).values())
    started = browser.post(urlsplit(mapping).path, data={"target": targets}, follow_redirects=False)
    assert started.status_code == 303, started.text
    kb = browser.post("/knowledge", data={"name": "Docs"}, follow_redirects=False)
    kb_path = kb.headers["location"]
    document = browser.post(
        f"{kb_path}/documents",
        files={"file": ("faq.md", b"# Prices\nA visit costs 100.", "text/markdown")},
        follow_redirects=False,
    )
    assert document.status_code == 303, document.text
    assert held
    assert not any(held), held


# --- forgiving imports: reasons grouped, warnings, the phone country -------------------------


def test_the_finished_import_groups_its_rejections_by_reason(browser):
    import_id = started(browser)
    settle_jobs()

    page = browser.get(f"/imports/{import_id}")

    assert page.status_code == 200
    assert 'data-testid="import-reasons-rejected"' in page.text
    groups = dict(re.findall(r'<tr data-reason="([^"]+)">.*?data-rows>(\d+)<', page.text, re.S))
    assert groups == {
        "email: not an email address": "2",
        "lead: needs an email, a phone or a WhatsApp number, or a name and a company": "1",
    }
    assert "3, 5" in page.text  # the first lines of the email reason
    assert "import the file again" in page.text  # the download is said to import again once fixed


def test_the_phone_country_is_chosen_on_the_mapping_page_and_warnings_are_shown(browser, workspace):
    content = table(
        ("Email", "Phone"),
        [("jim@example.com", "(415) 555-2671"), ("sa@example.com", "0501234567")],
    ).encode("utf-8")
    mapping_url = uploaded(browser, content)
    page = browser.get(mapping_url)
    assert 'name="phone_region"' in page.text

    answer = start(browser, mapping_url, ["email", "phone"], phone_region="SA")
    assert answer.status_code == 303, answer.text
    import_id = int(answer.headers["location"].rsplit("/", 1)[1])
    settle_jobs()
    shown = browser.get(f"/imports/{import_id}")

    assert counts(shown.text) == {
        "rows": 2, "created": 2, "merged": 0, "rejected": 0, "scored": 2,
    }  # fmt: skip
    assert 'data-testid="import-phone-region"' in shown.text
    assert 'data-testid="import-reasons-warned"' in shown.text
    assert "phone: not a valid phone number for its country" in shown.text
    assert 'data-testid="import-warnings"' in shown.text
    with get_sessionmaker(writes=False)() as session:
        phones = session.scalars(
            select(Lead.phone).where(Lead.workspace_id == workspace.id).order_by(Lead.email)
        ).all()
    assert phones == [None, "+966501234567"]


def test_a_phone_country_that_is_no_country_is_said_on_the_mapping_page(browser):
    mapping_url = uploaded(browser)

    answer = start(
        browser, mapping_url, ["full_name", "email", "phone", "custom"], phone_region="Atlantis"
    )

    assert answer.status_code == 400
    assert 'data-testid="import-error"' in answer.text
    assert "not a country" in answer.text


def test_the_job_page_reads_in_arabic(browser):
    import_id = started(browser)
    settle_jobs()
    words = i18n.catalogue()["ar"]

    page = browser.get(f"/imports/{import_id}", headers={"Accept-Language": "ar"})

    assert page.status_code == 200
    assert set(i18n.catalogue()["en"]) <= set(words)
    assert words["imports.reasons.rejected"] in page.text
