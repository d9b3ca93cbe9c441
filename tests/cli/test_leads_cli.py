"""``leadflow leads``: a person's edits from the command line go through the same owners as
the API's and the dashboard's: consent through its one writer, qualification as their word."""

from __future__ import annotations

import json

from sqlalchemy import select
from typer.testing import CliRunner

from leadflow.cli import app as cli
from leadflow.models import Activity
from tests.builders import make_lead, make_workspace

runner = CliRunner()


def leadflow(*args: str):
    return runner.invoke(cli.app, list(args))


def test_consent_and_qualification_from_the_command_line(session):
    workspace = make_workspace(session)
    lead = make_lead(session, workspace, email="cli@example.com")
    slug = workspace.slug

    refused = leadflow("leads", "consent", str(lead.id), "denied", "-w", slug)
    assert refused.exit_code == 0, refused.output
    assert json.loads(refused.stdout)["consent_status"] == "denied"
    entry = session.scalars(select(Activity).where(Activity.lead_id == lead.id)).all()
    assert [(a.kind, a.actor) for a in entry if a.kind.startswith("consent.")] == [
        ("consent.revoked", "cli")
    ]

    word = '{"budget": {"amount": 500000, "currency": "SAR"}}'
    qualified = leadflow("leads", "qualify", str(lead.id), word, "-w", slug)
    assert qualified.exit_code == 0, qualified.output
    shown = json.loads(leadflow("leads", "show", str(lead.id), "-w", slug).stdout)
    assert shown["display_name"] == "cli@example.com"
    assert shown["qualification"]["budget"]["amount"] == "500000"
    assert shown["qualification_sources"]["budget"]["source"] == "person"
    assert shown["qualification_sources"]["budget"]["by"] == "cli"


def test_mistakes_are_one_line_errors(session):
    workspace = make_workspace(session)
    lead = make_lead(session, workspace)
    bad = leadflow(
        "leads", "qualify", str(lead.id), '{"budget": {"amount": -1}}', "-w", workspace.slug
    )
    assert bad.exit_code == 1
    assert bad.stderr.startswith("error: ")
    missing = leadflow("leads", "show", "999999999", "-w", workspace.slug)
    assert missing.exit_code == 1
    assert "not found" in missing.stderr
