"""API keys as credentials: which workspace a key opens."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from leadflow.accounts import repository
from leadflow.kit.crypto import hash_api_key
from leadflow.models import Workspace
from leadflow.models.base import utcnow

_KEY_TOUCH_INTERVAL = timedelta(minutes=5)


def workspace_for_api_key(
    session: Session, plaintext: str, *, touch: bool = True
) -> Workspace | None:
    """The workspace of an active key; ``touch`` notes when the key was last used (now and
    then: not a write on every request)."""
    api_key = repository.active_key_by_hash(session, hash_api_key(plaintext))
    if api_key is None:
        return None
    now = utcnow()
    stale = api_key.last_used_at is None or now - api_key.last_used_at > _KEY_TOUCH_INTERVAL
    if touch and stale:
        api_key.last_used_at = now
    return session.get(Workspace, api_key.workspace_id)
