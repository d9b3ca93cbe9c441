from __future__ import annotations

from fastapi import APIRouter

from leadflow.dependencies import SessionDep, WorkspaceDep
from leadflow.knowledge.offerings import suggest_services
from leadflow.models import Workspace
from leadflow.workspaces import questions, service
from leadflow.workspaces.schemas import AgentSettings, ServiceSuggestions, WorkspaceOut

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


def _shown(workspace: Workspace) -> AgentSettings:
    return AgentSettings.model_validate(
        {"services": questions.services(workspace),
         "qualifying_questions": questions.question_list(workspace)}
    )  # fmt: skip
