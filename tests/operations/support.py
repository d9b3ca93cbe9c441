"""A workspace made straight in a database that a leadflow process of the test's own serves."""

from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from leadflow.connections.service import connect
from leadflow.migrations.runner import upgrade_to_head
from leadflow.workspaces.service import create_api_key, create_workspace
from tests.inbox.support import TWILIO_SID, TWILIO_TOKEN


def prepare_workspace(database_url: str, slug: str) -> str:
    """Migrates the database and makes the workspace, with a Twilio connection (signed with
    tests.inbox.support's token) and an API key, which it returns."""
    engine = create_engine(database_url)
    try:
        upgrade_to_head(engine)
        with Session(engine) as session:
            workspace = create_workspace(session, slug=slug, default_region="SA")
            connect(
                session,
                workspace_id=workspace.id,
                provider="twilio",
                settings={"account_sid": TWILIO_SID, "auth_token": TWILIO_TOKEN},
            )
            _, key = create_api_key(session, workspace=workspace, name=slug)
            session.commit()
    finally:
        engine.dispose()
    return key
