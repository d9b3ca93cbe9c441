"""FastAPI dependencies as Annotated aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from leadflow.db import unit_of_work
from leadflow.exceptions import Unauthorized
from leadflow.models import Workspace
from leadflow.workspaces.service import workspace_for_api_key

_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def _session(request: Request) -> Iterator[Session]:
    """One request, one transaction: committed when the endpoint returns without error."""
    with unit_of_work(writes=request.method not in _READS) as session:
        yield session


# "function" scope: the commit happens before the response leaves, so a 2xx is never sent
# for work that then fails to commit.
SessionDep = Annotated[Session, Depends(_session, scope="function")]


_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def _api_key(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    if key := request.headers.get("x-api-key", "").strip():
        return key
    raise Unauthorized(
        "send your API key as 'Authorization: Bearer <key>' (create one with "
        "'leadflow apikey create --workspace SLUG')",
        headers=_CHALLENGE,
    )


def _workspace(session: SessionDep, key: Annotated[str, Depends(_api_key)]) -> Workspace:
    workspace = workspace_for_api_key(session, key)
    if workspace is None:
        raise Unauthorized("this API key is unknown or revoked", headers=_CHALLENGE)
    return workspace


WorkspaceDep = Annotated[Workspace, Depends(_workspace)]


def _workspace_read(key: Annotated[str, Depends(_api_key)]) -> Workspace:
    with unit_of_work(writes=False) as session:
        workspace = workspace_for_api_key(session, key, touch=False)
    if workspace is None:
        raise Unauthorized("this API key is unknown or revoked", headers=_CHALLENGE)
    return workspace


# For a route that prepares work before it writes (an upload kept and read): the workspace,
# looked up in a short read-only session of its own, so that the route's own transaction,
# and on SQLite the single writer, begins only once there is something to write.
WorkspaceReadDep = Annotated[Workspace, Depends(_workspace_read)]
