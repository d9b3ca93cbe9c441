"""Who may send to an inbound address: the workspace and the settings of the account that signs
its callbacks (the workspace's own connection, else the platform's account at that vendor),
remembered for a few seconds so that a burst of webhooks does not unseal them once each."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.connections import service as connections
from leadflow.exceptions import NotFound
from leadflow.integrations.vendor import ProviderSettings
from leadflow.models import Workspace
from leadflow.providers.service import account_at

# A changed or removed connection is honoured by every process within this many seconds.
REMEMBER_SECONDS = 5.0


@dataclass(frozen=True)
class Sender:
    workspace_id: int
    settings: ProviderSettings


_Key = tuple[str, str, bool]
_lock = threading.Lock()
_remembered: dict[_Key, tuple[float, Sender | None]] = {}


def sender(
    session_factory: Callable[[], Session],
    workspace_slug: str,
    provider: str,
    *,
    platform_only: bool = False,
) -> Sender:
    """The workspace and settings behind an inbound address (404 if there are none).
    ``platform_only``: the callback is about a message the platform's account sent."""
    key = (workspace_slug, provider, platform_only)
    now = time.monotonic()
    with _lock:
        seen = _remembered.get(key)
    if seen is None or now - seen[0] > REMEMBER_SECONDS:
        with session_factory() as session:
            seen = (now, _look_up(session, key))
        with _lock:
            _remembered[key] = seen
    if seen[1] is None:
        raise NotFound(f"no {provider} connection at this address")
    return seen[1]


def remembered(workspace_slug: str, provider: str, *, platform_only: bool = False) -> bool:
    """Whether ``sender`` would answer without reading the database."""
    with _lock:
        seen = _remembered.get((workspace_slug, provider, platform_only))
    return seen is not None and time.monotonic() - seen[0] <= REMEMBER_SECONDS


def _look_up(session: Session, key: _Key) -> Sender | None:
    workspace_slug, provider, platform_only = key
    workspace_id = session.scalar(select(Workspace.id).where(Workspace.slug == workspace_slug))
    if workspace_id is None:
        return None
    account = account_at(session, workspace_id, provider, platform_only=platform_only)
    return None if account is None else Sender(workspace_id, account.settings)


def forget() -> None:
    """Drops what is remembered (a connection changed in this process)."""
    with _lock:
        _remembered.clear()


connections.on_change.append(forget)
