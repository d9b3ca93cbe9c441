"""Who may send to an inbound address: the workspace and its verified settings for the provider,
remembered for a few seconds so that a burst of webhooks does not unseal them once each."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.connections import service as connections
from leadflow.connections.registry import ProviderSettings
from leadflow.connections.service import settings_of
from leadflow.exceptions import NotFound
from leadflow.inbox.verifiers import SCHEMES
from leadflow.models import Workspace

# A changed or removed connection is honoured by every process within this many seconds.
REMEMBER_SECONDS = 5.0


@dataclass(frozen=True)
class Sender:
    workspace_id: int
    settings: ProviderSettings


_lock = threading.Lock()
_remembered: dict[tuple[str, str], tuple[float, Sender | None]] = {}


def sender(session_factory: Callable[[], Session], workspace_slug: str, provider: str) -> Sender:
    """The workspace and settings behind an inbound address (404 if there are none)."""
    key = (workspace_slug, provider)
    now = time.monotonic()
    with _lock:
        seen = _remembered.get(key)
    if seen is None or now - seen[0] > REMEMBER_SECONDS:
        with session_factory() as session:
            seen = (now, _look_up(session, workspace_slug, provider))
        with _lock:
            _remembered[key] = seen
    if seen[1] is None:
        raise NotFound(f"no {provider} connection at this address")
    return seen[1]


def remembered(workspace_slug: str, provider: str) -> bool:
    """Whether ``sender`` would answer without reading the database."""
    with _lock:
        seen = _remembered.get((workspace_slug, provider))
    return seen is not None and time.monotonic() - seen[0] <= REMEMBER_SECONDS


def _look_up(session: Session, workspace_slug: str, provider: str) -> Sender | None:
    workspace_id = session.scalar(select(Workspace.id).where(Workspace.slug == workspace_slug))
    if workspace_id is None:
        return None
    settings = settings_of(session, workspace_id, provider, SCHEMES[provider].settings)
    return None if settings is None else Sender(workspace_id, settings)


def forget() -> None:
    """Drops what is remembered (a connection changed in this process)."""
    with _lock:
        _remembered.clear()


connections.on_change.append(forget)
