"""``leadflow checklist``: the first run's steps for a workspace, from what it has done."""

from __future__ import annotations

from typer.testing import CliRunner

from leadflow.cli import app as cli
from tests.builders import make_workspace
from tests.dashboard.support import make_person

runner = CliRunner()


def test_the_checklist_says_what_is_done_and_where_to_do_the_rest(session):
    workspace = make_workspace(session)
    make_person(workspace)
    make_person(workspace)

    shown = runner.invoke(cli.app, ["checklist", "--workspace", workspace.slug])

    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert lines[0].startswith("[ ] Connect a channel")
    assert lines[0].endswith("/settings#providers")
    assert lines[4].startswith("[x] Invite a teammate")
    assert "1 of 5 done" in shown.stdout
    assert f"/chat/{workspace.form_token}/widget.js" in shown.stdout


def test_an_unknown_workspace_is_one_line_of_error(session):
    shown = runner.invoke(cli.app, ["checklist", "--workspace", "no-such-workspace"])
    assert shown.exit_code == 1
    assert "not found" in shown.stderr
