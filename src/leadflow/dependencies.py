"""FastAPI dependencies as Annotated aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from leadflow.accounts.api_keys import workspace_for_api_key
from leadflow.config import get_settings
from leadflow.db import unit_of_work
from leadflow.exceptions import TooManyRequests, Unauthorized
from leadflow.kit.client_address import client_address
from leadflow.kit.crypto import hash_api_key
from leadflow.kit.ratelimit import Rate, enforce, get_limiter
from leadflow.models import Workspace

_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def _session(request: Request) -> Iterator[Session]:
    """One request, one transaction: committed when the endpoint returns without error."""
    with unit_of_work(writes=request.method not in _READS) as session:
        yield session


# "function" scope: the commit happens before the response leaves, so a 2xx is never sent
# for work that then fails to commit.
SessionDep = Annotated[Session, Depends(_session, scope="function")]


_CHALLENGE = {"WWW-Authenticate": "Bearer"}
# Either header carries the key; declared as two security schemes, so that the OpenAPI document
# marks every operation that needs a key (and only those) and Swagger UI's Authorize sends it.
_BEARER = HTTPBearer(
    scheme_name="ApiKeyBearer",
    description="The workspace's API key: 'Authorization: Bearer <key>'",
    auto_error=False,
)
_HEADER = APIKeyHeader(
    name="X-API-Key",
    scheme_name="ApiKeyHeader",
    description="The workspace's API key in an X-API-Key header",
    auto_error=False,
)


def _api_key(
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
    header: Annotated[str | None, Depends(_HEADER)],
) -> str:
    if bearer is not None and bearer.credentials.strip():
        return bearer.credentials.strip()
    if header is not None and header.strip():
        return header.strip()
    raise Unauthorized(
        "send your API key as 'Authorization: Bearer <key>' (create one with "
        "'leadflow apikey create --workspace SLUG')",
        headers=_CHALLENGE,
    )


def _workspace(
    request: Request, session: SessionDep, key: Annotated[str, Depends(_api_key)]
) -> Workspace:
    return _key_holder(request, session, key, touch=True)


WorkspaceDep = Annotated[Workspace, Depends(_workspace)]


def _workspace_read(request: Request, key: Annotated[str, Depends(_api_key)]) -> Workspace:
    with unit_of_work(writes=False) as session:
        return _key_holder(request, session, key, touch=False)


def _key_holder(request: Request, session: Session, key: str, *, touch: bool) -> Workspace:
    """The key's workspace. An address that sent too many unknown keys waits before any key of
    its is looked at (else a right guess would still show), and each key has its own rate."""
    settings, address = get_settings(), client_address(request)
    misses = Rate("api-key-miss", settings.api_key_misses_per_minute)
    if (wait := get_limiter().waiting(misses, address)) is not None:
        raise TooManyRequests(_MISSED, retry_after=wait)
    workspace = workspace_for_api_key(session, key, touch=touch)
    if workspace is None:
        get_limiter().hit(misses, address)
        raise Unauthorized("this API key is unknown or revoked", headers=_CHALLENGE)
    per_key = Rate("api-key", settings.api_key_rate_limit_per_minute)
    enforce(per_key, hash_api_key(key), message="too many requests with this API key; slow down")
    return workspace


_MISSED = "too many unknown or revoked API keys from this address; wait before trying again"


# For a route that prepares work before it writes (an upload kept and read): the workspace,
# looked up in a short read-only session of its own, so that the route's own transaction,
# and on SQLite the single writer, begins only once there is something to write.
WorkspaceReadDep = Annotated[Workspace, Depends(_workspace_read)]
