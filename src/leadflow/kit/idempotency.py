"""Idempotency-Key: the first answer to a keyed request is kept and replayed for its repeats."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.exceptions import BadRequest, UnprocessableInput
from leadflow.kit.crypto import fingerprint
from leadflow.models import IdempotencyRecord

MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: dict[str, Any]


def request_fingerprint(method: str, path: str, body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return fingerprint(f"{method} {path} {canonical}".encode())


def check_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise BadRequest(f"Idempotency-Key must be 1-{MAX_KEY_LENGTH} characters")
    return key


def replay(session: Session, workspace_id: int, key: str, request_hash: str) -> Replay | None:
    record = session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.workspace_id == workspace_id, IdempotencyRecord.key == key
        )
    )
    if record is None:
        return None
    if record.request_hash != request_hash:
        raise UnprocessableInput(
            "this Idempotency-Key was already used for a different request; use a new key"
        )
    return Replay(record.status_code, record.response)


def remember(
    session: Session,
    workspace_id: int,
    key: str,
    request_hash: str,
    status_code: int,
    body: dict[str, Any],
) -> None:
    session.add(
        IdempotencyRecord(
            workspace_id=workspace_id,
            key=key,
            request_hash=request_hash,
            status_code=status_code,
            response=body,
        )
    )
    session.flush()
