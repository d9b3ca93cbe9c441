"""``leadflow conversations``: the leads waiting on a person, oldest waiting first, as the
dashboard's inbox shows them."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from leadflow.cli.common import WorkspaceOption, errors
from leadflow.conversations import service
from leadflow.conversations.repository import InboxFilter
from leadflow.db import unit_of_work
from leadflow.leads.naming import display_name
from leadflow.workspaces import service as workspaces

out = Console(width=160)


def waiting(
    workspace: WorkspaceOption = "demo",
    limit: Annotated[int, typer.Option(min=1, max=500, help="at most this many")] = 50,
) -> None:
    """The conversations waiting on a person, oldest waiting first."""
    with errors(), unit_of_work(writes=False) as session:
        target = workspaces.get_workspace(session, workspace)
        entries, _ = service.inbox(
            session, workspace_id=target.id, chosen=InboxFilter(needs_person=True), limit=limit
        )
        if not entries:
            typer.echo("nobody is waiting on a person")
            return
        table = Table("conversation", "lead", "channel", "waiting since", "why", "last message")
        for entry in entries:
            since = entry.waiting_since.isoformat(timespec="seconds") if entry.waiting_since else ""
            table.add_row(
                str(entry.conversation.id), f"{display_name(entry.lead)} (#{entry.lead.id})",
                entry.conversation.channel, since, entry.handoff_reason or "",
                (entry.last_text or "")[:60],
            )  # fmt: skip
        out.print(table)
