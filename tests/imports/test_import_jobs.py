"""Import jobs: dry runs, rejected-row files, resuming after a crash, dedupe across chunks and
against the store, the spawned parsing process, files that are not what they claim, and
column overrides."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from leadflow.cli.app import app
from leadflow.exceptions import BadRequest
from leadflow.imports import parsing
from leadflow.imports.service import ImportRun, open_import
from leadflow.models import ImportJob, Lead, MergeRecord
from tests.builders import make_lead, make_workspace
from tests.imports.support import (
    counts,
    lead_by_email,
    leads,
    merges,
    messy_crm_export,
    people,
    rejections,
    run_import,
    table,
    table_counts,
    write,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER = ("Email", "First Name", "Last Name", "Phone", "Title")
# Thirteen records; with chunk_rows=3 the chunks are rows 1-3, 4-6, 7-9, 10-12 and 13, so
# every repeat below lands in a later chunk than the person's first row.
ROWS = [
    ("ann@example.com", "Ann", "Lee", "(415) 555-2601", ""),  # 1 created
    ("bob@example.com", "Bob", "Roy", "", ""),  # 2 created
    ("not-an-email", "Bad", "Email", "", ""),  # 3 rejected
    ("cid@example.com", "Cid", "Moe", "", ""),  # 4 created
    ("ANN@Example.com", "", "", "+1 415 555 2601", "CEO"),  # 5 merged: email
    ("dee@example.com", "Dee", "Fox", "", ""),  # 6 created
    ("", "Ann", "Lee", "415.555.2601", ""),  # 7 merged: phone
    ("eve@example.com", "Eve", "Ng", "", ""),  # 8 created
    ("", "No", "Contact", "", "Consultant"),  # 9 rejected
    ("BOB@EXAMPLE.COM", "", "", "415 555 2602", ""),  # 10 merged: email, 3 chunks later
    ("fay@example.com", "Fay", "Oz", "", ""),  # 11 created
    ("cid@example.com", "", "", "", "CTO"),  # 12 merged
    ("gus@example.com", "Gus", "Hu", "", ""),  # 13 created
]
EXPECTED = (13, 7, 4, 2)  # rows, created, merged, rejected


@pytest.fixture
def people_file(tmp_path: Path) -> Path:
    return write(tmp_path, table(HEADER, ROWS))


class Crash(Exception):
    pass


def crash_after(chunks: int):
    seen = []

    def progress(job: ImportJob) -> None:
        seen.append(job.rows)
        if len(seen) == chunks:
            raise Crash(f"stopped after {job.rows} rows")

    return progress


def leave_running(session, job_id: int) -> None:
    """What a killed process leaves behind: the job still running, its committed rows."""
    session.expire_all()
    job = session.get(ImportJob, job_id)
    job.status, job.error, job.finished_at = "running", None, None
    session.commit()


# --- dry run -----------------------------------------------------------------------------


def test_dry_run_changes_nothing_and_reports_what_the_real_run_does(session, people_file):
    workspace = make_workspace(session)
    make_lead(session, workspace, email="ann@example.com", first_name="Ann")
    before = table_counts(session, workspace.id)
    before_people = people(session, workspace.id)

    dry_job, dry = run_import(session, workspace, people_file, chunk_rows=3, dry_run=True)

    assert counts(dry) == (13, 6, 5, 2)  # Ann already exists: all three of her rows merge
    assert table_counts(session, workspace.id) == before
    assert people(session, workspace.id) == before_people
    stored = session.get(ImportJob, dry_job.id)
    assert (stored.status, stored.dry_run) == ("completed", True)
    assert (stored.rows, stored.created, stored.merged, stored.rejected) == counts(dry)

    real_job, real = run_import(session, workspace, people_file, chunk_rows=3)

    assert counts(real) == counts(dry)
    assert rejections(session, real_job.id) == rejections(session, dry_job.id)
    assert [line for line, _, _ in rejections(session, dry_job.id)] == [4, 10]
    assert table_counts(session, workspace.id)["Lead"] == before["Lead"] + real.created


# --- rejected rows to a file ---------------------------------------------------------------


def test_errors_out_lists_each_rejected_row_with_formulas_defused(session, tmp_path):
    workspace = make_workspace(session)
    rows = [
        ("@SUM(1+1)", "bad-email", ""),  # line 2
        ("-2+3", "", "12"),  # line 3
        ("Ok Person", "ok@example.com", ""),  # line 4, imported
        ("=1+2", "x@", ""),  # line 5
        ("\tTabbed", "nope", ""),  # line 6
        ("Multi\nLine", "bad", ""),  # lines 7-8
        ("+cmd|' /C calc'!A0", "zed@", ""),  # line 9
    ]
    path = write(tmp_path, table(("Full Name", "Email", "Phone"), rows))
    errors = tmp_path / "rejected.csv"

    result = CliRunner().invoke(
        app,
        ["import", str(path), "--workspace", workspace.slug, "--errors-out", str(errors)],
    )

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "rows": 7,
        "created": 1,
        "merged": 0,
        "rejected": 6,
        "scored": 1,
        "score_failed": 0,
    }
    written = list(csv.reader(io.StringIO(errors.read_bytes().decode("utf-8"), newline="")))
    # the file's own columns and a reason: fixed, it imports again
    assert written[0] == ["Full Name", "Email", "Phone", "reason"]
    assert [row[:-1] for row in written[1:]] == [
        ["'@SUM(1+1)", "bad-email", ""],
        ["'-2+3", "", "12"],
        ["'=1+2", "x@", ""],
        ["'\tTabbed", "nope", ""],
        ["Multi\nLine", "bad", ""],
        ["'+cmd|' /C calc'!A0", "zed@", ""],
    ]
    reasons = [row[-1] for row in written[1:]]
    assert reasons[0] == "email: not an email address: 'bad-email'"
    assert reasons[1].startswith("phone: ")
    for line in written:
        for value in line:
            assert not value.startswith(FORMULA_STARTS), value


# --- resuming after a crash ------------------------------------------------------------------


def clean_import(session, path: Path):
    workspace = make_workspace(session)
    job, report = run_import(session, workspace, path, chunk_rows=3)
    return workspace, job, report


@pytest.mark.parametrize(
    ("chunks_before_crash", "spawned"),
    [(1, False), (2, False), (4, False), (2, True)],
    ids=["after-1-chunk", "after-2-chunks", "after-4-chunks", "spawned-parser"],
)
def test_a_crashed_import_resumes_where_it_stopped(
    session, people_file, monkeypatch, chunks_before_crash, spawned
):
    reference, reference_job, reference_report = clean_import(session, people_file)
    if spawned:  # the parsing process skips the rows already taken
        monkeypatch.setattr(parsing, "IN_PROCESS_BELOW_BYTES", 0)
    workspace = make_workspace(session)
    job = open_import(session, workspace=workspace, path=people_file)
    session.commit()

    with pytest.raises(Crash):
        ImportRun(
            job.id, chunk_rows=3, commit_seconds=0, progress=crash_after(chunks_before_crash)
        ).run()
    leave_running(session, job.id)
    half_done = session.get(ImportJob, job.id)
    assert half_done.rows == 3 * chunks_before_crash
    assert len(leads(session, workspace.id)) < EXPECTED[1]

    report = ImportRun(job.id, chunk_rows=3).run()
    session.expire_all()

    assert counts(report) == counts(reference_report) == EXPECTED
    assert people(session, workspace.id) == people(session, reference.id)
    assert rejections(session, job.id) == rejections(session, reference_job.id)
    assert table_counts(session, workspace.id) == table_counts(session, reference.id)
    done = session.get(ImportJob, job.id)  # scored with their rows, crashed ones' included
    assert (done.status, done.column_map["scoring"]["scored"]) == ("completed", EXPECTED[1])
    assert all(lead.scored_at is not None for lead in leads(session, workspace.id))


KILLER = """
import os, signal, sys
from leadflow.imports.service import ImportRun

