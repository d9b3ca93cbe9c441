from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class QueueDepth(BaseModel):
    queued: int
    running: int
    in_queue: int  # job ids waiting in the huey queue; -1 when its store is unreachable


class HealthOut(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    database: Literal["ok", "unreachable"]
    job_queue: Literal["ok", "unreachable"]  # huey's store: Redis, or the SQLite queue file
    down: list[Literal["database", "job_queue"]]  # what needs the operator, if anything
    queue: QueueDepth | None  # None while the database is unreachable
    providers: dict[str, str]  # provider -> its breaker: closed, open or half_open


class ReadyOut(BaseModel):
    status: Literal["ready"]
    checks: dict[str, str]
