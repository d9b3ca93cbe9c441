from __future__ import annotations

from fastapi import APIRouter, Request

from leadflow.dependencies import SessionDep, WorkspaceDep
from leadflow.kit.site import public_base
from leadflow.knowledge.offerings import suggest_services
from leadflow.models import Workspace
from leadflow.workspaces import questions, service
from leadflow.workspaces.checklist import checklist, widget_snippet
from leadflow.workspaces.schemas import (
    AgentSettings,
    ChecklistItemOut,
    ChecklistOut,
    ServiceSuggestions,
    WidgetLookIn,
    WidgetLookOut,
    WorkspaceOut,
)
from leadflow.workspaces.widget import widget_look

router = APIRouter(tags=["workspace"])


@router.get("/workspace", response_model=WorkspaceOut)
def current_workspace(workspace: WorkspaceDep) -> WorkspaceOut:
    """The workspace this API key belongs to, with its public web-form token."""
    return WorkspaceOut.model_validate(workspace)


@router.get("/workspace/agent", response_model=AgentSettings)
def agent_settings(workspace: WorkspaceDep) -> AgentSettings:
    """The services the business sells and the questions the agent asks, in asking order
    (none: the agent asks its own)."""
    return _shown(workspace)


@router.put("/workspace/agent", response_model=AgentSettings)
def put_agent_settings(
    payload: AgentSettings, session: SessionDep, workspace: WorkspaceDep
) -> AgentSettings:
    """Replace the services and the questions; a slot left out is not asked."""
    service.set_agent_settings(
        session, workspace=workspace, services=payload.services,
        questions=[question.model_dump() for question in payload.qualifying_questions],
    )  # fmt: skip
    return _shown(workspace)


@router.get("/workspace/agent/suggestions", response_model=ServiceSuggestions)
def service_suggestions(session: SessionDep, workspace: WorkspaceDep) -> ServiceSuggestions:
    """Services named in the workspace's knowledge (under headings such as "Our services" or
    "Prices"), to start the list from; nothing is saved."""
    return ServiceSuggestions(services=suggest_services(session, workspace.id))


@router.get("/workspace/checklist", response_model=ChecklistOut)
def first_run_checklist(
    request: Request, session: SessionDep, workspace: WorkspaceDep
) -> ChecklistOut:
    """The first run's steps, each ticked from what the workspace has done, and the chat's tag."""
    steps = checklist(session, workspace)
    return ChecklistOut(
        steps=[ChecklistItemOut.model_validate(item) for item in steps.steps],
        done=steps.done, complete=steps.complete,
        widget_snippet=widget_snippet(workspace, base_url=public_base(request)),
    )  # fmt: skip


@router.get("/workspace/widget", response_model=WidgetLookOut)
def chat_widget_look(workspace: WorkspaceDep) -> WidgetLookOut:
    """The web chat's brand colour and language."""
    return WidgetLookOut.model_validate(widget_look(workspace))


@router.put("/workspace/widget", response_model=WidgetLookOut)
def put_chat_widget_look(
    payload: WidgetLookIn, session: SessionDep, workspace: WorkspaceDep
) -> WidgetLookOut:
    """Set the web chat's brand colour (#rrggbb) and the language it speaks (en or ar)."""
    service.set_widget_look(
        session, workspace=workspace, colour=payload.colour, language=payload.language
    )
    return WidgetLookOut.model_validate(widget_look(workspace))


def _shown(workspace: Workspace) -> AgentSettings:
    return AgentSettings.model_validate(
        {"services": questions.services(workspace),
         "qualifying_questions": questions.question_list(workspace)}
    )  # fmt: skip