def die(job):
    os.kill(os.getpid(), signal.SIGKILL)

ImportRun(int(sys.argv[1]), chunk_rows=3, commit_seconds=0, progress=die).run()
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_an_import_killed_mid_file_resumes_without_twins(session, people_file):
    reference, reference_job, _ = clean_import(session, people_file)
    workspace = make_workspace(session)
    job = open_import(session, workspace=workspace, path=people_file)
    session.commit()

    killed = subprocess.run(
        [sys.executable, "-c", KILLER, str(job.id)],
        env=os.environ.copy(),
        capture_output=True,
        timeout=120,
        check=False,
    )

    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
    session.expire_all()
    left = session.get(ImportJob, job.id)
    assert (left.status, left.rows) == ("running", 3)  # the first chunk committed
    assert len(leads(session, workspace.id)) == 2

    report = ImportRun(job.id, chunk_rows=3).run()
    session.expire_all()

    assert counts(report) == EXPECTED
    assert people(session, workspace.id) == people(session, reference.id)
    assert rejections(session, job.id) == rejections(session, reference_job.id)
    assert table_counts(session, workspace.id) == table_counts(session, reference.id)


def test_a_crash_inside_a_transaction_of_many_chunks_loses_that_transaction_only(
    session, people_file, monkeypatch
):
    reference, reference_job, _ = clean_import(session, people_file)
    workspace = make_workspace(session)
    job = open_import(session, workspace=workspace, path=people_file)
    session.commit()
    parse_chunks = parsing.parse_chunks

    def crash_at_the_third_chunk(parse_job):
        for number, chunk in enumerate(parse_chunks(parse_job), 1):
            if number == 3:
                raise Crash("the parsing stopped")
            yield chunk

    monkeypatch.setattr(parsing, "parse_chunks", crash_at_the_third_chunk)
    with pytest.raises(Crash):
        ImportRun(job.id, chunk_rows=3, commit_seconds=3600).run()
    leave_running(session, job.id)
    assert session.get(ImportJob, job.id).rows == 0  # two chunks taken, none committed
    assert leads(session, workspace.id) == []
    monkeypatch.undo()

    report = ImportRun(job.id, chunk_rows=3, commit_seconds=3600).run()
    session.expire_all()

    assert counts(report) == EXPECTED
    assert people(session, workspace.id) == people(session, reference.id)
    assert rejections(session, job.id) == rejections(session, reference_job.id)
    assert table_counts(session, workspace.id) == table_counts(session, reference.id)


