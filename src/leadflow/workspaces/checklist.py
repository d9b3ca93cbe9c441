"""The first run's checklist: five things a new workspace does to get going, each ticked from
what the workspace has really done, and put away by each person once they are done with it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from leadflow.models import Workspace
from leadflow.workspaces import repository

DISMISSED_BY = "checklist_dismissed_by"  # the workspace's setting: ids of people who put it away


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    done: bool
    link: str  # the page where it is done


@dataclass(frozen=True)
class Checklist:
    steps: list[ChecklistItem]
    dismissed: bool

    @property
    def done(self) -> int:
        return sum(item.done for item in self.steps)

    @property
    def complete(self) -> bool:
        return self.done == len(self.steps)


_Fact = Callable[[Session, int], bool]
# In the order a newcomer is asked to do them: (key, the fact that ticks it, where it is done)
_STEPS: tuple[tuple[str, _Fact, str], ...] = (
    ("connect_channel", repository.has_provider_connection, "/settings#providers"),
    ("add_knowledge", repository.has_knowledge_document, "/knowledge"),
    ("embed_widget", repository.has_chat_conversation, "/welcome#widget"),
    ("import_leads", repository.has_import, "/imports"),
    ("invite_teammate", lambda s, w: repository.member_count(s, w) > 1, "/welcome#teammate"),
)


def checklist(session: Session, workspace: Workspace, *, user_id: int | None = None) -> Checklist:
    """Each step ticked from the workspace's own rows: a provider connected, a knowledge
    document, a conversation on the web chat, an import, a second member. ``dismissed`` says
    whether ``user_id`` has put it away."""
    steps = [ChecklistItem(key, fact(session, workspace.id), link) for key, fact, link in _STEPS]
    return Checklist(steps=steps, dismissed=user_id in dismissed_by(workspace))


def dismissed_by(workspace: Workspace) -> list[int]:
    return [int(user) for user in (workspace.settings or {}).get(DISMISSED_BY, [])]


def dismiss(session: Session, *, workspace: Workspace, user_id: int) -> None:
    """The person no longer sees the checklist on the board (the welcome page keeps it)."""
    if user_id in dismissed_by(workspace):
        return
    workspace.settings = {
        **(workspace.settings or {}),
        DISMISSED_BY: [*dismissed_by(workspace), user_id],
    }
    session.flush()


def widget_snippet(workspace: Workspace, *, base_url: str) -> str:
    """The one script tag that puts the workspace's web chat on the business's site."""
    src = f"{base_url.rstrip('/')}/chat/{workspace.form_token}/widget.js"
    return f'<script src="{src}" defer></script>'
