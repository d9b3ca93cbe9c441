"""What an import takes, refused at once with a clear 4xx: a 100,000-column file (700 KB) made
column mapping quadratic inside a request that held SQLite's single writer, and every write of
every workspace failed for minutes."""

from __future__ import annotations

import time

import pytest

from leadflow.imports.columns import ColumnMap
from leadflow.imports.parsing import MAX_CELL_CHARS
from leadflow.imports.reader import MAX_COLUMNS, MAX_HEADER_BYTES
from tests.builders import settle_jobs
from tests.imports.support import writer_held_while_uploads_are_read


def upload(api, content: bytes, name: str = "leads.csv"):
    return api.post("/api/v1/imports", files={"file": (name, content, "text/csv")})


def test_a_file_of_100000_columns_is_refused_at_once(api):
    header = ",".join(f"c{n}" for n in range(100_000)).encode()
    started = time.perf_counter()
    refused = upload(api, header + b"\n" + b"x," * 99_999 + b"x\n")
    elapsed = time.perf_counter() - started
    assert refused.status_code == 400, refused.text[:300]
    assert refused.headers["content-type"] == "application/problem+json"
    assert f"an import takes at most {MAX_COLUMNS:,}" in refused.json()["detail"]
    assert elapsed < 5  # minutes before the fix; well under a second here


def test_a_header_that_does_not_end_is_refused(api):
    refused = upload(api, b"Email," + b"a" * (MAX_HEADER_BYTES + 10) + b"\nx@y.co,1\n")
    assert refused.status_code == 400
    assert "does not end within its first 64 KiB" in refused.json()["detail"]


def test_the_widest_file_an_import_takes_is_taken(api):
    header = ["Email", *(f"extra {n}" for n in range(MAX_COLUMNS - 1))]
    row = ["wide@example.com", *("v" for _ in range(MAX_COLUMNS - 1))]
    taken = upload(api, (",".join(header) + "\n" + ",".join(row) + "\n").encode())
    assert taken.status_code == 202, taken.text[:300]
    settle_jobs()
    job = api.get(f"/api/v1/imports/{taken.json()['id']}").json()
    assert (job["status"], job["created"]) == ("completed", 1)


def test_mapping_columns_of_one_name_is_linear():
    """A thousand columns of one name each get their own key; numbering them took a set of
    all keys so far per column (100,000 columns: minutes)."""
    header = ["Notes"] * 20_000
    started = time.perf_counter()
    columns = ColumnMap.from_header(header)
    assert time.perf_counter() - started < 2
    keys = list(columns.custom.values())
    assert keys[:3] == ["notes", "notes_2", "notes_3"]
    assert len(set(keys)) == 20_000


def test_a_cell_longer_than_any_field_rejects_its_row_not_the_file(api):
    content = (
        "Email,Notes\nok@example.com,fine\n"
        f"long@example.com,{'n' * (MAX_CELL_CHARS + 1)}\nalso@example.com,fine\n"
    ).encode()
    taken = upload(api, content)
    assert taken.status_code == 202
    settle_jobs()
    job = api.get(f"/api/v1/imports/{taken.json()['id']}").json()
    assert (job["created"], job["rejected"]) == (2, 1)
    (rejection,) = api.get(f"/api/v1/imports/{job['id']}/rejections").json()["items"]
    assert f"at most {MAX_CELL_CHARS:,}" in rejection["reason"]


@pytest.mark.embedded_only
def test_uploads_are_kept_and_read_before_the_writer_is_taken(api, monkeypatch):
    """While an upload is copied and read, no writer turn is held: SQLite has one, and every
    workspace's webhooks wait for it."""
    held = writer_held_while_uploads_are_read(monkeypatch)
    assert upload(api, b"Email\nx@example.com\n").status_code == 202
    kb = api.post("/api/v1/knowledge/bases", json={"name": "Docs"}).json()
    document = api.post(
        f"/api/v1/knowledge/bases/{kb['id']}/documents",
        files={"file": ("faq.md", b"# Prices\nA visit costs 100.", "text/markdown")},
    )
    assert document.status_code == 202, document.text
    assert held == [False, False, False]