def test_running_a_completed_import_again_changes_nothing(session, people_file):
    workspace, job, report = clean_import(session, people_file)
    before = table_counts(session, workspace.id)

    again = ImportRun(job.id, chunk_rows=3).run()
    session.expire_all()

    assert counts(again) == counts(report)
    assert table_counts(session, workspace.id) == before
    assert len(rejections(session, job.id)) == report.rejected


# --- dedupe ---------------------------------------------------------------------------------


def test_repeats_far_apart_in_the_file_merge_across_chunks(session, people_file):
    workspace = make_workspace(session)

    _, report = run_import(session, workspace, people_file, chunk_rows=3)

    assert counts(report) == EXPECTED
    ann = lead_by_email(session, workspace.id, "ann@example.com")
    assert (ann.first_name, ann.phone, ann.title) == ("Ann", "+14155552601", "CEO")
    assert [m.matched_on for m in merges(session, ann.id)] == ["email", "phone"]
    bob = lead_by_email(session, workspace.id, "bob@example.com")
    assert bob.phone == "+14155552602"  # filled in by his repeat, three chunks later
    assert [m.matched_on for m in merges(session, bob.id)] == ["email"]
    cid = lead_by_email(session, workspace.id, "cid@example.com")
    assert cid.title == "CTO"
    emails = [lead.email_key for lead in leads(session, workspace.id)]
    assert len(emails) == len(set(emails)) == 7


def test_rows_matching_leads_already_in_the_store_merge_into_them(session, tmp_path):
    workspace = make_workspace(session)
    existing = make_lead(session, workspace, email="Dana@Example.com", first_name="Dana")
    by_phone = make_lead(session, workspace, phone="+1 212 555 0199", last_name="Okafor")
    path = write(
        tmp_path,
        table(
            HEADER,
            [
                ("dana@example.com", "", "Reyes", "", "VP Sales"),
                ("", "Ike", "Okafor", "(212) 555-0199", ""),
                ("new@example.com", "New", "Person", "", ""),
            ],
        ),
    )

    _, report = run_import(session, workspace, path)

    assert counts(report) == (3, 1, 2, 0)
    assert len(leads(session, workspace.id)) == 3
    dana = session.get(Lead, existing.id)
    assert (dana.first_name, dana.last_name, dana.title) == ("Dana", "Reyes", "VP Sales")
    ike = session.get(Lead, by_phone.id)
    assert (ike.first_name, ike.last_name) == ("Ike", "Okafor")
    recorded = session.scalars(
        select(MergeRecord).where(MergeRecord.workspace_id == workspace.id)
    ).all()
    assert sorted((m.lead_id, m.matched_on) for m in recorded) == sorted(
        [(existing.id, "email"), (by_phone.id, "phone")]
    )


# --- the spawned parsing process -------------------------------------------------------------


