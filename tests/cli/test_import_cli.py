"""`leadflow import` forgives: a human summary on stderr, the JSON line last on stdout, the
phone country chosen with --phone-country, exit code 1 when no row could be used; and
`leadflow --version`."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from leadflow import __version__
from leadflow.cli import app as cli
from tests.builders import make_workspace
from tests.imports.support import lead_by_email, leads, table, write

runner = CliRunner()
HEADER = ("Email", "Name", "Phone")


def leadflow(*args: str):
    return runner.invoke(cli.app, list(args))


def report_of(result) -> dict[str, int]:
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_summary_names_counts_warnings_and_the_top_reasons(session, tmp_path):
    workspace = make_workspace(session, region="SA")
    rows = [
        ("ann@example.sa", "Ann", "0501234567"),
        ("jim@example.com", "Jim", "(415) 555-2671"),  # a US number: left blank, a warning
        ("bad-email", "Bad", ""),
        ("x@", "Worse", "n/a"),
    ]
    path = write(tmp_path, table(HEADER, rows))

    result = leadflow("import", str(path), "--workspace", workspace.slug)

    assert result.exit_code == 0, result.output
    assert report_of(result) == {
        "rows": 4, "created": 2, "merged": 0, "rejected": 2, "scored": 2, "score_failed": 0,
    }  # fmt: skip
    assert (
        "4 rows: 2 created, 0 merged, 2 rejected, 1 kept with warnings; "
        "2 new leads scored, 0 could not be"
    ) in result.stderr
    assert "2 rows: email: not an email address (lines 4, 5)" in result.stderr
    assert "1 row: phone: not a valid phone number for its country (lines 3)" in result.stderr


def test_the_phone_country_is_chosen_on_the_command_line(session, tmp_path):
    workspace = make_workspace(session, region="SA")
    path = write(tmp_path, table(HEADER, [("jim@example.com", "Jim", "(415) 555-2671")]))

    result = leadflow("import", str(path), "--workspace", workspace.slug, "--phone-country", "US")

    assert result.exit_code == 0, result.output
    session.expire_all()
    assert lead_by_email(session, workspace.id, "jim@example.com").phone == "+14155552671"


def test_a_phone_country_that_is_no_country_is_a_one_line_error(session, tmp_path):
    workspace = make_workspace(session)
    path = write(tmp_path, table(HEADER, [("ann@example.com", "Ann", "")]))

    result = leadflow("import", str(path), "-w", workspace.slug, "--phone-country", "Atlantis")

    assert result.exit_code == 1
    assert "not a country" in result.stderr
    assert result.stdout == ""


def test_no_usable_row_exits_1_with_the_json_line_still_last(session, tmp_path):
    workspace = make_workspace(session)
    path = write(tmp_path, table(HEADER, [("bad-email", "Bad", ""), ("", "Nobody", "")]))

    result = leadflow("import", str(path), "--workspace", workspace.slug)

    assert result.exit_code == 1
    assert report_of(result) == {
        "rows": 2, "created": 0, "merged": 0, "rejected": 2, "scored": 0, "score_failed": 0,
    }  # fmt: skip
    assert "no row could be used" in result.stderr
    session.expire_all()
    assert leads(session, workspace.id) == []


def test_errors_out_writes_the_original_columns_and_a_reason(session, tmp_path):
    workspace = make_workspace(session)
    path = write(tmp_path, table(HEADER, [("ann@example.com", "Ann", ""), ("bad", "Bad", "")]))
    errors = tmp_path / "rejected.csv"

    result = leadflow("import", str(path), "-w", workspace.slug, "--errors-out", str(errors))

    assert result.exit_code == 0, result.output
    written = list(csv.reader(io.StringIO(errors.read_text(encoding="utf-8"), newline="")))
    assert written == [
        [*HEADER, "reason"],
        ["bad", "Bad", "", "email: not an email address: 'bad'"],
    ]


def test_version():
    result = leadflow("--version")

    assert result.exit_code == 0
    assert result.stdout.strip() == f"leadflow {__version__}"
