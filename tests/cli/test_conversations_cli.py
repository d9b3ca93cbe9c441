"""``leadflow conversations`` and ``leadflow leads note|call|assign``: the inbox of those
waiting on a person, and a person's notes, calls and owners, from the command line."""

from __future__ import annotations

import json

from sqlalchemy import select
from typer.testing import CliRunner

from leadflow.cli import app as cli
from leadflow.models import Activity, Event, Lead
from tests.builders import make_conversation, make_lead, make_workspace
from tests.dashboard.support import make_person

runner = CliRunner()


def leadflow(*args: str):
    return runner.invoke(cli.app, list(args))


def test_the_conversations_waiting_on_a_person_as_a_table(session):
    workspace = make_workspace(session)
    quiet = leadflow("conversations", "-w", workspace.slug)
    assert quiet.exit_code == 0, quiet.output
    assert "nobody is waiting" in quiet.stdout
    older = make_conversation(
        session, make_lead(session, workspace, first_name="Rana", email="rana@example.com"),
        ("in", "Anyone there?", 50),
    )  # fmt: skip
    newer = make_conversation(
        session, make_lead(session, workspace), ("in", "A person please", 5), ("out", "Sure", 5),
        handled_by="person",
    )  # fmt: skip
    make_conversation(session, make_lead(session, workspace), ("in", "Hi", 9), ("out", "Hey", 8))
    shown = leadflow("conversations", "-w", workspace.slug)
    assert shown.exit_code == 0, shown.output
    lines = [line for line in shown.stdout.splitlines() if line.strip(" │┃")]
    rows = [line for line in lines if line.startswith("│")]
    assert [row.split("│")[1].strip() for row in rows] == [str(older.id), str(newer.id)]
    assert f"Rana (#{older.lead_id})" in shown.stdout
    assert "Anyone there?" in shown.stdout
    assert leadflow("conversations", "-w", "no-such-workspace").exit_code == 1


def test_a_note_a_call_and_an_owner_from_the_command_line(session):
    workspace = make_workspace(session)
    email = make_person(workspace)
    lead = make_lead(session, workspace)
    slug = workspace.slug

    noted = leadflow("leads", "note", str(lead.id), "Call back after Eid", "-w", slug)
    assert noted.exit_code == 0, noted.output
    assert json.loads(noted.stdout)["data"] == {"text": "Call back after Eid"}
    called = leadflow("leads", "call", str(lead.id), "--outcome", "connected",
                      "--notes", "Interested", "--minutes", "1.5", "-w", slug)  # fmt: skip
    assert called.exit_code == 0, called.output
    assert json.loads(called.stdout)["data"] == {
        "outcome": "connected", "notes": "Interested", "duration_seconds": 90
    }  # fmt: skip
    assert leadflow("leads", "call", str(lead.id), "--outcome", "busy", "-w", slug).exit_code == 2
    assert leadflow("leads", "note", str(lead.id), "", "-w", slug).exit_code == 1

    assigned = leadflow("leads", "assign", str(lead.id), email, "-w", slug)
    assert assigned.exit_code == 0, assigned.output
    session.expire_all()
    owner = session.get(Lead, lead.id).owner_id
    assert owner is not None
    outsider = make_person(make_workspace(session))
    refused = leadflow("leads", "assign", str(lead.id), outsider, "-w", slug)
    assert refused.exit_code == 1
    assert "not a person of this workspace" in refused.output
    assert leadflow("leads", "assign", str(lead.id), "-", "-w", slug).exit_code == 0
    session.expire_all()
    assert session.get(Lead, lead.id).owner_id is None

    kinds = session.scalars(
        select(Activity.kind).where(Activity.lead_id == lead.id).order_by(Activity.id)
    ).all()
    assert kinds == ["lead.note_added", "lead.call_logged", "lead.updated", "lead.updated"]
    events = session.scalars(select(Event.type).where(Event.lead_id == lead.id)).all()
    assert {"lead.note_added", "lead.call_logged", "lead.updated"} <= set(events)