def test_parsing_in_a_spawned_process_gives_the_same_result(session, tmp_path, monkeypatch):
    path = write(tmp_path, messy_crm_export("cp1252"))
    in_process, in_process_job, in_process_report = clean_import(session, path)

    def not_here(job):
        raise AssertionError("parsed in the importing process")

    monkeypatch.setattr(parsing, "IN_PROCESS_BELOW_BYTES", 0)
    monkeypatch.setattr(parsing, "parse_chunks", not_here)  # the child has its own, unpatched
    spawned, spawned_job, spawned_report = clean_import(session, path)

    assert counts(spawned_report) == counts(in_process_report) == (12, 7, 2, 3)
    assert people(session, spawned.id) == people(session, in_process.id)
    assert rejections(session, spawned_job.id) == rejections(session, in_process_job.id)
    assert table_counts(session, spawned.id) == table_counts(session, in_process.id)


@pytest.mark.parametrize("spawned", [False, True], ids=["in-process", "spawned"])
def test_a_file_gone_before_the_run_fails_the_job_with_the_reason(
    session, people_file, monkeypatch, spawned
):
    if spawned:
        monkeypatch.setattr(parsing, "IN_PROCESS_BELOW_BYTES", 0)
    workspace = make_workspace(session)
    job = open_import(session, workspace=workspace, path=people_file)
    session.commit()
    people_file.unlink()

    with pytest.raises(BadRequest, match=r"cannot import this file: .*No such file"):
        ImportRun(job.id, chunk_rows=3).run(retried=True)  # no retry mends it

    session.expire_all()
    failed = session.get(ImportJob, job.id)
    assert failed.status == "failed"
    assert "No such file" in failed.error
    assert leads(session, workspace.id) == []


def test_a_job_run_that_a_retry_may_mend_leaves_the_import_running_for_the_next(
    session, people_file
):
    workspace = make_workspace(session)
    job = open_import(session, workspace=workspace, path=people_file)
    session.commit()

    with pytest.raises(Crash):
        ImportRun(job.id, chunk_rows=3, commit_seconds=0, progress=crash_after(2)).run(retried=True)
    session.expire_all()
    half_done = session.get(ImportJob, job.id)
    assert (half_done.status, half_done.error, half_done.rows) == ("running", None, 6)

    report = ImportRun(job.id, chunk_rows=3).run(retried=True)

    assert counts(report) == EXPECTED
    assert len(leads(session, workspace.id)) == EXPECTED[1]


# --- files that are not a CSV of leads ---------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"Email,Phone\r\n",
        b"Email;Phone",
        b"\r\n\r\n\n",
        b"\xef\xbb\xbf",
        b'{"leads": [{"email": "a@example.com"}]}',
    ],
    ids=["empty", "header-only", "header-no-newline", "blank-lines", "bom-only", "json"],
)
def test_a_file_without_records_imports_zero_rows(session, tmp_path, content):
    workspace = make_workspace(session)
    path = write(tmp_path, content)

    job, report = run_import(session, workspace, path)

    assert counts(report) == (0, 0, 0, 0)
    assert session.get(ImportJob, job.id).status == "completed"
    assert leads(session, workspace.id) == []


