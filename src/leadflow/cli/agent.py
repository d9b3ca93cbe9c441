"""``leadflow agent``: the services the business sells and the questions its agent asks a lead,
in English and Arabic, through the same service as the API's and the dashboard's."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from leadflow.cli.common import WorkspaceOption, errors
from leadflow.db import unit_of_work
from leadflow.exceptions import UnprocessableInput
from leadflow.knowledge.offerings import suggest_services
from leadflow.workspaces import questions, service
from leadflow.workspaces.questions import LANGUAGES, SLOTS

agent_app = typer.Typer(
    help="The agent: the services it talks about and the questions it asks.",
    no_args_is_help=True,
)
QUESTION_HELP = (
    f"SLOT:LANGUAGE:WORDS, e.g. 'service:en:Which inspection do you need?'; slots "
    f"{', '.join(SLOTS)}, languages {' and '.join(LANGUAGES)}. Repeat it: the slots are asked "
    "in the order first given, and a slot not given is not asked"
)
ServicesOption = Annotated[
    str | None,
    typer.Option("--services", help="what the business sells, comma-separated ('' for none)"),
]
QuestionOption = Annotated[list[str] | None, typer.Option("--question", "-q", help=QUESTION_HELP)]
OwnQuestionsOption = Annotated[
    bool, typer.Option("--own-questions", help="forget the questions: the agent asks its own")
]


@agent_app.command("show")
def show(workspace: WorkspaceOption = "demo") -> None:
    """The services and the questions in asking order, as JSON (no questions: the agent's own)."""
    with errors(), unit_of_work(writes=False) as session:
        target = service.get_workspace(session, workspace)
        shown = {
            "services": questions.services(target),
            "qualifying_questions": questions.question_list(target),
        }
        typer.echo(json.dumps(shown, ensure_ascii=False))


@agent_app.command("set")
def set_(
    workspace: WorkspaceOption = "demo",
    services: ServicesOption = None,
    question: QuestionOption = None,
    own_questions: OwnQuestionsOption = False,
) -> None:
    """Replace the services, the questions, or both; what is not given stays as it is."""
    with errors(), unit_of_work() as session:
        target = service.get_workspace(session, workspace)
        asked = questions.question_list(target)
        if question:
            asked = _questions(question)
        elif own_questions:
            asked = []
        names = questions.services(target) if services is None else _services(services)
        service.set_agent_settings(session, workspace=target, services=names, questions=asked)
        typer.echo(f"{len(names)} services and {len(asked)} questions set for {workspace!r}")


@agent_app.command("suggest")
def suggest(workspace: WorkspaceOption = "demo") -> None:
    """Services named in the workspace's knowledge, one a line; nothing is saved."""
    with errors(), unit_of_work(writes=False) as session:
        target = service.get_workspace(session, workspace)
        for name in suggest_services(session, target.id):
            typer.echo(name)


def _services(given: str) -> list[str]:
    return [part.strip() for part in given.split(",") if part.strip()]


def _questions(given: list[str]) -> list[dict[str, str]]:
    """The --question options as the service takes them: one per slot, in the order given."""
    asked: dict[str, dict[str, str]] = {}
    for option in given:
        slot, _, rest = option.partition(":")
        language, _, words = rest.partition(":")
        if language not in LANGUAGES or not words.strip():
            raise UnprocessableInput(f"--question is SLOT:LANGUAGE:WORDS, not {option[:60]!r}")
        asked.setdefault(slot.strip(), {"slot": slot.strip()})[language] = words.strip()
    return list(asked.values())
