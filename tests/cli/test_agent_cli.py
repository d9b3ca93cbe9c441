"""``leadflow agent``: the services and qualifying questions shown and set from the command
line, through the same service as the API's, refused in one line when malformed."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from leadflow.cli import app as cli
from leadflow.models import Workspace
from leadflow.workspaces import questions
from tests.builders import make_workspace

runner = CliRunner()


def leadflow(*args: str):
    return runner.invoke(cli.app, list(args))


def _fresh(session, workspace: Workspace) -> Workspace:
    session.expire_all()
    found = session.get(Workspace, workspace.id)
    assert found is not None
    return found


def test_services_and_questions_are_set_and_shown(session):
    workspace = make_workspace(session)
    slug = workspace.slug
    set_ = leadflow(
        "agent", "set", "--workspace", slug, "--services", "Snagging, Thermal imaging",
        "--question", "location:en:Where is the property?",
        "--question", "service:en:Which inspection do you need?",
        "--question", "service:ar:ما نوع الفحص الذي تحتاجه؟",
    )  # fmt: skip
    assert set_.exit_code == 0, set_.output
    shown = leadflow("agent", "show", "--workspace", slug)
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout) == {
        "services": ["Snagging", "Thermal imaging"],
        "qualifying_questions": [
            {"slot": "location", "en": "Where is the property?", "ar": ""},
            {"slot": "service", "en": "Which inspection do you need?",
             "ar": "ما نوع الفحص الذي تحتاجه؟"},
        ],
    }  # fmt: skip

    services_only = leadflow("agent", "set", "-w", slug, "--services", "Snagging")
    assert services_only.exit_code == 0, services_only.output
    fresh = _fresh(session, workspace)
    assert questions.services(fresh) == ["Snagging"]
    assert list(questions.qualifying_questions(fresh)) == ["location", "service"]  # kept

    own = leadflow("agent", "set", "-w", slug, "--own-questions")
    assert own.exit_code == 0, own.output
    fresh = _fresh(session, workspace)
    assert questions.qualifying_questions(fresh) == {}
    assert questions.services(fresh) == ["Snagging"]


def test_mistakes_are_one_line_errors_and_change_nothing(session):
    workspace = make_workspace(session)
    slug = workspace.slug
    assert leadflow("agent", "set", "-w", slug, "--services", "Kept").exit_code == 0
    for args, words in [
        (["--question", "colour:en:Which colour?"], "slot"),
        (["--question", "service:fr:Quel service ?"], "SLOT:LANGUAGE:WORDS"),
        (["--question", "service:en:"], "SLOT:LANGUAGE:WORDS"),
        (["--question", "budget:en:" + "x" * 301], "300"),
        (["--services", "a, A"], "twice"),
    ]:
        refused = leadflow("agent", "set", "-w", slug, *args)
        assert refused.exit_code == 1, refused.output
        assert words in refused.output
        assert "Traceback" not in refused.output
    assert questions.services(_fresh(session, workspace)) == ["Kept"]
    unknown = leadflow("agent", "show", "-w", "no-such-workspace")
    assert unknown.exit_code == 1
    assert "not found" in unknown.output


def test_suggest_lists_nothing_without_knowledge(session):
    workspace = make_workspace(session)
    suggested = leadflow("agent", "suggest", "-w", workspace.slug)
    assert suggested.exit_code == 0, suggested.output
    assert suggested.stdout == ""