def spreadsheet_bytes() -> bytes:
    """An .xlsx (a zip of XML), the commonest wrong file people upload as their CSV."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>' * 20)
        book.writestr(
            "xl/worksheets/sheet1.xml",
            "".join(f"<row><c><v>lead{n}@example.com</v></c></row>" for n in range(200)),
        )
    return buffer.getvalue()


BINARY_FILES = {
    "xlsx": spreadsheet_bytes(),
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
}


@pytest.mark.parametrize("kind", list(BINARY_FILES))
def test_a_binary_file_never_crashes_nor_creates_leads(session, tmp_path, kind):
    workspace = make_workspace(session)
    path = write(tmp_path, BINARY_FILES[kind])

    try:
        _, report = run_import(session, workspace, path, chunk_rows=50)
    except BadRequest:
        return
    assert report.created == report.merged == 0
    assert report.rejected == report.rows
    assert leads(session, workspace.id) == []


@pytest.mark.parametrize("kind", list(BINARY_FILES))
def test_a_binary_file_is_refused_with_a_clear_error(session, tmp_path, kind):
    workspace = make_workspace(session)
    path = write(tmp_path, BINARY_FILES[kind])

    with pytest.raises(BadRequest, match="cannot import this file"):
        open_import(session, workspace=workspace, path=path)


def test_a_utf16_file_is_decoded_or_refused(session, tmp_path):
    workspace = make_workspace(session)
    text = table(("First Name", "Email", "Notes"), [("Zoë", "zoe@example.com", "5000 €")])
    path = write(tmp_path, text.replace(",", "\t").encode("utf-16"))

    try:
        _, report = run_import(session, workspace, path)
    except BadRequest:
        return
    assert counts(report) == (1, 1, 0, 0)
    (zoe,) = leads(session, workspace.id)
    assert zoe.first_name == "Zoë"
    assert zoe.custom_fields == {"notes": "5000 €"}


def test_an_excel_separator_hint_line_is_not_the_header(session, tmp_path):
    workspace = make_workspace(session)
    rows = [("Ann", "ann@example.com"), ("Bob", "bob@example.com")]
    path = write(tmp_path, "sep=;\r\n" + table(("First Name", "Email"), rows, delimiter=";"))

    job, report = run_import(session, workspace, path)

    assert job.column_map["mapping"] == {"First Name": "first_name", "Email": "email"}
    assert counts(report) == (2, 2, 0, 0)


# --- column overrides --------------------------------------------------------------------------

ODD_HEADER = ("Kontakt", "Cell #", "Handynummer", "Firma", "Kommentar", "E-mail")
ODD_ROWS = [
    ("Lena Vogel", "(415) 555-2671", "+49 151 23456789", "Vogel GmbH", "VIP", "lena@vogel.de"),
]


def test_cell_hash_is_a_phone_by_its_name(session, tmp_path):
    workspace = make_workspace(session)
    path = write(tmp_path, table(ODD_HEADER, ODD_ROWS))

    job, report = run_import(session, workspace, path)

    assert job.column_map["mapping"]["Cell #"] == "phone"
    assert counts(report) == (1, 1, 0, 0)
    (lena,) = leads(session, workspace.id)
    assert lena.phone == "+14155552671"
    assert lena.custom_fields == {
        "kontakt": "Lena Vogel",
        "handynummer": "+49 151 23456789",
        "firma": "Vogel GmbH",
        "kommentar": "VIP",
    }


def test_overrides_map_odd_headers_and_win_over_names(session, tmp_path):
    workspace = make_workspace(session)
    path = write(tmp_path, table(ODD_HEADER, ODD_ROWS))
    overrides = {
        "Kontakt": "full_name",
        "Cell #": "whatsapp",
        "Handynummer": "phone",
        "Firma": "company",
        "Kommentar": "ignore",
    }

    job, report = run_import(session, workspace, path, overrides=overrides)

    assert counts(report) == (1, 1, 0, 0)
    assert job.column_map["overrides"] == overrides
    (lena,) = leads(session, workspace.id)
    assert (lena.first_name, lena.last_name) == ("Lena", "Vogel")
    assert lena.phone == "+4915123456789"
    assert lena.whatsapp_id == "+14155552671"
    assert lena.custom_fields == {}  # Kommentar left out, as asked
    assert people(session, workspace.id)[0][8:10] == ("Vogel GmbH", "vogel.de")


def test_cli_map_overrides_a_header(session, tmp_path):
    workspace = make_workspace(session)
    path = write(tmp_path, table(("Handynummer", "Kontakt"), [("(415) 555-2671", "Lena Vogel")]))

    result = CliRunner().invoke(
        app,
        [
            "import", str(path), "--workspace", workspace.slug,
            "--map", "Handynummer=phone", "--map", "Kontakt=full_name",
        ],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["created"] == 1
    session.expire_all()
    (lena,) = leads(session, workspace.id)
    assert (lena.first_name, lena.last_name, lena.phone) == ("Lena", "Vogel", "+14155552671")


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("Handynummer=telephone", "cannot be mapped to 'telephone'"),
        ("Handynummer", '--map takes "Header=field"'),
    ],
)
def test_cli_map_mistakes_are_one_line_errors(session, tmp_path, mapping, message):
    workspace = make_workspace(session)
    path = write(tmp_path, table(("Handynummer",), [("(415) 555-2671",)]))

    result = CliRunner().invoke(
        app, ["import", str(path), "--workspace", workspace.slug, "--map", mapping]
    )

    assert result.exit_code == 1
    assert "".join(message.split()) in "".join(result.stderr.split())  # rich wraps lines
    assert "Traceback" not in result.output
    session.expire_all()
    assert leads(session, workspace.id) == []


def test_an_override_to_an_unknown_field_is_a_bad_request(session, tmp_path):
    workspace = make_workspace(session)
    path = write(tmp_path, table(("Handynummer",), [("(415) 555-2671",)]))

    with pytest.raises(BadRequest, match="use one of first_name"):
        open_import(session, workspace=workspace, path=path, overrides={"Handynummer": "mobile"})
