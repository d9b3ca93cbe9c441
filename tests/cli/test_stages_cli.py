"""``leadflow stages``: listed with their leads, replaced from the command line, a lead moved;
refusals in one line with exit code 1."""

from __future__ import annotations

from typer.testing import CliRunner

from leadflow.cli import app as cli
from leadflow.models import Lead
from tests.builders import make_lead, make_workspace

runner = CliRunner()


def leadflow(*args: str):
    return runner.invoke(cli.app, list(args))


def test_stages_are_listed_set_and_a_lead_moved(session):
    workspace = make_workspace(session)
    lead = make_lead(session, workspace)
    slug = workspace.slug
    listed = leadflow("stages", "list", "--workspace", slug)
    assert listed.exit_code == 0, listed.output
    assert listed.output.split("\n")[0].split() == ["new", "New", "1"]
    set_ = leadflow(
        "stages", "set", "new", "contacted", "meeting=Site visit", "+Proposal sent", "won",
        "lost", "--workspace", slug,
    )  # fmt: skip
    assert set_.exit_code == 0, set_.output
    assert "New → Contacted → Site visit → Proposal sent → Won → Lost" in set_.output
    moved = leadflow("stages", "move", str(lead.id), "won", "--workspace", slug)
    assert moved.exit_code == 0, moved.output
    session.expire_all()
    assert session.get(Lead, lead.id).outcome == "won"  # type: ignore[union-attr]


def test_a_refusal_is_one_line_and_exit_code_1(session):
    slug = make_workspace(session).slug
    refused = leadflow("stages", "set", "won", "new", "lost", "--workspace", slug)
    assert refused.exit_code == 1
    assert "new stage comes first" in refused.output
    assert "Traceback" not in refused.output
